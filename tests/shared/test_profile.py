"""Profiles: streaks, usual area, screening age, JSON round trip."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from shared.events import Feeling
from shared.profile import STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM, Profile, SessionRecord

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


STRETCHES = ("neck_flexion", "lateral_flexion", "knee_to_chest", "back_flexion")
stretch_ids = st.sampled_from(STRETCHES)
sessions = st.lists(
    st.builds(
        SessionRecord,
        st.integers(0, 20).map(lambda d: TODAY - timedelta(days=d)),
        st.sampled_from(["neck", "lower_back", "both"]),
        st.lists(stretch_ids, max_size=4).map(tuple),
        pain_reports=st.integers(0, 3),
        completed=st.booleans(),
        pain_stretch=st.none() | stretch_ids,
        feelings=st.lists(st.tuples(stretch_ids, st.sampled_from(list(Feeling)).map(str))).map(
            tuple
        ),
        stopped_for=st.sampled_from([None, STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM]),
    ),
    max_size=30,
)
profiles = st.builds(
    Profile,
    sessions.map(tuple),
    hold_seconds=st.none() | st.integers(5, 60),
    reps=st.none() | st.integers(1, 10),
    screened_on=st.none() | st.integers(0, 60).map(lambda d: TODAY - timedelta(days=d)),
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


@given(profiles)
def test_every_profile_round_trips_through_its_dict_and_json_text(profile: Profile) -> None:
    """DynamoDB keeps the dict, the tutor's tools keep its JSON: both give the profile back,
    each session's pain stretch, feelings (a tuple of pairs again) and reason to stop included."""
    assert Profile.from_dict(profile.to_dict()) == profile
    assert Profile.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile


def test_a_session_saved_before_the_outcome_fields_gets_their_defaults() -> None:
    old = {"day": TODAY.isoformat(), "area": "neck", "stretches": ["neck_flexion"]}
    record = Profile.from_dict({"sessions": [old]}).sessions[0]
    assert (record.pain_stretch, record.feelings, record.stopped_for) == (None, (), None)


def test_numbers_stored_as_decimal_come_back_as_int() -> None:
    """DynamoDB returns every number as a Decimal; the pacing must be a plain int again."""
    from decimal import Decimal

    profile = Profile.from_dict({"hold_seconds": Decimal("25"), "reps": Decimal("6")})
    assert (profile.hold_seconds, profile.reps) == (25, 6)
    assert type(profile.hold_seconds) is int and type(profile.reps) is int
