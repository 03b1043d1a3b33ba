"""Every voice response stays within Alexa's limits as the speech-timing model measures them, for
any pacing a user can choose: long sets are split across turns instead."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.engine import Context, handle
from shared.events import AREAS, CueLevel, Event, EventKind, Feeling
from shared.reply import Hold
from shared.routine import HOLD_LIMITS, REPS_LIMITS
from skill.config import VOICE_CHUNK_SECONDS
from skill.ssml import MAX_SSML_CHARS, MAX_TIMED_SECONDS, render

ANSWERS = {
    "screen": Event(EventKind.NO),
    "screen_urgent": Event(EventKind.NO),
    "screen_neck": Event(EventKind.NO),
    "tips": Event(EventKind.YES),
    "tips_more": Event(EventKind.YES),
    "checkin": Event(EventKind.FEELING, feeling=Feeling.GOOD),
}


@settings(max_examples=40, deadline=None)
@given(
    hold=st.integers(*HOLD_LIMITS),
    reps=st.integers(*REPS_LIMITS),
    level=st.sampled_from(list(CueLevel)),
    area=st.sampled_from(AREAS),
)
def test_every_response_of_a_routine_is_within_alexas_limits(
    hold: int, reps: int, level: CueLevel, area: str
) -> None:
    context = Context(today=date(2026, 12, 2), max_chunk_seconds=VOICE_CHUNK_SECONDS)
    state = None
    setup = [
        Event(EventKind.LAUNCH),
        Event(EventKind.SET_HOLD, value=hold),
        Event(EventKind.SET_REPS, value=reps),
        Event(EventKind.SET_CUES, cue_level=level),
    ]
    held = 0
    for event in setup:
        state = handle(state, event, context).state
    phase = state["phase"]
    for _ in range(200):
        event = ANSWERS.get(phase) or (
            Event(EventKind.CHOOSE_AREA, area=area)
            if phase == "area"
            else Event(EventKind.CONTINUE)
        )
        reply = handle(state, event, context)
        speech = render(reply)  # raises SpeechLimitError past a limit
        assert speech.heard_seconds <= MAX_TIMED_SECONDS and len(speech.ssml) < MAX_SSML_CHARS
        held += sum(1 for step in reply.steps if isinstance(step, Hold))
        if reply.ended:
            break
        state, phase = reply.state, reply.state["phase"]
    assert reply.ended and held == reps * (6 if area == "both" else 3)  # every hold was played
