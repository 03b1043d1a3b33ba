"""A stretch's sets: repetitions with their spoken counts and cues, rests, side switches, and
what is counted when a set is interrupted.

Cues are placed at exact seconds of a hold and never overlap as spoken (the speech-timing model
says how long each takes), so a voice front end can make each hold last what the coach says.
A part of a set sent to a voice front end is only known to have played when the user answers
what follows it; until then an interruption (pause, stop, pain) rewinds to the start of that
part, so nothing is counted that may not have been done.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.engine.phase import Phase
from shared.engine.turn import Turn
from shared.events import CueLevel
from shared.exercise_catalog import Exercise
from shared.reply import Cue, Hold, Rest
from shared.routine import side_count
from shared.speech_timing import spoken_seconds

COUNTDOWN_FROM = 3
# Silence kept after a cue before the next one starts, so cues never run into each other.
CUE_GAP_SECONDS = 0.5
# A side switch lasts at least this long after its words, to move into the other side.
SWITCH_MOVE_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class _Planned:
    at: int
    key: str
    text: str
    priority: int  # lower is kept first when two cues would overlap


def _start_text(t: Turn, exercise_reps: int, rep: int) -> str:
    """The count, then how to start: "Two of five. Ease in gently, and hold." """
    if rep == exercise_reps - 1 and exercise_reps > 1:
        count = t.msg("count.last")
    else:
        count = t.msg("count.of", n=rep + 1, total=exercise_reps)
    start = t.msg("cue.start_first" if rep == 0 else "cue.start_again")
    return f"{count} {start}"


def hold_cues(t: Turn, exercise: Exercise, seconds: int, rep: int, reps: int) -> tuple[Cue, ...]:
    """The start (with the count) at 0 s, the release at `seconds`, and the inner cues the cue
    level asks for, each at an exact second and dropped if it would overlap a more important one
    as spoken: the countdown first, then halfway, "five more seconds" and the form cue."""
    level = CueLevel(t.st.cues)
    inner: list[_Planned] = []
    if level is not CueLevel.FEWER:
        inner += [
            _Planned(seconds - n, f"cue.count.{n}", t.msg(f"cue.count.{n}"), 0)
            for n in range(COUNTDOWN_FROM, 0, -1)
        ]
        inner.append(_Planned(seconds // 2, "cue.halfway", t.msg("cue.halfway"), 1))
    if level is CueLevel.MORE and seconds >= 15:
        inner.append(_Planned(seconds - 5, "cue.five_left", t.msg("cue.five_left"), 2))
    if level is CueLevel.MORE or (level is CueLevel.NORMAL and rep == 0):
        form = exercise.cues[rep % len(exercise.cues)]
        inner.append(_Planned(2, "cue.form", form, 3))
    start = Cue(0, "cue.start", _start_text(t, reps, rep))
    release = Cue(seconds, "cue.release", exercise.release)
    return (start, *_without_overlaps(inner, seconds), release)


def _without_overlaps(planned: list[_Planned], seconds: int) -> list[Cue]:
    kept: list[tuple[float, float, _Planned]] = []
    for cue in sorted(planned, key=lambda c: (c.priority, c.at)):
        begin, end = cue.at, cue.at + spoken_seconds(cue.text) + CUE_GAP_SECONDS
        clash = any(begin < other_end and other_begin < end for other_begin, other_end, _ in kept)
        if cue.at > 0 and end <= seconds and not clash:
            kept.append((begin, end, cue))
    return [Cue(c.at, c.key, c.text) for _, _, c in sorted(kept, key=lambda k: k[0])]


def rep_heard_seconds(hold: Hold, rest: Rest | None) -> float:
    """One repetition as heard: its start and release said, the hold, and the rest after it."""
    said = spoken_seconds(hold.cues[0].text) + spoken_seconds(hold.cues[-1].text)
    return said + hold.seconds + (rest.seconds if rest else 0)


def _switch(t: Turn, exercise: Exercise, side_index: int) -> Rest:
    """Naming the new side and how to hold it, with time to move after the words."""
    side = exercise.sides[side_index]
    text = f"{t.msg('rest.switch', side=side.label)} {side.instruction}"
    seconds = max(t.pacing.switch_seconds, round(spoken_seconds(text) + SWITCH_MOVE_SECONDS))
    return Rest(seconds, "switch_sides", "rest.switch", text)


def play_chunk(t: Turn) -> None:
    """Emit the next repetitions of the current side, as many as one reply holds as heard, and
    move the position past them (not yet confirmed as played)."""
    from shared.engine import flow  # the set ends by handing back to the conversation

    exercise = t.exercise
    if exercise is None:
        flow.wrap_up(t)
        return
    if t.st.rep >= t.st.reps:  # repetitions were lowered mid-set
        finish_side(t)
        return
    t.update(phase=Phase.HOLDING, chunk_start=(t.st.side, t.st.rep), rewound=False)
    side = exercise.sides[t.st.side] if exercise.per_side else None
    if t.st.rep == 0 and side is not None:
        if t.st.side > 0:
            t.steps.append(_switch(t, exercise, t.st.side))
        else:
            t.say_text(f"exercise.{exercise.id}.side.{side.id}", side.instruction)
    _play_reps(t, exercise)
    t.update(part_unconfirmed=True)
    if t.st.rep >= t.st.reps:
        finish_side(t)
    else:
        t.ask_current()


def _play_reps(t: Turn, exercise: Exercise) -> None:
    pacing, budget, used = t.pacing, t.ctx.max_chunk_seconds, 0.0
    side = exercise.sides[t.st.side] if exercise.per_side else None
    while t.st.rep < pacing.reps:
        rep = t.st.rep
        cues = hold_cues(t, exercise, pacing.hold_seconds, rep, pacing.reps)
        hold = Hold(
            exercise.id,
            exercise.name,
            pacing.hold_seconds,
            rep + 1,
            pacing.reps,
            side.id if side else None,
            side.label if side else None,
            cues,
        )
        rest = None
        if rep < pacing.reps - 1:
            rest = Rest(pacing.rest_seconds, "between_reps", "rest.between", t.msg("rest.between"))
        heard = rep_heard_seconds(hold, rest)
        if used and budget is not None and used + heard > budget:
            return  # at least one repetition always fits, so a set always progresses
        t.steps.append(hold)
        if rest is not None:
            t.steps.append(rest)
        used += heard
        t.update(rep=rep + 1)
        if budget == 0:
            return


def finish_side(t: Turn) -> None:
    exercise = t.exercise
    assert exercise is not None
    if t.st.side + 1 < side_count(exercise):
        t.update(side=t.st.side + 1, rep=0, phase=Phase.HOLDING)
        t.ask_current()
        return
    if exercise.id not in t.st.stretches_done:
        t.update(stretches_done=(*t.st.stretches_done, exercise.id))
    t.update(phase=Phase.CHECKIN, checkin_asked_again=False)
    t.say("hold.exercise_done", name=exercise.name)
    t.ask_current()


def rewind_part(t: Turn) -> None:
    """Back to the start of the last part of the set played: it is done again, and a stretch that
    part finished is no longer counted as done."""
    st = t.st
    if st.chunk_start is None:
        return
    exercise = t.exercise
    if st.phase is Phase.CHECKIN and exercise is not None:
        t.update(stretches_done=tuple(i for i in st.stretches_done if i != exercise.id))
    side, rep = st.chunk_start
    t.update(side=side, rep=rep, phase=Phase.HOLDING, part_unconfirmed=False)


def confirm_part(t: Turn) -> None:
    """The user answered what followed the last part: it played to the end."""
    t.update(part_unconfirmed=False)


def rewind_unconfirmed(t: Turn) -> bool:
    """An interruption while the last part may still have been playing: rewind it."""
    if not t.st.part_unconfirmed:
        return False
    rewind_part(t)
    t.update(rewound=True)
    return True
