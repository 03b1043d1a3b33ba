"""The coaching flow: welcome, screen, routine, each stretch's sets, check-in and wrap-up.

Each function moves the turn's state on and says what happened; whatever comes next is asked
through `Turn.ask_current`, so the question always matches the phase the state is left in.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.engine.phase import Phase
from shared.engine.turn import Turn
from shared.exercise_catalog import Exercise
from shared.reply import Card, Cue, Hold, MarkScreened, Rest
from shared.routine import chunk_reps, routine_seconds, side_count


def welcome(t: Turn) -> None:
    profile = t.profile
    if profile and profile.is_returning:
        streak = profile.streak(t.ctx.today)
        if streak >= 2:
            t.say("welcome.streak", days=streak)
        else:
            t.say("welcome.back")
    else:
        t.say("welcome.new")
        t.say_text("notice", t.catalog.notice)
    if not t.st.screened and (profile is None or profile.needs_screening(t.ctx.today)):
        t.update(phase=Phase.SCREEN)
        t.say("screen.intro")
        t.ask_current()
    else:
        t.update(screened=True)
        after_screen(t)


def screen_cleared(t: Turn) -> None:
    t.update(screened=True)
    t.effects.append(MarkScreened())
    t.say("screen.clear")
    after_screen(t)


def after_screen(t: Turn) -> None:
    pending = t.st.pending_area
    usual = t.profile.usual_area if t.profile else None
    if pending:
        choose_area(t, pending)
    else:
        t.update(phase=Phase.OFFER_USUAL if usual else Phase.AREA)
        t.ask_current()


def choose_area(t: Turn, area: str) -> None:
    t.update(area=area, pending_area=None, exercise=0, side=0, rep=0, chunk_start=None)
    routine = t.routine
    total = routine_seconds(routine, t.pacing)
    t.say("area.chosen", area=t.area_name(area), count=len(routine), duration=t.minutes(total))
    new_user = not (t.profile and t.profile.is_returning)
    if new_user:
        t.update(phase=Phase.TIPS)
        t.ask_current()
    else:
        intro(t)


def tips(t: Turn) -> None:
    t.say_text("advice.whole_back", t.catalog.whole_back)
    for tip in (*t.catalog.preparation, *t.catalog.safety):
        t.say_text(f"tip.{tip.id}", tip.text)
    intro(t)


def intro(t: Turn) -> None:
    exercise = t.exercise
    if exercise is None:
        wrap_up(t)
        return
    t.update(phase=Phase.INTRO, side=0, rep=0, chunk_start=None)
    t.say("intro.exercise", number=t.st.exercise + 1, total=len(t.routine), name=exercise.name)
    t.say_text(f"exercise.{exercise.id}.position", exercise.position)
    for i, line in enumerate(exercise.instructions):
        t.say_text(f"exercise.{exercise.id}.instruction.{i}", line)
    t.say_text(f"exercise.{exercise.id}.feel", exercise.feel)
    if exercise.per_side:
        first, second = exercise.sides
        t.say("intro.sides", first=first.label, second=second.label)
    t.say("intro.pacing", seconds=t.st.hold, reps=t.st.reps)
    t.card = _card(t, exercise)
    t.ask_current()


def _card(t: Turn, exercise: Exercise) -> Card:
    lines = [exercise.position, *exercise.instructions, exercise.feel]
    lines.append(t.msg("card.pacing", seconds=t.st.hold, reps=t.st.reps))
    return Card(exercise.name.capitalize(), "\n".join(lines))


def _cues(t: Turn, exercise: Exercise, seconds: int, rep: int) -> tuple[Cue, ...]:
    """Cues at exact seconds: start, a form cue, halfway, five seconds left, release."""
    start_key = "cue.start_first" if rep == 0 else "cue.start_again"
    planned = [
        (0, start_key, t.msg(start_key)),
        (max(2, seconds // 4), "cue.form", exercise.cues[rep % len(exercise.cues)]),
        (seconds // 2, "cue.halfway", t.msg("cue.halfway")),
        (seconds - 5, "cue.five_left", t.msg("cue.five_left")),
        (seconds, "cue.release", exercise.release),
    ]
    cues: dict[int, Cue] = {}
    for at, key, text in planned:
        cues[at] = Cue(at, key, text)  # a later cue at the same second wins over an earlier one
    return tuple(cues[at] for at in sorted(cues))


def play_chunk(t: Turn) -> None:
    """Emit the next repetitions of the current side and move the position past them."""
    exercise = t.exercise
    if exercise is None:
        wrap_up(t)
        return
    if t.st.rep >= t.st.reps:  # repetitions were lowered mid-set
        finish_side(t)
        return
    t.update(phase=Phase.HOLDING, chunk_start=(t.st.side, t.st.rep))
    side = exercise.sides[t.st.side] if exercise.per_side else None
    if t.st.rep == 0 and side is not None:
        if t.st.side > 0:
            switch = t.msg("rest.switch", side=side.label)
            t.steps.append(Rest(t.pacing.switch_seconds, "switch_sides", "rest.switch", switch))
        t.say_text(f"exercise.{exercise.id}.side.{side.id}", side.instruction)
    pacing = t.pacing
    for rep in chunk_reps(t.st.rep, pacing, t.ctx.max_chunk_seconds):
        cues = _cues(t, exercise, pacing.hold_seconds, rep)
        t.steps.append(
            Hold(
                exercise.id,
                exercise.name,
                pacing.hold_seconds,
                rep + 1,
                pacing.reps,
                side.id if side else None,
                side.label if side else None,
                cues,
            )
        )
        if rep < pacing.reps - 1:
            rest = t.msg("rest.between")
            t.steps.append(Rest(pacing.rest_seconds, "between_reps", "rest.between", rest))
        t.update(rep=rep + 1)
    if t.st.rep >= t.st.reps:
        finish_side(t)
    else:
        t.ask_current()


def finish_side(t: Turn) -> None:
    exercise = t.exercise
    assert exercise is not None
    if t.st.side + 1 < side_count(exercise):
        t.update(side=t.st.side + 1, rep=0, phase=Phase.HOLDING)
        t.ask_current()
        return
    if exercise.id not in t.st.stretches_done:
        t.update(stretches_done=(*t.st.stretches_done, exercise.id))
    t.update(phase=Phase.CHECKIN)
    t.say("hold.exercise_done", name=exercise.name)
    t.ask_current()


def skip_stretch(t: Turn) -> None:
    exercise = t.exercise
    if exercise is not None and exercise.id not in (*t.st.stretches_done, *t.st.stretches_skipped):
        t.update(stretches_skipped=(*t.st.stretches_skipped, exercise.id))
        t.say("skip.ok", name=exercise.name)
    next_stretch(t)


def next_stretch(t: Turn) -> None:
    t.update(exercise=t.st.exercise + 1)
    intro(t)


def wrap_up(t: Turn) -> None:
    done = t.st.stretches_done
    if done:
        t.say("wrap.done", count=len(done), names=names(t, done))
    else:
        t.say("wrap.none")
    t.say_text("advice.encouragement", t.catalog.encouragement)
    t.save_record(completed=bool(done))
    t.end("wrap.goodbye")


def names(t: Turn, exercise_ids: Sequence[str]) -> str:
    """The stretches' names as a spoken list: "a", "a and b", "a, b and c"."""
    found = [t.catalog.exercise(i).name for i in exercise_ids]
    if len(found) == 1:
        return found[0]
    return t.msg("list.and", items=", ".join(found[:-1]), last=found[-1])


def stop(t: Turn) -> None:
    if t.st.stretches_done:
        t.say("stop.summary", names=names(t, t.st.stretches_done))
        t.say_text("advice.encouragement", t.catalog.encouragement)
    t.save_record(completed=False)
    t.end("stop.goodbye")


def pain(t: Turn) -> None:
    if t.st.phase is Phase.PAUSED:
        t.update(phase=t.st.paused_phase or Phase.AREA)
    t.update(pains=t.st.pains + 1)
    if t.st.pains >= 2:
        t.say("pain.second")
        t.save_record(completed=False)
        t.end("pain.goodbye")
        return
    in_stretch = t.st.phase.in_exercise or t.st.phase is Phase.AFTER_PAIN
    exercise = t.exercise if in_stretch else None
    if exercise is None:
        t.say("pain.general")
        t.ask_current()
        return
    t.say("pain.first", name=exercise.name)
    if exercise.id not in (*t.st.stretches_done, *t.st.stretches_skipped):
        t.update(stretches_skipped=(*t.st.stretches_skipped, exercise.id))
    t.update(exercise=t.st.exercise + 1)
    if t.exercise is None:
        wrap_up(t)
        return
    t.update(phase=Phase.AFTER_PAIN)
    t.ask_current()
