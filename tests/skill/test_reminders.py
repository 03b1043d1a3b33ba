"""Reminders by voice (#18 point 3): the schedule as Alexa's Reminders API takes it, and the skill
asking for the permission, creating, listing and cancelling reminders against a fake Alexa API
on loopback at the request's apiEndpoint (which checks the token, trigger, rule and time zone)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

import pytest
from alexa_requests import check_response, ended, speech_of
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from fake_alexa_api import TOKEN, FakeAlexaApi, fake_alexa_api

from skill.builder import build_skill
from skill.dialogs.requests import RequestFactory, Session
from skill.reminders.api_client import TimedApiClient
from skill.reminders.schedule import (
    SCOPE,
    Schedule,
    from_rule,
    parse_time,
    said_when,
)

SERIALIZER = DefaultSerializer()
# 07:30 UTC on Thursday 15 January 2026: 07:30 in London, so 8 am is still to come today
NOW = datetime(2026, 1, 15, 7, 30)


# -- the schedule (pure) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("08:00", time(8)),
        ("19:45", time(19, 45)),
        ("MO", time(8)),
        ("EV", time(18)),
        ("8 am", time(8)),
        ("7 30 pm", time(19, 30)),
        ("12 am", time(0)),
        ("noon", time(12)),
        ("25:00", None),
        ("soon", None),
        (None, None),
    ],
)
def test_times_as_alexa_sends_them_or_as_typed(said: str | None, expected: time | None) -> None:
    assert parse_time(said) == expected


def test_the_recurrence_rule_and_the_first_time() -> None:
    daily = Schedule(time(8))
    assert daily.rrule() == "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    assert daily.first_after(NOW) == datetime(2026, 1, 15, 8, 0)
    assert daily.first_after(datetime(2026, 1, 15, 8, 0)) == datetime(2026, 1, 16, 8, 0)
    weekdays = Schedule(time(7), ("MO", "TU", "WE", "TH", "FR"))
    assert weekdays.rrule() == (
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    )
    friday_night = datetime(2026, 1, 16, 20, 0)
    assert weekdays.first_after(friday_night) == datetime(2026, 1, 19, 7, 0)  # Monday
    assert from_rule([weekdays.rrule()], None) == weekdays
    assert Schedule.from_json(json.loads(json.dumps(weekdays.to_json()))) == weekdays
    assert Schedule.from_json({"at": "8", "days": ["XX"]}) is None


@pytest.mark.parametrize(
    ("schedule", "said"),
    [
        (Schedule(time(8)), "every day at 8 AM"),
        (Schedule(time(7, 30), ("MO", "TU", "WE", "TH", "FR")), "on weekdays at 7:30 AM"),
        (Schedule(time(18), ("SA", "SU")), "at the weekend at 6 PM"),
        (Schedule(time(12), ("MO", "WE", "FR")), "every Monday, Wednesday and Friday at noon"),
    ],
)
def test_what_the_coach_says_it_set(schedule: Schedule, said: str) -> None:
    assert said_when(schedule, "en-US") == said


def test_the_api_client_refuses_plain_http_except_on_loopback() -> None:
    from ask_sdk_core.exceptions import ApiClientException
    from ask_sdk_model.services.api_client_request import ApiClientRequest

    with pytest.raises(ApiClientException, match="non-HTTPS"):
        TimedApiClient().invoke(ApiClientRequest(url="http://example.com/x", method="GET"))


# -- the skill against the fake API ---------------------------------------------------------------


class Talk:
    """One user's session with the skill (no store), its requests pointed at the fake API."""

    def __init__(self, api: FakeAlexaApi, granted: bool) -> None:
        self.skill = build_skill(None)
        self.factory = RequestFactory(clock=lambda: NOW)
        self.session = Session()
        self.api = api
        self.granted = granted

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        system = request["context"]["System"]
        system["apiEndpoint"], system["apiAccessToken"] = self.api.url, TOKEN
        if self.granted:
            system["user"]["permissions"] = {"scopes": {SCOPE: {"status": "GRANTED"}}}
        envelope = SERIALIZER.deserialize(json.dumps(request), RequestEnvelope)
        body: dict[str, Any] = SERIALIZER.serialize(
            self.skill.invoke(request_envelope=envelope, context=None)
        )
        check_response(body)
        self.session.after(body, ended(body))
        return body

    def intent(self, name: str, **slots: str) -> dict[str, Any]:
        return self.send(self.factory.intent(self.session, name, slots))

    def say(self, text: str) -> dict[str, Any]:
        return self.send(self.factory.utterance(self.session, text))

    def permission_answer(self, status: str) -> dict[str, Any]:
        request = {
            "type": "Connections.Response",
            "name": "AskFor",
            "status": {"code": "200", "message": "OK"},
            "payload": {"permissionScope": SCOPE, "status": status},
            "token": "stretch-reminder",
        }
        return self.send(self.factory.envelope(self.session, request))


@pytest.fixture
def api() -> Iterator[FakeAlexaApi]:
    with fake_alexa_api() as fake:
        yield fake


def _at_area_question(talk: Talk) -> None:
    talk.send(talk.factory.launch(talk.session))
    talk.say("no")
    talk.say("no")


def test_granted_a_reminder_is_created_in_the_devices_time_zone(api: FakeAlexaApi) -> None:
    talk = Talk(api, granted=True)
    _at_area_question(talk)
    body = talk.intent("RemindIntent", time="08:00", recurrence="on weekdays")
    assert speech_of(body).text.startswith("Okay, I'll remind you to stretch on weekdays at 8 AM.")
    assert "Where would you like to stretch today" in speech_of(body).text  # the question again
    assert body["sessionAttributes"]["engine"]["phase"] == "area"
    assert api.refused == []
    (reminder,) = api.reminders.values()
    trigger = reminder["trigger"]
    assert trigger["timeZoneId"] == "Europe/London"
    assert trigger["scheduledTime"] == "2026-01-15T08:00:00"
    assert trigger["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    ]
    assert reminder["alertInfo"]["spokenInfo"]["content"][0]["locale"] == "en-US"


def test_without_permission_it_is_asked_by_voice_then_created(api: FakeAlexaApi) -> None:
    talk = Talk(api, granted=False)
    _at_area_question(talk)
    asked = talk.intent("RemindIntent", time="07:30", recurrence="every day")
    (directive,) = asked["response"]["directives"]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"] == {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "1",
        "permissionScope": SCOPE,
    }
    assert "shouldEndSession" not in asked["response"] and not api.reminders
    talk.granted = True  # Alexa's answer comes with the permission granted
    body = talk.permission_answer("ACCEPTED")
    assert "Okay, I'll remind you to stretch every day at 7:30 AM." in speech_of(body).text
    assert "reminder_pending" not in body["sessionAttributes"]
    (reminder,) = api.reminders.values()
    assert reminder["trigger"]["recurrence"]["recurrenceRules"][0].startswith("FREQ=DAILY;BYHOUR=7")


@pytest.mark.parametrize("status", ["DENIED", "NOT_ANSWERED"])
def test_a_refused_permission_says_how_to_allow_it(api: FakeAlexaApi, status: str) -> None:
    talk = Talk(api, granted=False)
    _at_area_question(talk)
    talk.intent("RemindIntent", time="08:00")
    body = talk.permission_answer(status)
    text = speech_of(body).text
    assert text.startswith("Okay, no reminder.") and "turn on Reminders" in text
    assert "Where would you like to stretch today" in text and not ended(body)
    assert not api.reminders and not [c for c in api.calls if c[0] == "POST"]


def test_listed_and_cancelled(api: FakeAlexaApi) -> None:
    talk = Talk(api, granted=True)
    _at_area_question(talk)
    none = talk.intent("ListRemindersIntent")
    assert speech_of(none).text.startswith("You don't have a stretching reminder.")
    talk.intent("RemindIntent", time="18:00", recurrence="at the weekend")
    listed = talk.say("what reminders do i have")
    assert "You have a stretching reminder at the weekend at 6 PM." in speech_of(listed).text
    cancelled = talk.say("cancel my stretching reminder")
    assert "Okay, I've cancelled your stretching reminder." in speech_of(cancelled).text
    assert api.reminders == {}
    again = talk.intent("CancelReminderIntent")
    assert "You don't have a stretching reminder to cancel." in speech_of(again).text


@pytest.mark.parametrize("status", [500, 429, 503])
def test_an_api_error_is_an_apology_and_the_session_goes_on(status: int) -> None:
    with fake_alexa_api(fail_with=status) as api:
        talk = Talk(api, granted=True)
        _at_area_question(talk)
        for body in (
            talk.intent("RemindIntent", time="08:00"),
            talk.intent("ListRemindersIntent"),
            talk.intent("CancelReminderIntent"),
        ):
            text = speech_of(body).text
            assert text.startswith("Sorry, I couldn't reach your reminders just now.")
            assert not ended(body) and body["sessionAttributes"]["engine"]["phase"] == "area"


def test_a_token_the_api_refuses_and_an_unreachable_api_are_apologies() -> None:
    with fake_alexa_api(token="ANOTHER") as api:
        talk = Talk(api, granted=True)
        _at_area_question(talk)
        text = speech_of(talk.intent("RemindIntent", time="08:00")).text
        assert text.startswith("I'm not allowed to set reminders yet.")
        url = api.url
    with fake_alexa_api() as api:
        talk = Talk(api, granted=True)
        talk.api.url = url  # the server is gone: nothing listens there now
        _at_area_question(talk)
        text = speech_of(talk.intent("RemindIntent", time="08:00")).text
        assert text.startswith("Sorry, I couldn't reach your reminders just now.")


def test_no_time_asks_for_one_and_a_one_shot_goes_on_to_the_welcome(api: FakeAlexaApi) -> None:
    talk = Talk(api, granted=True)
    body = talk.intent("RemindIntent")  # "Alexa, ask back stretch coach to remind me to stretch"
    text = speech_of(body).text
    assert text.startswith("What time should I remind you?")
    assert "Welcome to Back Stretch Coach" in text and not api.reminders
