"""The weekly goal (#18 point 2): set by voice or text, kept, and measured at the welcome and the
wrap-up (days with a session, Monday to Sunday; the streak is unchanged)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from engine_talk import TODAY, Talk, keys

from shared.engine.weeks import days_this_week, monday_of
from shared.events import EventKind, Feeling
from shared.matcher import Matcher
from shared.profile import Profile, SessionRecord
from shared.reply import SaveWeeklyGoal

K = EventKind
assert TODAY.weekday() == 1  # a Tuesday: Monday is yesterday


def _done(day: date, stretches: tuple[str, ...] = ("neck_flexion",)) -> SessionRecord:
    return SessionRecord(day, "neck", stretches, 0, True)


def _profile(*days_ago: int, goal: int | None = 3) -> Profile:
    sessions = tuple(_done(TODAY - timedelta(days=d)) for d in days_ago)
    return Profile(sessions=sessions, screened_on=TODAY, weekly_goal=goal)


def test_days_this_week_counts_days_with_a_stretch_done_from_monday() -> None:
    profile = Profile(
        sessions=(
            _done(TODAY - timedelta(days=2)),  # last Sunday: another week
            _done(TODAY - timedelta(days=1)),
            _done(TODAY),
            _done(TODAY),  # a second session the same day is the same day
            _done(TODAY, stretches=()),
        )
    )
    assert monday_of(TODAY) == TODAY - timedelta(days=1)
    assert days_this_week(profile, TODAY) == 2
    assert days_this_week(None, TODAY) == 0


@pytest.mark.parametrize("value", [1, 3, 7])
def test_a_goal_is_set_and_saved(value: int) -> None:
    talk = Talk()
    talk.to_area_question()
    reply = talk(K.SET_GOAL, value=value)
    assert reply.effects == (SaveWeeklyGoal(value),)
    times = "once" if value == 1 else f"{value} times"
    assert f"Okay, your goal is {times} a week." in reply.text()
    assert "Two to three days a week is a common minimum, and daily is best." in reply.text()
    assert talk.phase == "area"


@pytest.mark.parametrize("value", [0, 8, None])
def test_a_goal_outside_one_to_seven_is_refused(value: int | None) -> None:
    talk = Talk()
    talk.to_area_question()
    reply = talk(K.SET_GOAL, value=value)
    assert reply.effects == ()
    assert "I can set a weekly goal from 1 to 7 times a week." in reply.text()


def test_a_goal_said_before_anything_else_is_set_then_welcomed() -> None:
    reply = Talk()(K.SET_GOAL, value=2)
    assert reply.effects == (SaveWeeklyGoal(2),)
    assert keys(reply)[:2] == ["goal.set", "welcome.new"]


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [
        ((), "Your goal is 3 times a week, and today can be the first this week."),
        ((1,), "That's 1 of your 3 sessions this week so far."),
        ((1, 0, 0), "That's 2 of your 3 sessions this week so far."),
        ((1, 0, 3), "That's 2 of your 3 sessions this week so far."),
    ],
)
def test_the_welcome_says_where_the_week_stands(days_ago: tuple[int, ...], expected: str) -> None:
    profile = _profile(*days_ago) if days_ago else _profile(9)
    reply = Talk(profile)(K.LAUNCH)
    assert expected in reply.text()


def test_a_goal_reached_is_said_and_the_streak_stays() -> None:
    profile = Profile(
        sessions=tuple(_done(TODAY - timedelta(days=d)) for d in (1, 0)),
        screened_on=TODAY,
        weekly_goal=2,
    )
    text = Talk(profile)(K.LAUNCH).text()
    assert "That's 2 days in a row." in text
    assert "You've already reached your goal of 2 times a week, with 2 sessions this week." in text


def test_no_goal_says_nothing_about_the_week() -> None:
    reply = Talk(_profile(1, goal=None))(K.LAUNCH)
    assert not [k for k in keys(reply) if k.startswith("goal.")]


def _finish_neck_routine(talk: Talk) -> str:
    talk(K.LAUNCH)
    talk(K.CHOOSE_AREA, area="neck")
    if talk.phase == "screen_neck":
        talk(K.NO)
    for _ in range(40):
        if talk.phase == "checkin":
            reply = talk(K.FEELING, feeling=Feeling.GOOD)
        else:
            reply = talk(K.CONTINUE)
        if reply.ended:
            return reply.text()
    raise AssertionError("the routine did not end")


@pytest.mark.parametrize(
    ("days_ago", "goal", "expected"),
    [
        ((1,), 3, "That's 2 of your 3 sessions this week."),
        ((1, 0), 3, "That's 2 of your 3 sessions this week."),  # today already counted
        ((1, 2), 2, "That makes 2 sessions this week, so you've reached your goal of 2 times"),
        ((9,), 1, "That makes one session this week, so you've reached your goal of once a week."),
    ],
)
def test_the_wrap_up_counts_today(days_ago: tuple[int, ...], goal: int, expected: str) -> None:
    assert expected in _finish_neck_routine(Talk(_profile(*days_ago, goal=goal)))


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("I want to stretch three times a week", 3),
        ("set my weekly goal to 5", 5),
        ("my goal is 2 times a week", 2),
    ],
)
def test_the_goal_is_understood_typed(typed: str, value: int) -> None:
    event = Matcher.for_locale("en-US").to_event(typed)
    assert (event.kind, event.value) == (K.SET_GOAL, value)
