"""Profiles: streaks, usual area, screening age, JSON round trip."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from shared.profile import Profile, SessionRecord

TODAY = date(2026, 11, 24)


def _on(*days_ago: int, area: str = "neck") -> tuple[SessionRecord, ...]:
    return tuple(
        SessionRecord(TODAY - timedelta(days=d), area, ("neck_flexion",)) for d in days_ago
    )


def test_streak_counts_consecutive_days_ending_today_or_yesterday() -> None:
    assert Profile(_on(0, 1, 2)).streak(TODAY) == 3
    assert Profile(_on(1, 2)).streak(TODAY) == 2
    assert Profile(_on(0, 0, 1)).streak(TODAY) == 2
    assert Profile(_on(2, 3)).streak(TODAY) == 0
    assert Profile().streak(TODAY) == 0


def test_usual_area_is_the_most_frequent_latest_on_a_tie() -> None:
    sessions = _on(5, 4, area="neck") + _on(3, 2, area="lower_back")
    assert Profile(sessions).usual_area == "lower_back"
    assert Profile(sessions + _on(1, area="neck")).usual_area == "neck"
    assert Profile().usual_area is None


sessions = st.lists(
    st.builds(
        SessionRecord,
        st.integers(0, 20).map(lambda d: TODAY - timedelta(days=d)),
        st.sampled_from(["neck", "lower_back", "both"]),
        st.just(("neck_flexion",)),
    ),
    max_size=30,
)


@given(sessions)
def test_streak_is_the_run_of_days_up_to_today_or_yesterday(records: list[SessionRecord]) -> None:
    days = {s.day for s in records}
    end = TODAY if TODAY in days else TODAY - timedelta(days=1)
    run = [end - timedelta(days=n) for n in range(len(days) + 1)]
    expected = next(n for n, day in enumerate(run) if day not in days)
    assert Profile(tuple(records)).streak(TODAY) == expected


@given(sessions)
def test_usual_area_is_a_most_frequent_area_done_last_among_those(
    records: list[SessionRecord],
) -> None:
    usual = Profile(tuple(records)).usual_area
    if not records:
        assert usual is None
        return
    counts = {area: sum(s.area == area for s in records) for area in {s.area for s in records}}
    assert counts[usual] == max(counts.values())
    # the latest session (by day, then by order) among the most frequent areas is of this area
    top = [(s.day, n, s.area) for n, s in enumerate(records) if counts[s.area] == counts[usual]]
    assert max(top)[2] == usual


def test_screening_is_needed_first_time_and_after_thirty_days() -> None:
    assert Profile().needs_screening(TODAY)
    assert not Profile(screened_on=TODAY - timedelta(days=30)).needs_screening(TODAY)
    assert Profile(screened_on=TODAY - timedelta(days=31)).needs_screening(TODAY)


def test_json_round_trip() -> None:
    profile = Profile(_on(0, 3), hold_seconds=25, reps=6, screened_on=TODAY)
    assert Profile.from_dict(profile.to_dict()) == profile
    assert Profile.from_dict({**profile.to_dict(), "extra": {"k": 1}}) == profile  # saved before
    assert profile.last_session == _on(0)[0]


def test_numbers_stored_as_decimal_come_back_as_int() -> None:
    """DynamoDB returns every number as a Decimal; the pacing must be a plain int again."""
    from decimal import Decimal

    profile = Profile.from_dict({"hold_seconds": Decimal("25"), "reps": Decimal("6")})
    assert (profile.hold_seconds, profile.reps) == (25, 6)
    assert type(profile.hold_seconds) is int and type(profile.reps) is int
