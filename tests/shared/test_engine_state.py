"""State handling: versioned JSON, corrupt input, cut-short sessions, and a property test."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_talk import TODAY, Talk, keys
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.engine import Context, handle, session_record
from shared.engine.state import STATE_VERSION, State
from shared.events import AREAS, Event, EventKind, Feeling
from shared.reply import Ask, End


def test_state_is_versioned_json(talk: Talk) -> None:
    talk.to_first_intro("neck")
    assert talk.state is not None and talk.state["version"] == STATE_VERSION
    assert json.loads(json.dumps(talk.state)) == talk.state


@pytest.mark.parametrize(
    "corrupt",
    [
        {"version": 99, "phase": "intro"},
        {"version": STATE_VERSION},
        "not a dict",
        [1, 2, 3],
        {"version": True},
    ],
)
def test_unknown_or_corrupt_state_restarts_politely(corrupt: Any) -> None:
    reply = handle(corrupt, Event(EventKind.YES), Context(today=TODAY))
    assert keys(reply)[:2] == ["state.restart", "welcome.new"]
    assert reply.state["phase"] == "screen"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phase", "dancing"),
        ("area", "elbow"),
        ("exercise", -1),
        ("exercise", 99),
        ("rep", "3"),
        ("done", [1]),
        ("chunk_start", [0]),
        ("hold", True),
        ("hold", 1000),
        ("reps", 0),
        ("area", None),
    ],
)
def test_each_tampered_field_is_caught(field: str, value: Any) -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    assert talk.state is not None
    tampered = {**talk.state, field: value}
    assert State.from_json(tampered) is None
    reply = handle(tampered, Event(EventKind.CONTINUE), talk.context)
    assert keys(reply)[0] == "state.restart"


def test_session_record_for_a_cut_short_session(talk: Talk) -> None:
    assert session_record(None, talk.context) is None
    talk.to_first_intro("neck")
    assert session_record(talk.state, talk.context) is None  # nothing done yet
    talk(EventKind.CONTINUE)  # the set was sent; nothing yet shows it played to the end
    assert session_record(talk.state, talk.context) is None
    record = session_record(talk.state, talk.context, played_to_end=True)
    assert record is not None and record.stretches == ("neck_flexion",)
    assert not record.completed and record.day == TODAY
    talk(EventKind.FEELING, feeling=Feeling.GOOD)  # the answer shows it did
    record = session_record(talk.state, talk.context)
    assert record is not None and record.stretches == ("neck_flexion",)
    talk(EventKind.STOP)
    assert session_record(talk.state, talk.context) is None  # the End already saved it


EVENTS = st.builds(
    Event,
    kind=st.sampled_from(list(EventKind)),
    area=st.one_of(st.none(), st.sampled_from(AREAS), st.text(max_size=5)),
    value=st.one_of(st.none(), st.integers(-5, 100)),
    text=st.one_of(st.none(), st.text(max_size=20)),
)


@settings(max_examples=300, deadline=None)
@given(
    events=st.lists(EVENTS, min_size=1, max_size=40),
    budget=st.sampled_from([None, 0, 60, 200]),
)
def test_any_event_sequence_gives_a_valid_reply(events: list[Event], budget: int | None) -> None:
    """From any reachable state, any events: never raises, always a well-formed reply."""
    context = Context(today=TODAY, max_chunk_seconds=budget)
    state: dict[str, Any] | None = None
    for event in events:
        reply = handle(state, event, context)
        assert reply.steps, event
        last = reply.steps[-1]
        assert isinstance(last, Ask | End)
        if isinstance(last, Ask):
            assert last.text and last.reprompt
        assert State.from_json(reply.state) is not None
        state = json.loads(json.dumps(reply.state))
