"""ask-sdk-core request handlers: each turns one kind of Alexa request into an engine event.

One style throughout (classes with can_handle/handle), registered from most to least specific. The
conversation itself lives in the engine; `respond` renders its reply and stores its effects.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type
from ask_sdk_model import Response, Slot
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)
from ask_sdk_model.slu.entityresolution import StatusCode
from ask_sdk_model.ui import SimpleCard

from shared import messages
from shared.engine import Context, handle, session_record
from shared.events import Event, EventKind
from shared.intents import CUSTOM_INTENT_SLOTS, INTENT_EVENTS, event_for_intent
from shared.profile import Profile
from shared.reply import Effect, RecordSession
from shared.storage.codec import effects_to_json
from skill.config import VOICE_CHUNK_SECONDS
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
        ):
            return authority.values[0].value.id
    return None


def intent_event(handler_input: HandlerInput) -> Event:
    intent = handler_input.request_envelope.request.intent
    slots = {name: resolved_slot_value(slot) for name, slot in (intent.slots or {}).items()}
    return event_for_intent(intent.name, slots)


# -- answering ------------------------------------------------------------------------------------


def _locale(handler_input: HandlerInput) -> str:
    return handler_input.request_envelope.request.locale or "en-US"


def _has_store(handler_input: HandlerInput) -> bool:
    """Whether the skill was built with a persistence adapter (the SDK offers no public test)."""
    return handler_input.attributes_manager._persistence_adapter is not None


def _profile(handler_input: HandlerInput) -> Profile | None:
    if not _has_store(handler_input):  # no store configured: a session without memory
        return None
    stored = handler_input.attributes_manager.persistent_attributes.get("profile")
    return stored if isinstance(stored, Profile) else None


def context_for(handler_input: HandlerInput) -> Context:
    """Today from the request's own timestamp, so a replayed dialog sees the day it was made on.
    The profile is read only if the turn uses it: most turns of a routine cost no database read."""
    timestamp = handler_input.request_envelope.request.timestamp
    return Context(
        today=timestamp.date(),
        load_profile=lambda: _profile(handler_input),
        max_chunk_seconds=VOICE_CHUNK_SECONDS,
        locale=_locale(handler_input),
    )


def save_effects(handler_input: HandlerInput, effects: tuple[Effect, ...] | list[Effect]) -> None:
    """Hand effects to the persistence adapter, which applies them in one transaction."""
    if not effects or not _has_store(handler_input):
        return
    manager = handler_input.attributes_manager
    manager.persistent_attributes = {"pending_effects": effects_to_json(effects)}
    manager.save_persistent_attributes()


def respond(handler_input: HandlerInput, event: Event) -> Response:
    """Run the engine on the session's state and turn its reply into the Alexa response."""
    session = handler_input.attributes_manager.session_attributes
    reply = handle(session.get(STATE_KEY), event, context_for(handler_input))
    save_effects(handler_input, reply.effects)
    speech = render(reply)
    builder = handler_input.response_builder.speak(speech.ssml)
    if reply.card is not None:
        builder.set_card(SimpleCard(title=reply.card.title, content=reply.card.text))
    if reply.ended:
        session.pop(STATE_KEY, None)
        return builder.set_should_end_session(True).response
    session[STATE_KEY] = reply.state
    return builder.ask(speech.reprompt_ssml).set_should_end_session(False).response


# -- handlers, most specific first ----------------------------------------------------------------


class CanFulfillIntentHandler(AbstractRequestHandler):
    """Name-free requests: say whether we can take "start my back stretches" and its slots."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        intent = handler_input.request_envelope.request.intent
        ours = intent.name in CUSTOM_INTENT_SLOTS
        slots = {
            name: _slot_answer(name in CUSTOM_INTENT_SLOTS.get(intent.name, {}), slot)
            for name, slot in (intent.slots or {}).items()
        }
        understood = all(s.can_understand == CanUnderstandSlotValues.YES for s in slots.values())
        verdict = CanFulfillIntentValues.YES if ours and understood else CanFulfillIntentValues.NO
        answer = CanFulfillIntent(can_fulfill=verdict, slots=slots)
        return handler_input.response_builder.set_can_fulfill_intent(answer).response


def _slot_answer(known_slot: bool, slot: Slot) -> CanFulfillSlot:
    understood = known_slot and (slot.value is None or resolved_slot_value(slot) is not None)
    return CanFulfillSlot(
        can_understand=CanUnderstandSlotValues.YES if understood else CanUnderstandSlotValues.NO,
        can_fulfill=CanFulfillSlotValues.YES if understood else CanFulfillSlotValues.NO,
    )


class SessionEndedHandler(AbstractRequestHandler):
    """The session closed (user, error, silence): log why and keep what was done."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        error = getattr(request, "error", None)
        log.info(
            "session ended: reason=%s error=%s",
            getattr(request.reason, "value", request.reason),
            f"{getattr(error.object_type, 'value', error.object_type)}: {error.message}"
            if error
            else "none",
        )
        state = handler_input.attributes_manager.session_attributes.get(STATE_KEY)
        record = session_record(state, context_for(handler_input))
        if record is not None:
            save_effects(handler_input, [RecordSession(record)])
        return handler_input.response_builder.response


class ExceptionEncounteredHandler(AbstractRequestHandler):
    """Alexa reports that our previous response was invalid: log it, answer nothing."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("System.ExceptionEncountered")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        error = getattr(request, "error", None)
        log.error("Alexa reported an error with our response: %s", getattr(error, "message", error))
        return handler_input.response_builder.response


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, Event(EventKind.LAUNCH))


class EngineIntentHandler(AbstractRequestHandler):
    """Every intent in the interaction model maps to an engine event through one table."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input) and (
            get_intent_name(handler_input) in INTENT_EVENTS
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, intent_event(handler_input))


class UnknownIntentHandler(AbstractRequestHandler):
    """An intent this skill does not model (a new built-in, say): treated as not understood."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, Event(EventKind.UNKNOWN, text=get_intent_name(handler_input)))


class OtherRequestHandler(AbstractRequestHandler):
    """Any other request type (player events and the like): acknowledge without speaking."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("ignoring request type %s", handler_input.request_envelope.request.object_type)
        return handler_input.response_builder.response


class ApologyExceptionHandler(AbstractExceptionHandler):
    """Any bug becomes a short spoken apology and a logged traceback, never an HTTP 500."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.exception("the skill failed on a request", exc_info=exception)
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
        return "en-US"


REQUEST_HANDLERS: tuple[type[AbstractRequestHandler], ...] = (
    CanFulfillIntentHandler,
    SessionEndedHandler,
    ExceptionEncounteredHandler,
    LaunchHandler,
    EngineIntentHandler,
    UnknownIntentHandler,
    OtherRequestHandler,
)


def handled_intents() -> set[str]:
    """The intents EngineIntentHandler answers (checked against the model by the tests)."""
    return set(INTENT_EVENTS)


__all__ = ["REQUEST_HANDLERS", "ApologyExceptionHandler", "handled_intents", "respond"]
