"""A profile given as a loader is read only on turns that use it, at most once a turn, and the
engine answers exactly as it does with the profile given up front."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from engine_talk import TODAY
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_state import EVENTS
from test_profile import sessions as session_lists

from shared.engine import Context, handle
from shared.events import Event, EventKind
from shared.profile import Profile, SessionRecord
from shared.reply import RecordSession, Reply

K = EventKind

PROFILES = st.one_of(
    st.none(),
    st.builds(
        Profile,
        sessions=session_lists.map(tuple),
        hold_seconds=st.one_of(st.none(), st.integers(10, 60)),
        reps=st.one_of(st.none(), st.integers(1, 12)),
        screened_on=st.one_of(
            st.none(), st.integers(0, 200).map(lambda d: TODAY - timedelta(days=d))
        ),
    ),
)


class CountingLoader:
    def __init__(self, profile: Profile | None) -> None:
        self.profile = profile
        self.calls = 0

    def __call__(self) -> Profile | None:
        self.calls += 1
        return self.profile


def _same(lazy: Reply, eager: Reply) -> bool:
    return (lazy.steps, lazy.state, lazy.effects, lazy.card) == (
        eager.steps,
        eager.state,
        eager.effects,
        eager.card,
    )


@settings(max_examples=300, deadline=None)
@given(
    profile=PROFILES,
    events=st.lists(EVENTS, min_size=1, max_size=30),
    budget=st.sampled_from([None, 0, 60]),
)
def test_a_loaded_profile_gives_the_same_replies_read_at_most_once_a_turn(
    profile: Profile | None, events: list[Event], budget: int | None
) -> None:
    eager_context = Context(today=TODAY, profile=profile, max_chunk_seconds=budget)
    state: dict[str, Any] | None = None
    for event in events:
        loader = CountingLoader(profile)
        lazy_context = Context(today=TODAY, max_chunk_seconds=budget, load_profile=loader)
        lazy, eager = handle(state, event, lazy_context), handle(state, event, eager_context)
        assert _same(lazy, eager), event
        assert loader.calls <= 1
        state = json.loads(json.dumps(eager.state))


def _reads_per_turn(
    profile: Profile | None, events: list[Event]
) -> tuple[list[tuple[str, int]], Reply]:
    """How often each turn read the profile, and the last reply."""
    state: dict[str, Any] | None = None
    reads = []
    for event in events:
        loader = CountingLoader(profile)
        reply = handle(state, event, Context(today=TODAY, load_profile=loader))
        reads.append((event.kind.value, loader.calls))
        state = json.loads(json.dumps(reply.state))
    return reads, reply


def test_a_routine_reads_the_profile_only_while_it_is_being_set_up() -> None:
    returning = Profile((SessionRecord(TODAY - timedelta(days=1), "neck", ("neck_flexion",)),))
    said = [K.LAUNCH, K.NO, K.NO, K.CHOOSE_AREA, K.NO, *[K.CONTINUE] * 5]
    events = [Event(kind, area="neck" if kind is K.CHOOSE_AREA else None) for kind in said]
    reads, last = _reads_per_turn(returning, events)
    assert [type(effect) for effect in last.effects] == [RecordSession]  # the routine is done
    assert reads == [
        ("launch", 1),  # welcome back, and the saved pacing for the new conversation
        ("no", 0),  # no emergency signs: the urgent question
        ("no", 1),  # no urgent signs: offer the usual area
        ("choose_area", 1),  # the stretches done before (one-line intros), and the duration
        ("no", 1),  # no neck signs: tips are offered to new users only
        *[("continue", 0)] * 5,  # the stretches, and the record of the routine at its end
    ]


def test_a_profile_given_up_front_is_used_without_a_loader() -> None:
    saved = Profile(hold_seconds=45, reps=7)
    reply = handle(None, Event(K.LAUNCH), Context(today=TODAY, profile=saved))
    assert (reply.state["hold"], reply.state["reps"]) == (45, 7)
