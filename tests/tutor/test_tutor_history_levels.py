"""`backstretch-tutor history` (#18 point 5): each stretch's level over time and the weeks against
the weekly goal."""

from __future__ import annotations

from datetime import date, timedelta

from shared.profile import Profile, SessionRecord
from tutor.history import history_lines

TODAY = date(2026, 1, 15)  # a Thursday


def _session(days_ago: int, feeling: str = "easy") -> SessionRecord:
    return SessionRecord(
        TODAY - timedelta(days=days_ago),
        "lower_back",
        ("knee_to_chest",),
        0,
        True,
        feelings=(("knee_to_chest", feeling),),
    )


def test_levels_over_time_and_the_next_one() -> None:
    sessions = tuple(_session(d) for d in (10, 9, 2, 1))
    lines = history_lines(Profile(sessions=sessions), TODAY)
    assert "Levels (hold x repetitions, from the day each began)" in lines
    assert (
        "Knee to chest: 20 s x 5 (2026-01-05) -> 25 s x 5 (2026-01-13); next time 30 s x 5" in lines
    )


def test_a_recorded_level_the_user_set_shows_as_its_own_step() -> None:
    chosen = SessionRecord(
        TODAY, "lower_back", ("knee_to_chest",), 0, True, levels=(("knee_to_chest", 30, 8),)
    )
    lines = history_lines(Profile(sessions=(_session(3, "tight"), chosen)), TODAY)
    row = next(line for line in lines if line.startswith("Knee to chest:"))
    assert (
        row == "Knee to chest: 20 s x 5 (2026-01-12) -> 30 s x 8 (2026-01-15); next time 30 s x 8"
    )


def test_weeks_against_the_goal() -> None:
    sessions = tuple(_session(d) for d in (9, 8, 7, 1))  # three days last week, one this week
    lines = history_lines(Profile(sessions=sessions, weekly_goal=3), TODAY)
    assert "week of 2026-01-05  ██████████████████████████████ 3  (goal met)" in lines
    assert any(line.startswith("week of 2026-01-12") and "goal" not in line for line in lines)
    assert lines[-1] == "Weekly goal: 3 days. This week so far: 1 of 3."


def test_no_goal_no_goal_lines() -> None:
    lines = history_lines(Profile(sessions=(_session(1),)), TODAY)
    assert not [line for line in lines if "goal" in line]
