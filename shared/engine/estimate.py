"""How long a routine takes as heard: the engine plays it through, as a user who answers every
question at once would, and adds up what would be heard.

"It takes about 6 minutes" is then the sum of the same speech, holds, rests and cues the user
will hear (timed with the one speech-timing model), plus a fixed allowance per reply the user
gives, so the figure cannot drift from the routine it describes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from shared.engine.phase import Phase
from shared.engine.state import State
from shared.engine.turn import Turn
from shared.events import Event, EventKind, Feeling
from shared.reply import Ask, End, Hold, Rest, Say, Step
from shared.speech_timing import USER_REPLY_SECONDS, HeardClock

# What the quick, willing user of the estimate answers at each question of a routine.
_ANSWERS: dict[Phase, Event] = {
    Phase.SCREEN_NECK: Event(EventKind.NO),
    Phase.TIPS: Event(EventKind.NO),
    Phase.TIPS_MORE: Event(EventKind.NO),
    Phase.INTRO: Event(EventKind.CONTINUE),
    Phase.HOLDING: Event(EventKind.CONTINUE),
    Phase.CHECKIN: Event(EventKind.FEELING, feeling=Feeling.GOOD),
    Phase.AFTER_PAIN: Event(EventKind.YES),
}
# A routine of four stretches takes about 30 turns; this only guards against a loop.
_MAX_TURNS = 500


def steps_heard_seconds(steps: Iterable[Step]) -> float:
    """Everything heard in these steps, as the SSML renderer lays it out: speech, each hold
    (its start said, then exactly its seconds with the inner cues inside, then its release),
    and each rest (its words inside its seconds)."""
    clock = HeardClock()
    for step in steps:
        if isinstance(step, Hold):
            for cue in step.cues:
                if cue.at <= 0:
                    clock.say(cue.text)
            clock.pause(step.seconds)
            for cue in step.cues:
                if cue.at >= step.seconds:
                    clock.say(cue.text)
        elif isinstance(step, Rest):
            clock.pause(step.seconds - clock.say(step.text))
        elif isinstance(step, Say | Ask | End):
            clock.say(step.text)
    return clock.seconds


def _reply_allowance(t: Turn, steps: list[Step]) -> float:
    """A user's reply to the question that closed `steps`; a timed front end (one repetition per
    reply) goes on by itself after a set's part, with no reply to wait for."""
    ask = steps[-1] if steps and isinstance(steps[-1], Ask) else None
    if ask is None or (ask.kind == "continue" and t.ctx.max_chunk_seconds == 0):
        return 0.0
    return USER_REPLY_SECONDS


def heard_seconds_from(t: Turn, state: State) -> float:
    """From `state`'s question to the end of the routine, answered at once at every step."""
    from shared.engine.dispatch import dispatch  # here: dispatch's tables reach this module

    total, current = 0.0, state
    for _ in range(_MAX_TURNS):
        event = _ANSWERS.get(current.phase)
        if event is None:
            break
        turn = Turn(current, t.ctx, t.catalog, t.stored_profile, t.phases)
        dispatch(turn, event)
        total += steps_heard_seconds(turn.steps) + _reply_allowance(turn, turn.steps)
        current = turn.st
    return total


def routine_heard_seconds(t: Turn, area: str) -> float:
    """A whole routine of `area`, from its first words (tips offered to a new user, or the first
    stretch) to the goodbye."""
    from shared.engine import flow  # here: the flow asks for estimates

    start = replace(
        t.st,
        area=area,
        exercise=0,
        side=0,
        rep=0,
        chunk_start=None,
        stretches_done=(),
        stretches_skipped=(),
        part_unconfirmed=False,
    )
    turn = Turn(start, t.ctx, t.catalog, t.stored_profile, t.phases)
    flow.neck_screen_or_routine(turn)
    opening = steps_heard_seconds(turn.steps) + _reply_allowance(turn, turn.steps)
    return opening + heard_seconds_from(t, turn.st)


def remaining_heard_seconds(t: Turn) -> float:
    """What is left of the routine under way, from the question now being asked."""
    phase = t.st.paused_phase if t.st.phase is Phase.PAUSED else t.st.phase
    if phase is None or phase not in _ANSWERS:
        phase = Phase.INTRO
    answer_now = USER_REPLY_SECONDS
    return answer_now + heard_seconds_from(t, replace(t.st, phase=phase, paused_phase=None))
