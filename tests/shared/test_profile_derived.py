"""What a profile works out from its sessions is kept with it and always equals a fresh walk, and
a copy kept in step with its holder's own changes equals a fresh load's order (#16 point 6)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.profile import Profile, SessionRecord
from shared.storage.snapshot import MAX_SESSIONS_LOADED, in_load_order, kept_in_load_order

TODAY = date(2026, 3, 1)


class CountedTuple(tuple[SessionRecord, ...]):
    """Sessions that count how often they are walked."""

    walks = 0

    def __iter__(self) -> Any:
        CountedTuple.walks += 1
        return super().__iter__()


def _record(days_ago: int, area: str = "neck") -> SessionRecord:
    return SessionRecord(day=TODAY - timedelta(days=days_ago), area=area, stretches=("chin_tuck",))


records = st.builds(
    _record, st.integers(min_value=0, max_value=40), st.sampled_from(["neck", "lower_back"])
)


def _walked(sessions: tuple[SessionRecord, ...]) -> dict[str, Any]:
    """The derived values worked out afresh, the way the profile defines them."""
    if not sessions:
        return {"last": None, "usual": None, "streak": 0}
    counts = Counter(s.area for s in sessions)
    top = max(counts.values())
    usual = max((s for s in reversed(sessions) if counts[s.area] == top), key=lambda s: s.day)
    days, cursor, streak = {s.day for s in sessions}, TODAY, 0
    if cursor not in days:
        cursor -= timedelta(days=1)
    while cursor - timedelta(days=streak) in days:
        streak += 1
    return {"last": max(sessions, key=lambda s: s.day), "usual": usual.area, "streak": streak}


def _derived(profile: Profile) -> dict[str, Any]:
    return {
        "last": profile.last_session,
        "usual": profile.usual_area,
        "streak": profile.streak(TODAY),
    }


@given(st.lists(records, max_size=30), records)
def test_derived_values_equal_a_fresh_walk_before_and_after_a_change(
    sessions: list[SessionRecord], added: SessionRecord
) -> None:
    profile = Profile(sessions=tuple(sessions))
    assert _derived(profile) == _walked(profile.sessions)
    assert _derived(profile) == _walked(profile.sessions)  # asked again: the kept values
    grown = profile.with_session(added)
    assert _derived(grown) == _walked(grown.sessions)
    moved = replace(profile, sessions=tuple(reversed(profile.sessions)))
    assert _derived(moved) == _walked(moved.sessions)


def test_the_sessions_are_walked_once_for_all_turns_that_ask() -> None:
    profile = Profile(
        sessions=CountedTuple(_record(n, "neck" if n % 3 else "lower_back") for n in range(400))
    )
    CountedTuple.walks = 0
    first = _derived(profile)
    walks = CountedTuple.walks
    assert walks > 0
    for _ in range(5):
        assert _derived(profile) == first
    assert CountedTuple.walks == walks
    screened = replace(profile, screened_on=TODAY).with_derived_of(profile)
    assert _derived(screened) == first and CountedTuple.walks == walks
    unrelated = Profile(sessions=CountedTuple(profile.sessions[:10])).with_derived_of(profile)
    assert _derived(unrelated) == _walked(unrelated.sessions)  # other sessions: not passed on


def test_derived_values_are_not_part_of_the_profile() -> None:
    asked, fresh = Profile(sessions=(_record(1),)), Profile(sessions=(_record(1),))
    assert asked.usual_area == "neck"
    assert asked == fresh and hash(asked) == hash(fresh) and repr(asked) == repr(fresh)
    assert asked.to_dict() == fresh.to_dict()


@given(
    st.lists(records, max_size=12),
    st.lists(records, max_size=3),
    st.booleans(),
)
def test_a_copy_kept_in_step_is_in_a_loads_order(
    held: list[SessionRecord], added: list[SessionRecord], long_history: bool
) -> None:
    """Whether the added sessions follow in day order or not, and past the load's limit."""
    padding = [_record(400 + n) for n in range(MAX_SESSIONS_LOADED)] if long_history else []
    before = Profile(sessions=in_load_order([*padding, *held]))
    after = before
    for record in added:
        after = after.with_session(record)
    kept = kept_in_load_order(after, before)
    assert kept == replace(after, sessions=in_load_order(after.sessions))
    assert _derived(kept) == _walked(kept.sessions)


def test_a_change_without_sessions_keeps_the_derived_values() -> None:
    before = Profile(sessions=CountedTuple(_record(n) for n in range(50)))
    _derived(before)
    CountedTuple.walks = 0
    kept = kept_in_load_order(replace(before, screened_on=TODAY), before)
    assert kept.screened_on == TODAY and kept.sessions is before.sessions
    derived = _derived(kept)
    assert CountedTuple.walks == 0
    assert derived == _walked(tuple(before.sessions))
