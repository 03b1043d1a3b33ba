"""ask-sdk-core request handlers: each turns one kind of Alexa request into an engine event.

One style throughout (classes with can_handle/handle), registered from most to least specific.
Every handler is built with the skill's profile gateway (skill/profiles.py): no reaching into the
SDK's attributes manager for progress. The conversation itself lives in the engine; `respond`
renders its reply and hands its effects to the gateway.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from ask_sdk_core.dispatch_components.exception_components import AbstractExceptionHandler
from ask_sdk_core.dispatch_components.request_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils.predicate import is_request_type
from ask_sdk_model.canfulfill.can_fulfill_intent import CanFulfillIntent
from ask_sdk_model.canfulfill.can_fulfill_intent_request import CanFulfillIntentRequest
from ask_sdk_model.canfulfill.can_fulfill_intent_values import CanFulfillIntentValues
from ask_sdk_model.canfulfill.can_fulfill_slot import CanFulfillSlot
from ask_sdk_model.canfulfill.can_fulfill_slot_values import CanFulfillSlotValues
from ask_sdk_model.canfulfill.can_understand_slot_values import CanUnderstandSlotValues
from ask_sdk_model.intent import Intent
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_model.response import Response
from ask_sdk_model.slot import Slot
from ask_sdk_model.slu.entityresolution.status_code import StatusCode
from ask_sdk_model.ui.simple_card import SimpleCard

from shared import messages
from shared.engine import Context, handle, session_record
from shared.events import Event, EventKind
from shared.intents import CUSTOM_INTENT_SLOTS, INTENT_EVENTS, event_for_intent
from shared.locales import DEFAULT_LOCALE
from shared.reply import Effect, RecordSession
from shared.storage import deadline
from shared.storage.pending import PendingChange
from skill import request_context, unsaved
from skill.apl.directive import screen_directive, supports_apl
from skill.apl.touch import touch_event
from skill.config import VOICE_CHUNK_SECONDS
from skill.profiles import ProfileGateway, request_day
from skill.ssml import render

log = logging.getLogger(__name__)
STATE_KEY = "engine"


# -- translating requests -------------------------------------------------------------------------


def resolved_slot_value(slot: Slot | None) -> str | None:
    """A slot's canonical id when entity resolution matched, its spoken value for built-in types
    (numbers), and None when Alexa heard a value outside the slot type (ER_SUCCESS_NO_MATCH)."""
    if slot is None or slot.value is None:
        return None
    authorities = (slot.resolutions.resolutions_per_authority or []) if slot.resolutions else []
    if not authorities:
        return slot.value
    for authority in authorities:
        if (
            authority.status
            and authority.status.code == StatusCode.ER_SUCCESS_MATCH
            and authority.values
            and authority.values[0].value is not None
        ):
            return authority.values[0].value.id
    return None


def _intent(handler_input: HandlerInput) -> Intent:
    """The request's intent; asked only of intent requests, so its absence is a bad envelope."""
    request = handler_input.request_envelope.request
    if isinstance(request, IntentRequest | CanFulfillIntentRequest) and request.intent:
        return request.intent
    raise ValueError(f"no intent in the {type(request).__name__}")


def intent_event(handler_input: HandlerInput) -> Event:
    intent = _intent(handler_input)
    slots = {name: resolved_slot_value(slot) for name, slot in (intent.slots or {}).items()}
    return event_for_intent(intent.name or "", slots)


# -- answering ------------------------------------------------------------------------------------


def _locale(handler_input: HandlerInput) -> str:
    request = handler_input.request_envelope.request
    return (request.locale if request is not None else None) or DEFAULT_LOCALE


def _session(handler_input: HandlerInput) -> dict[str, Any]:
    """The session's attributes, where the engine's state travels between turns. A request
    without a session (Alexa sends some; a launch should have one) is answered all the same,
    from a fresh conversation whose state has nowhere to go."""
    if handler_input.request_envelope.session is None:
        log.info("a %s without a session", type(handler_input.request_envelope.request).__name__)
        return {}
    attributes = handler_input.attributes_manager.session_attributes
    return attributes if attributes is not None else {}


def context_for(handler_input: HandlerInput, profiles: ProfileGateway) -> Context:
    """Today from the request's own timestamp, so a replayed dialog sees the day it was made on.
    The profile is read only if the turn uses it: most turns of a routine cost no database read."""
    envelope = handler_input.request_envelope
    return Context(
        today=request_day(envelope),
        load_profile=lambda: profiles.load(envelope),
        max_chunk_seconds=VOICE_CHUNK_SECONDS,
        locale=_locale(handler_input),
    )


def respond(handler_input: HandlerInput, event: Event, profiles: ProfileGateway) -> Response:
    """Run the engine on the session's state, keep its effects, and turn its reply into the
    Alexa response. The turn's database calls share one budget (deadline.TURN_BUDGET): a
    database that does not answer costs the turn that much at most, then it answers unsaved."""
    with deadline.turn():
        return _respond(handler_input, event, profiles)


def _respond(handler_input: HandlerInput, event: Event, profiles: ProfileGateway) -> Response:
    session = _session(handler_input)
    reply = handle(session.get(STATE_KEY), event, context_for(handler_input, profiles))
    left = _keep(handler_input, reply.effects, profiles)
    speech = render(reply)
    builder = handler_input.response_builder.speak(speech.ssml)
    if reply.card is not None:
        builder.set_card(SimpleCard(title=reply.card.title, content=reply.card.text))
    envelope = handler_input.request_envelope
    if supports_apl(envelope):  # an Echo Show: the screen for this reply (skill/apl/)
        streak = functools.partial(_streak, envelope, profiles)  # read only for the wrap-up
        builder.add_directive(screen_directive(reply, speech, _locale(handler_input), streak))
    if reply.ended:
        session.pop(STATE_KEY, None)
        profiles.park(envelope, unsaved.carry(session, []) + left)  # the session cannot carry
        return builder.set_should_end_session(True).response
    session[STATE_KEY] = reply.state
    profiles.park(envelope, unsaved.carry(session, left))  # past what attributes may carry
    return builder.ask(speech.reprompt_ssml or "").set_should_end_session(False).response


def _keep(
    handler_input: HandlerInput, effects: Sequence[Effect], profiles: ProfileGateway
) -> list[PendingChange]:
    """Save what the session carried unsaved from earlier turns, then this reply's effects, in
    that order; what the store did not take (shared/storage/pending.py)."""
    envelope = handler_input.request_envelope
    waiting = unsaved.carried(_session(handler_input))
    return profiles.save(envelope, [*waiting, *unsaved.new_change(effects, request_day(envelope))])


def _streak(envelope: RequestEnvelope, profiles: ProfileGateway) -> int | None:
    """Days in a row, today's session included (the wrap-up screen shows it)."""
    profile = profiles.load(envelope)
    return profile.streak(request_day(envelope)) if profile is not None else None


# -- handlers, most specific first ----------------------------------------------------------------


class SkillHandler(AbstractRequestHandler):
    """A request handler of this skill, built with the skill's profile gateway."""

    def __init__(self, profiles: ProfileGateway) -> None:
        self.profiles = profiles


class CanFulfillIntentHandler(SkillHandler):
    """Name-free requests: say whether we can take "start my back stretches" and its slots."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        intent = _intent(handler_input)
        known = CUSTOM_INTENT_SLOTS.get(intent.name or "")
        slots = {
            name: _slot_answer(name in (known or {}), slot)
            for name, slot in (intent.slots or {}).items()
        }
        understood = all(s.can_understand == CanUnderstandSlotValues.YES for s in slots.values())
        ours = known is not None and understood
        verdict = CanFulfillIntentValues.YES if ours else CanFulfillIntentValues.NO
        answer = CanFulfillIntent(can_fulfill=verdict, slots=slots)
        return handler_input.response_builder.set_can_fulfill_intent(answer).response


def _slot_answer(known_slot: bool, slot: Slot) -> CanFulfillSlot:
    understood = known_slot and (slot.value is None or resolved_slot_value(slot) is not None)
    return CanFulfillSlot(
        can_understand=CanUnderstandSlotValues.YES if understood else CanUnderstandSlotValues.NO,
        can_fulfill=CanFulfillSlotValues.YES if understood else CanFulfillSlotValues.NO,
    )


class SessionEndedHandler(SkillHandler):
    """The session closed (user, error, silence): log why and keep what was done."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        with deadline.turn():
            return self._handle(handler_input)

    def _handle(self, handler_input: HandlerInput) -> Response:
        """What the session carried unsaved is saved with its record, or parked: Alexa ended
        the session, so nothing can be carried to a next turn."""
        _log_session_end(handler_input.request_envelope.request)
        request = handler_input.request_envelope.request
        state = _session(handler_input).get(STATE_KEY)
        # Alexa reprompted and heard nothing: the last response played to its end. Otherwise
        # (the user said stop, an error) a set in it may have been cut short: not counted.
        played = (
            getattr(getattr(request, "reason", None), "value", None) == "EXCEEDED_MAX_REPROMPTS"
        )
        context = context_for(handler_input, self.profiles)
        record = session_record(state, context, played_to_end=played)
        effects = [RecordSession(record)] if record is not None else []
        left = _keep(handler_input, effects, self.profiles)
        self.profiles.park(handler_input.request_envelope, left)
        return handler_input.response_builder.response


def _log_session_end(request: Any) -> None:
    """Why the session closed; Alexa's error for ERROR, which says what our response got wrong."""
    error = getattr(request, "error", None)
    log.info(
        "session ended: reason=%s error=%s",
        getattr(request.reason, "value", request.reason),
        f"{getattr(error.object_type, 'value', error.object_type)}: {error.message}"
        if error
        else "none",
    )


class ExceptionEncounteredHandler(SkillHandler):
    """Alexa reports that our previous response was invalid: log it, answer nothing."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("System.ExceptionEncountered")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        error = getattr(request, "error", None)
        log.error("Alexa reported an error with our response: %s", getattr(error, "message", error))
        return handler_input.response_builder.response


class LaunchHandler(SkillHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, Event(EventKind.LAUNCH), self.profiles)


class EngineIntentHandler(SkillHandler):
    """Every intent in the interaction model maps to an engine event through one table."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input) and (
            _intent(handler_input).name in INTENT_EVENTS
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, intent_event(handler_input), self.profiles)


class TouchHandler(SkillHandler):
    """A button on an Echo Show screen: the same engine event as the words (skill/apl/touch.py)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("Alexa.Presentation.APL.UserEvent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        arguments = getattr(handler_input.request_envelope.request, "arguments", None)
        return respond(handler_input, touch_event(arguments), self.profiles)


class UnknownIntentHandler(SkillHandler):
    """An intent this skill does not model (a new built-in, say): treated as not understood."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        event = Event(EventKind.UNKNOWN, text=_intent(handler_input).name)
        return respond(handler_input, event, self.profiles)


class OtherRequestHandler(SkillHandler):
    """Any other request type (player events and the like): acknowledge without speaking."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        kind = getattr(handler_input.request_envelope.request, "object_type", None)
        log.info("ignoring request type %s", kind)
        return handler_input.response_builder.response


class ApologyExceptionHandler(AbstractExceptionHandler):
    """Any bug becomes a short spoken apology and a logged traceback, never an HTTP 500."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.exception("the skill failed on a request", exc_info=exception)
        request_context.note_apology()  # counted as an apology, not an answer (/metrics)
        locale = _safe_locale(handler_input)
        return (
            handler_input.response_builder.speak(messages.text("skill.apology", locale))
            .ask(messages.text("skill.apology_reprompt", locale))
            .set_should_end_session(False)
            .response
        )


def _safe_locale(handler_input: HandlerInput) -> str:
    try:
        return _locale(handler_input)
    except AttributeError:
        return DEFAULT_LOCALE


REQUEST_HANDLERS: tuple[type[SkillHandler], ...] = (
    CanFulfillIntentHandler,
    SessionEndedHandler,
    ExceptionEncounteredHandler,
    LaunchHandler,
    EngineIntentHandler,
    UnknownIntentHandler,
    TouchHandler,
    OtherRequestHandler,
)


def handled_intents() -> set[str]:
    """The intents EngineIntentHandler answers (checked against the model by the tests)."""
    return set(INTENT_EVENTS)


__all__ = [
    "REQUEST_HANDLERS",
    "ApologyExceptionHandler",
    "SkillHandler",
    "handled_intents",
    "respond",
]
