""" "How am I doing?" (#18 point 5): two sentences, the days stretched this week (against the goal)
and in four weeks, then how far the stretches moved from where they started."""

from __future__ import annotations

from datetime import timedelta

from engine_talk import TODAY, Talk, keys

from shared.events import EventKind
from shared.matcher import Matcher
from shared.profile import Profile, SessionRecord

K = EventKind


def _session(days_ago: int, knee: str = "easy", back: str = "tight") -> SessionRecord:
    return SessionRecord(
        TODAY - timedelta(days=days_ago),
        "lower_back",
        ("knee_to_chest", "back_flexion"),
        0,
        True,
        feelings=(("knee_to_chest", knee), ("back_flexion", back)),
    )


def _ask(profile: Profile | None) -> tuple[list[str], str]:
    talk = Talk(profile)
    talk(K.LAUNCH)
    reply = talk(K.PROGRESS)
    said = [k for k in keys(reply) if k.startswith(("progress.", "history."))]
    return said, reply.text()


def test_two_sentences_against_the_goal_with_the_stretch_that_moved_furthest() -> None:
    sessions = tuple(_session(d) for d in (30, 10, 8, 1, 0))
    said, text = _ask(Profile(sessions=sessions, screened_on=TODAY, weekly_goal=3))
    assert said == ["progress.week_goal", "progress.levels_up_one"]
    assert (
        "You've stretched on 2 days this week, towards your goal of 3, and on 4 days in the "
        "last four weeks. Your knee to chest has moved up, to 30 seconds, 5 times."
    ) in text


def test_a_goal_met_and_several_stretches_moved() -> None:
    sessions = tuple(_session(d, back="good") for d in (3, 2, 1))
    _, text = _ask(Profile(sessions=sessions, screened_on=TODAY, weekly_goal=1))
    assert "You've stretched on one day this week, meeting your goal of 1" in text
    assert "2 of your 2 stretches have moved up, your knee to chest furthest" in text


def test_without_a_goal_or_any_progress() -> None:
    sessions = (_session(1, knee="tight"),)
    said, text = _ask(Profile(sessions=sessions, screened_on=TODAY))
    assert said == ["progress.week", "progress.levels_same"]
    assert "You've stretched on one day this week, and on one day in the last four weeks." in text


def test_a_new_user_hears_there_is_nothing_yet() -> None:
    said, _ = _ask(None)
    assert said == ["history.none"]


def test_how_am_i_doing_is_the_progress_question() -> None:
    for typed in ("how am I doing?", "am I making progress", "show my progress"):
        assert Matcher.for_locale("en-GB").to_event(typed).kind is K.PROGRESS
    assert Matcher.for_locale("en-GB").to_event("what did I do last time").kind is K.HISTORY
