"""The reminder requests: set one (asking for the permission by voice first), list them, cancel
them, and the answer to the permission request. Each says what it did, then the conversation goes
on where it was (the engine asks its question again: EventKind.ASIDE). Any failure of Alexa's API
is an apology, never an error response."""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils.predicate import is_intent_name, is_request_type
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.connections.send_request_directive import SendRequestDirective
from ask_sdk_model.response import Response
from ask_sdk_model.ui.ssml_output_speech import SsmlOutputSpeech

from shared import messages
from shared.events import Event, EventKind
from shared.intents import RECURRENCE_SLOT, TIME_SLOT
from skill.handlers import SkillHandler, _locale, _session, resolved_slot_value, respond
from skill.profiles import ProfileGateway
from skill.reminders import service
from skill.reminders.schedule import RECURRENCES, SCOPE, Schedule, parse_time, said_when
from skill.ssml import text_for_ssml

log = logging.getLogger(__name__)
PENDING_KEY = "reminder_pending"  # the schedule asked for, while the permission is asked
ASK_FOR = "AskFor"


def said_first(
    handler_input: HandlerInput, profiles: ProfileGateway, key: str, **params: Any
) -> Response:
    """`key` said, then the conversation's current question (or the welcome, when it has not
    begun): the engine's answer to ASIDE, with our sentence put before its speech. The engine's
    turn keeps what it keeps, as any other turn does."""
    response = respond(handler_input, Event(EventKind.ASIDE), profiles)
    text = text_for_ssml(messages.text(key, _locale(handler_input), **params))
    speech = response.output_speech
    if isinstance(speech, SsmlOutputSpeech) and speech.ssml and speech.ssml.startswith("<speak>"):
        speech.ssml = f"<speak>{text} {speech.ssml[len('<speak>') :]}"
    return response


class ReminderHandler(SkillHandler):
    """What the reminder handlers share: saying what was done, and creating a reminder."""

    def _say(self, handler_input: HandlerInput, key: str, **params: Any) -> Response:
        return said_first(handler_input, self.profiles, key, **params)

    def _create(self, handler_input: HandlerInput, schedule: Schedule) -> Response:
        locale = _locale(handler_input)
        try:
            service.create(handler_input, schedule, locale)
        except service.NoPermission:
            return self._say(handler_input, "reminder.no_permission")
        except service.ReminderFailure as error:
            log.warning("reminder not created: %s", error)
            return self._say(handler_input, "reminder.error")
        return self._say(handler_input, "reminder.set", when=said_when(schedule, locale))


class RemindHandler(ReminderHandler):
    """ "Remind me to stretch every day at 8 am": asks for the permission first if need be."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("RemindIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        intent = request.intent if isinstance(request, IntentRequest) else None
        slots = (intent.slots if intent else None) or {}
        at = parse_time(resolved_slot_value(slots.get(TIME_SLOT)))
        if at is None:
            return self._say(handler_input, "reminder.which_time")
        recurrence = resolved_slot_value(slots.get(RECURRENCE_SLOT)) or "daily"
        schedule = Schedule(at, RECURRENCES.get(recurrence, ()))
        if service.granted(handler_input):
            return self._create(handler_input, schedule)
        _session(handler_input)[PENDING_KEY] = schedule.to_json()
        directive = SendRequestDirective(
            name=ASK_FOR,
            payload={
                "@type": "AskForPermissionsConsentRequest",
                "@version": "1",
                "permissionScope": SCOPE,
            },
            token="stretch-reminder",
        )
        return handler_input.response_builder.add_directive(directive).response


class PermissionAnswerHandler(ReminderHandler):
    """Alexa's Connections.Response to our AskFor: granted, the reminder asked for is created;
    refused (or not answered), the user hears how to allow it in the Alexa app."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return is_request_type("Connections.Response")(handler_input) and (
            getattr(request, "name", None) == ASK_FOR
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        payload = getattr(request, "payload", None) or {}
        pending = Schedule.from_json(_session(handler_input).pop(PENDING_KEY, None))
        if payload.get("status") != "ACCEPTED":
            return self._say(handler_input, "reminder.refused")
        if pending is None:
            return self._say(handler_input, "reminder.which_time")
        return self._create(handler_input, pending)


class ListRemindersHandler(ReminderHandler):
    """ "What reminders do I have?" """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ListRemindersIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if not service.granted(handler_input):
            return self._say(handler_input, "reminder.none")
        try:
            found = service.ours(handler_input)
        except service.NoPermission:
            return self._say(handler_input, "reminder.none")
        except service.ReminderFailure as error:
            log.warning("reminders not listed: %s", error)
            return self._say(handler_input, "reminder.error")
        locale = _locale(handler_input)
        whens = [said_when(r.schedule, locale) for r in found if r.schedule is not None]
        if not found:
            return self._say(handler_input, "reminder.none")
        if len(found) == 1 and whens:
            return self._say(handler_input, "reminder.one", when=whens[0])
        listed = ", ".join(whens) or messages.text("reminder.unknown_times", locale)
        return self._say(handler_input, "reminder.many", count=len(found), whens=listed)


class CancelReminderHandler(ReminderHandler):
    """ "Cancel my stretching reminder": every reminder of this skill that is on."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("CancelReminderIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if not service.granted(handler_input):
            return self._say(handler_input, "reminder.nothing_to_cancel")
        try:
            found = service.ours(handler_input)
            service.cancel(handler_input, found)
        except service.NoPermission:
            return self._say(handler_input, "reminder.nothing_to_cancel")
        except service.ReminderFailure as error:
            log.warning("reminders not cancelled: %s", error)
            return self._say(handler_input, "reminder.error")
        if not found:
            return self._say(handler_input, "reminder.nothing_to_cancel")
        if len(found) == 1:
            return self._say(handler_input, "reminder.cancelled_one")
        return self._say(handler_input, "reminder.cancelled_many", count=len(found))


REMINDER_HANDLERS: tuple[type[SkillHandler], ...] = (
    RemindHandler,
    PermissionAnswerHandler,
    ListRemindersHandler,
    CancelReminderHandler,
)
