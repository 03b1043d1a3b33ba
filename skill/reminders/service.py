"""Alexa's Reminders and Settings APIs through ask-sdk's service clients (the skill builder's
ApiClient: skill/reminders/api_client.py). Every failure of the API, the network or the device's
time zone is a ReminderFailure, which the handlers turn into an apology; a refused token (the
permission withdrawn) is NoPermission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_core.exceptions import ApiClientException, SerializationException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.services.reminder_management.alert_info import AlertInfo
from ask_sdk_model.services.reminder_management.push_notification import PushNotification
from ask_sdk_model.services.reminder_management.push_notification_status import (
    PushNotificationStatus,
)
from ask_sdk_model.services.reminder_management.recurrence import Recurrence
from ask_sdk_model.services.reminder_management.reminder_request import ReminderRequest
from ask_sdk_model.services.reminder_management.spoken_info import SpokenInfo
from ask_sdk_model.services.reminder_management.spoken_text import SpokenText
from ask_sdk_model.services.reminder_management.trigger import Trigger
from ask_sdk_model.services.reminder_management.trigger_type import TriggerType
from ask_sdk_model.services.service_client_response import ServiceClientResponse
from ask_sdk_model.services.service_exception import ServiceException

from shared import messages
from skill.reminders.schedule import SCOPE, Schedule, from_rule

# What a failed call can raise: the API's answer, the network, a body the SDK cannot read.
_FAILURES = (ServiceException, ApiClientException, SerializationException, ValueError)
_LIST_PATH = "/v1/alerts/reminders"


class ReminderFailure(Exception):
    """The API, the network or the device's settings failed us: the user hears an apology."""


class NoPermission(ReminderFailure):
    """The user has not granted (or has withdrawn) the reminders permission."""


@dataclass(frozen=True, slots=True)
class Existing:
    token: str
    schedule: Schedule | None


def granted(handler_input: HandlerInput) -> bool:
    """Whether the request says the user granted the reminders permission."""
    context = handler_input.request_envelope.context
    system = context.system if context else None
    permissions = system.user.permissions if system and system.user else None
    scope = (permissions.scopes or {}).get(SCOPE) if permissions else None
    status = getattr(scope, "status", None)
    return getattr(status, "value", status) == "GRANTED"


def _failed(error: Exception) -> ReminderFailure:
    if isinstance(error, ServiceException) and error.status_code in (401, 403):
        return NoPermission(str(error))
    return ReminderFailure(f"{type(error).__name__}: {error}")


def _factory(handler_input: HandlerInput) -> Any:
    factory = handler_input.service_client_factory
    if factory is None:  # no apiEndpoint or token in the request
        raise ReminderFailure("the request carries no API endpoint or access token")
    return factory


def device_time_zone(handler_input: HandlerInput) -> ZoneInfo:
    """The device's time zone (Settings API: /v2/devices/{id}/settings/System.timeZone)."""
    context = handler_input.request_envelope.context
    device = context.system.device if context and context.system else None
    if device is None or not device.device_id:
        raise ReminderFailure("the request names no device")
    try:
        name = _factory(handler_input).get_ups_service().get_system_time_zone(device.device_id)
        return ZoneInfo(str(name))
    except _FAILURES as error:
        raise _failed(error) from error
    except ZoneInfoNotFoundError as error:
        raise ReminderFailure(f"unknown time zone: {error}") from error


def create(handler_input: HandlerInput, schedule: Schedule, locale: str) -> datetime:
    """A recurring reminder in the device's time zone; returns when it first goes off."""
    zone = device_time_zone(handler_input)
    sent = getattr(handler_input.request_envelope.request, "timestamp", None)
    now = (sent if isinstance(sent, datetime) else datetime.now(UTC)).astimezone(zone)
    local_now = now.replace(tzinfo=None, microsecond=0)
    first = schedule.first_after(local_now)
    text = messages.text("reminder.spoken", locale)
    request = ReminderRequest(
        request_time=local_now,
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            scheduled_time=first,
            time_zone_id=zone.key,
            recurrence=Recurrence(recurrence_rules=[schedule.rrule()]),
        ),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )
    try:
        _factory(handler_input).get_reminder_management_service().create_reminder(request)
    except _FAILURES as error:
        raise _failed(error) from error
    return first


def ours(handler_input: HandlerInput) -> list[Existing]:
    """This skill's reminders still on (the API lists only the calling skill's)."""
    try:
        found = _reminders_as_json(_factory(handler_input).get_reminder_management_service())
    except _FAILURES as error:
        raise _failed(error) from error
    alerts = found.get("alerts") if isinstance(found, dict) else None
    existing = []
    for alert in alerts if isinstance(alerts, list) else []:
        token, status = alert.get("alertToken"), alert.get("status")
        if status not in (None, "ON") or not isinstance(token, str) or not token:
            continue
        trigger = alert.get("trigger") or {}
        rules = (trigger.get("recurrence") or {}).get("recurrenceRules") or []
        first = _local_time(trigger.get("scheduledTime"))
        existing.append(Existing(token, from_rule(rules, first)))
    return existing


def _reminders_as_json(client: Any) -> Any:
    """GET /v1/alerts/reminders through the service client, read as plain JSON: ask-sdk-model
    1.82 cannot deserialize the reminders it returns (AlertInfo names a module that does not
    exist, alert_info_spoken_info), so the client's own get_reminders() fails on every real
    answer. The same request get_reminders() makes, with its error statuses."""
    headers = [("Content-type", "application/json"), ("User-Agent", client.user_agent)]
    headers.append(("Authorization", f"Bearer {client._authorization_value}"))
    errors = [
        ServiceClientResponse(
            response_type="ask_sdk_model.services.reminder_management.error.Error",
            status_code=code,
            message=message,
        )
        for code, message in ((401, "Unauthorized"), (429, "Rate exceeded"), (500, "Failed"))
    ]
    return client.invoke(
        method="GET",
        endpoint=client._api_endpoint,
        path=_LIST_PATH,
        path_params={},
        query_params=[],
        header_params=headers,
        body=None,
        response_definitions=errors,
        response_type="object",
    ).body


def _local_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def cancel(handler_input: HandlerInput, reminders: list[Existing]) -> None:
    client = _factory(handler_input).get_reminder_management_service()
    try:
        for reminder in reminders:
            client.delete_reminder(reminder.token)
    except _FAILURES as error:
        raise _failed(error) from error
