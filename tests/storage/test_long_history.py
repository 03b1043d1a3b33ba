"""Figures over all sessions (#17 point 5): after 250 days of twice-daily stretching (500 sessions,
more than the 400 a profile holds) the streak, the session count and the weekly counts come from
the database over all of them, and the engine's greeting and history and the tutor's chart say so,
on a fresh load, on a copy the worker keeps up to date itself and on one refreshed from another
server's writes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.engine import Context, handle
from shared.events import Event, EventKind
from shared.figures import Figures, first_levels
from shared.profile import Profile, SessionRecord
from shared.reply import RecordSession
from shared.storage import ProfileStore
from shared.storage.snapshot import MAX_SESSIONS_LOADED
from tutor.history import level_lines, weekly_counts

TODAY = date(2026, 6, 30)
DAYS = 250


def _session(day: date) -> RecordSession:
    return RecordSession(SessionRecord(day, "neck", ("neck_flexion",), 0, True))


@pytest.fixture
def long_history(store: ProfileStore) -> ProfileStore:
    """Twice a day for DAYS days, ending today."""
    effects = [_session(TODAY - timedelta(days=n)) for n in reversed(range(DAYS)) for _ in range(2)]
    store.apply("u", effects, TODAY)
    return store


def _said(profile: Profile, event: Event) -> str:
    """What the engine says to `event`, right after the greeting."""
    context = Context(today=TODAY, load_profile=lambda: profile)
    greeting = handle(None, Event(EventKind.LAUNCH), context)
    if event.kind is EventKind.LAUNCH:
        return greeting.text()
    return handle(greeting.state, event, context).text()


def test_a_fresh_load_counts_every_session(long_history: ProfileStore) -> None:
    profile = long_history.load("u")
    assert profile is not None and len(profile.sessions) == MAX_SESSIONS_LOADED < 2 * DAYS
    assert profile.session_count == 2 * DAYS
    assert profile.streak(TODAY) == DAYS and profile.streak(TODAY + timedelta(days=1)) == DAYS
    assert profile.streak(TODAY + timedelta(days=2)) == 0
    assert weekly_counts(profile, TODAY)[-2:][0][1] == 14  # last week: twice a day
    assert f"{DAYS} days in a row" in _said(profile, Event(EventKind.LAUNCH))


def test_how_am_i_doing_counts_every_session(long_history: ProfileStore) -> None:
    profile = long_history.load("u")
    assert profile is not None
    said = _said(profile, Event(EventKind.HISTORY))
    assert f"{2 * DAYS} sessions" in said and f"{DAYS} days" in said


def test_a_copy_kept_up_to_date_in_memory_stays_right(long_history: ProfileStore) -> None:
    known = long_history.snapshot("u")
    effects = [_session(TODAY + timedelta(days=1))]
    change = long_history.change("u", effects, TODAY + timedelta(days=1))
    kept = known.after_own_change(change, effects, TODAY + timedelta(days=1))
    assert kept is not None and kept.profile is not None
    assert kept.profile.session_count == 2 * DAYS + 1
    assert kept.profile.streak(TODAY + timedelta(days=1)) == DAYS + 1
    fresh = long_history.load("u")
    assert fresh is not None and fresh.figures == kept.profile.figures


def test_a_copy_refreshed_from_another_servers_writes_stays_right(
    long_history: ProfileStore, database_url: str
) -> None:
    known = long_history.snapshot("u")
    other = ProfileStore.open(database_url)  # another server behind the load balancer
    try:
        other.apply("u", [_session(TODAY)], TODAY)
    finally:
        other.close()
    refreshed = long_history.snapshot("u", known)
    assert refreshed.profile is not None and refreshed.profile.session_count == 2 * DAYS + 1
    fresh = long_history.load("u")
    assert fresh is not None and refreshed.profile.figures == fresh.figures


def test_a_short_history_needs_no_figures(store: ProfileStore) -> None:
    store.apply("u", [_session(TODAY), _session(TODAY)], TODAY)
    profile = store.load("u")
    assert profile is not None and profile.figures is None and profile.session_count == 2


def test_a_copy_that_grows_past_a_load_gains_figures(store: ProfileStore) -> None:
    """A worker's copy of a user who crosses MAX_SESSIONS_LOADED while it holds them all."""
    held = MAX_SESSIONS_LOADED - 1
    effects = [_session(TODAY - timedelta(days=n)) for n in reversed(range(held))]
    store.apply("u", effects, TODAY)
    known = store.snapshot("u")
    assert known.profile is not None and known.profile.figures is None  # all of them held
    more = [_session(TODAY), _session(TODAY)]
    kept = known.after_own_change(store.change("u", more, TODAY), more, TODAY)
    assert kept is not None and kept.profile is not None
    assert len(kept.profile.sessions) == MAX_SESSIONS_LOADED
    assert kept.profile.session_count == held + 2 and kept.profile.streak(TODAY) == held


def test_figures_follow_new_sessions() -> None:
    start = Figures.of_days([(TODAY - timedelta(days=1), 1), (TODAY, 2)])
    assert start is not None and (start.sessions, start.run_days) == (3, 2)
    assert start.with_day(TODAY).run_days == 2 and start.with_day(TODAY).sessions == 4
    assert start.with_day(TODAY + timedelta(days=1)).run_days == 3
    assert start.with_day(TODAY + timedelta(days=3)).run_days == 1
    assert start.with_day(TODAY - timedelta(days=2)).run_days == 3  # touching the run's start
    assert start.with_day(TODAY - timedelta(days=9)).run_days == 2
    assert start.streak(TODAY - timedelta(days=5)) is None  # dated after "today": cannot tell
    assert Figures.of_days([]) is None


def test_how_far_a_stretch_moved_counts_from_the_first_session(store: ProfileStore) -> None:
    """The first 100 sessions at 20 s, the 400 after at 30 s: every session a profile holds is at
    30 s, yet "how am I doing?" says the stretch moved up, from the level it began at."""

    def at(day: date, hold: int) -> RecordSession:
        levels = (("neck_flexion", hold, 5),)
        return RecordSession(SessionRecord(day, "neck", ("neck_flexion",), 0, True, levels=levels))

    first = TODAY - timedelta(days=DAYS - 1)
    effects = [at(first + timedelta(days=n // 2), 20 if n < 100 else 30) for n in range(2 * DAYS)]
    store.apply("u", effects, TODAY)
    profile = store.load("u")
    assert profile is not None and profile.figures is not None
    assert {record.levels for record in profile.sessions} == {(("neck_flexion", 30, 5),)}
    assert profile.figures.first_level("neck_flexion") == ("neck_flexion", 20, 5, first)
    said = _said(profile, Event(EventKind.PROGRESS))
    assert "Your neck flexion has moved up, to 30 seconds, 5 times." in said
    assert "still at their starting level" not in said


def test_first_levels_are_each_stretchs_earliest() -> None:
    days = [TODAY + timedelta(days=n) for n in range(4)]
    sessions = [(), (("a", 20, 5),), (("a", 25, 5), ("b", 20, 6)), (("b", 30, 6),)]
    assert first_levels(zip(days, sessions, strict=True)) == (
        ("a", 20, 5, days[1]),
        ("b", 20, 6, days[2]),
    )
    figures = Figures.of_days([(TODAY, 1)], first_levels([(TODAY, (("a", 20, 5),))]))
    assert figures is not None and figures.with_day(TODAY).first_level("a") == ("a", 20, 5, TODAY)
    assert figures.first_level("b") is None


def test_the_tutors_level_chart_starts_at_the_first_session(store: ProfileStore) -> None:
    """The same history in `backstretch-tutor history`: 20 s from its first day, then 30 s."""
    first = TODAY - timedelta(days=DAYS - 1)
    levels = {20: (("neck_flexion", 20, 5),), 30: (("neck_flexion", 30, 5),)}
    effects = [
        RecordSession(
            SessionRecord(
                first + timedelta(days=n // 2),
                "neck",
                ("neck_flexion",),
                0,
                True,
                levels=levels[20 if n < 100 else 30],
            )
        )
        for n in range(2 * DAYS)
    ]
    store.apply("u", effects, TODAY)
    profile = store.load("u")
    assert profile is not None
    (_title, row) = level_lines(profile)
    assert row.startswith(f"Neck flexion: 20 s x 5 ({first.isoformat()}) -> 30 s x 5 (")
