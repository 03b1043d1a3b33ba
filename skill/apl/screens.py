"""What an Echo Show shows for a reply: which document (by token) and the data it is given.

Pure: the engine's reply, its rendered speech (whose timeline says when, as heard, each hold and
rest runs) and the locale in; a `Screen` out. A hold's seconds count down on the device itself,
from the heard milliseconds given here, so the screen and the voice agree without any further
request. The tokens are what dialogs and logs name a screen by.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shared import messages
from shared.exercise_catalog import Exercise, load_exercise_catalog
from shared.in_view import exercise_in_view, introduced, phase_of, routine_of, stretches_done
from shared.reply import Ask, End, Hold, Reply, Rest, Say
from skill.apl.avg import graphic_name
from skill.ssml import Speech, Timed

WRAP_KEYS = frozenset({"wrap.done", "wrap.none"})
HOLD_BUTTONS = ("pause", "skip", "pain")
INTRO_BUTTONS = ("ready", "skip", "pain")


@dataclass(frozen=True, slots=True)
class Screen:
    token: str  # intro, hold, checkin, paused, message or wrapup
    document: str  # the JSON file (skill/apl/documents/) it is drawn with
    data: dict[str, Any]  # the datasource's properties


def _text(key: str, locale: str, **params: Any) -> str:
    return messages.text(f"screen.{key}", locale, **params)


def buttons(actions: Sequence[str], locale: str) -> list[dict[str, str]]:
    return [{"label": _text(f"button.{a}", locale), "action": a} for a in actions]


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


# -- the hold -------------------------------------------------------------------------------------


def _parts(exercise: Exercise, reps: int) -> int:
    return reps * max(1, len(exercise.sides))


def _progress(state: dict[str, Any], hold: Hold) -> tuple[float, float]:
    """The routine's share done when `hold` begins and when it ends, counting repetitions."""
    routine = routine_of(state)
    ids = [e.id for e in routine]
    if hold.exercise_id not in ids:
        return (0.0, 0.0)
    index = ids.index(hold.exercise_id)
    total = sum(_parts(e, hold.reps) for e in routine)
    side = [s.id for s in routine[index].sides].index(hold.side) if hold.side else 0
    before = sum(_parts(e, hold.reps) for e in routine[:index]) + side * hold.reps + hold.rep - 1
    return (before / total, (before + 1) / total)


def _hold_label(hold: Hold, locale: str) -> str:
    if hold.side_label:
        return _text("rep_side", locale, rep=hold.rep, reps=hold.reps, side=hold.side_label)
    return _text("rep", locale, rep=hold.rep, reps=hold.reps)


def _hold_cue(hold: Hold) -> str:
    """What to do, on screen while holding: the side's instruction, else the first step."""
    exercise = load_exercise_catalog().exercise(hold.exercise_id)
    for side in exercise.sides:
        if side.id == hold.side:
            return side.instruction
    return exercise.instructions[0]


def _segment(step: Hold | Rest, timed: Timed, near: Hold | None, locale: str) -> dict[str, Any]:
    """One hold or rest as the hold screen shows it; a rest shows the figure of the hold next
    to it (the side to switch to)."""
    common = {"seconds": step.seconds, "start": _ms(timed.start), "end": _ms(timed.end)}
    if isinstance(step, Hold):
        return {
            **common,
            "kind": "hold",
            "title": step.exercise_name.capitalize(),
            "label": _hold_label(step, locale),
            "figure": graphic_name(step.exercise_id, step.side),
            "cue": _hold_cue(step),
        }
    title = "switch" if step.reason == "switch_sides" else "rest"
    return {
        **common,
        "kind": "rest",
        "title": _text(title, locale),
        "label": _text(title, locale),
        "figure": graphic_name(near.exercise_id, near.side) if near else "",
        "cue": step.text,
    }


def _near_hold(steps: Sequence[Any], index: int) -> Hold | None:
    """The hold after a rest (else the one before it): whose figure the rest shows."""
    after = [s for s in steps[index + 1 :] if isinstance(s, Hold)]
    before = [s for s in steps[:index] if isinstance(s, Hold)]
    return after[0] if after else (before[-1] if before else None)


def _segment_progress(reply: Reply, index: int) -> tuple[float, float]:
    """A hold fills its share of the bar; a rest keeps it where it is: at the start of the hold
    after it, else at the end of the one before."""
    step = reply.steps[index]
    if isinstance(step, Hold):
        return _progress(reply.state, step)
    after = [s for s in reply.steps[index + 1 :] if isinstance(s, Hold)]
    before = [s for s in reply.steps[:index] if isinstance(s, Hold)]
    if after:
        begins = _progress(reply.state, after[0])[0]
        return (begins, begins)
    ends = _progress(reply.state, before[-1])[1] if before else 0.0
    return (ends, ends)


def hold_screen(reply: Reply, speech: Speech, locale: str) -> Screen:
    segments: list[dict[str, Any]] = []
    shown_from = 0
    for timed in speech.timeline:
        step = reply.steps[timed.step]
        if not isinstance(step, Hold | Rest):
            continue
        near = _near_hold(reply.steps, timed.step)
        segment = _segment(step, timed, near, locale)
        start, progress = _segment_progress(reply, timed.step)
        segment.update(
            showFrom=shown_from,
            showUntil=segment["end"],
            progressFrom=start,
            progressTo=progress,
            secondsLabel=_text("seconds_left", locale, seconds=step.seconds),
        )
        segments.append(segment)
        shown_from = segment["end"]
    last = next((s for s in reversed(reply.steps) if isinstance(s, Hold)), None)
    after = {
        "showFrom": shown_from,
        "text": _closing_text(reply),
        "buttons": buttons(_after_actions(reply), locale),
    }
    data = {
        "title": last.exercise_name.capitalize() if last else "",
        "figure": graphic_name(last.exercise_id, last.side) if last else "",
        "segments": segments,
        "buttons": buttons(HOLD_BUTTONS, locale),
        "after": after,
    }
    return Screen("hold", "hold", data)


def _closing_text(reply: Reply) -> str:
    """The words the reply ends on: its question, else its last words."""
    ask = reply.ask
    if ask is not None:
        return ask.text
    said = [s.text for s in reply.steps if isinstance(s, Say | End)]
    return said[-1] if said else ""


def _after_actions(reply: Reply) -> tuple[str, ...]:
    """The buttons once a set's part is over: at the check-in "it hurts"; before the next part
    of the set, ready to go on."""
    if reply.ended:
        return ()
    if phase_of(reply.state) == "checkin":
        return ("pain",)
    return INTRO_BUTTONS


# -- the other screens ----------------------------------------------------------------------------


def intro_screen(reply: Reply, exercise: Exercise, locale: str) -> Screen:
    routine = routine_of(reply.state)
    number = [e.id for e in routine].index(exercise.id) + 1
    first_side = exercise.sides[0] if exercise.sides else None
    steps = [*exercise.instructions]
    if first_side is not None:
        steps.append(first_side.instruction)
    data = {
        "heading": _text("heading", locale, number=number, total=len(routine)),
        "title": exercise.name.capitalize(),
        "figure": graphic_name(exercise.id, first_side.id if first_side else None),
        "steps": steps,
        "hint": _text("hint", locale),
        "buttons": buttons(INTRO_BUTTONS, locale),
    }
    return Screen("intro", "intro", data)


def wrapup_screen(reply: Reply, streak: int | None, locale: str) -> Screen:
    done = [exercise.name.capitalize() for exercise in stretches_done(reply.state)]
    words = [s.text for s in reply.steps if isinstance(s, Say) and s.key not in WRAP_KEYS]
    data = {
        "title": _text("wrap_title" if done else "wrap_none", locale),
        "done": done,
        "streak": _text("streak", locale, days=streak) if streak and streak >= 2 else "",
        "text": " ".join(words),
    }
    return Screen("wrapup", "wrapup", data)


def message_screen(reply: Reply, locale: str) -> Screen:
    """A question or word between the stretches: the check-in, a pause, anything else."""
    phase = phase_of(reply.state)
    exercise = exercise_in_view(reply.state)
    actions: tuple[str, ...]
    figure = graphic_name(exercise.id) if exercise is not None else ""
    if phase == "checkin" and not reply.ended:
        token, title, actions = "checkin", _text("checkin_title", locale), ("pain",)
    elif phase == "paused" and not reply.ended:
        token, title, actions = "paused", _text("paused_title", locale), ("resume",)
    else:
        token, title, actions, figure = "message", _text("coach", locale), (), ""
    text = _closing_text(reply)
    if isinstance(reply.ask, Ask) and token == "paused":
        text = " ".join(s.text for s in reply.steps if isinstance(s, Say | Ask))
    data = {"title": title, "text": text, "figure": figure, "buttons": buttons(actions, locale)}
    return Screen(token, "message", data)


def screen_for(
    reply: Reply, speech: Speech, locale: str, streak: Callable[[], int | None] = lambda: None
) -> Screen:
    """The screen for a reply: its set being held, a stretch's introduction, the wrap-up, or a
    message with the words it ends on."""
    if speech.timeline:
        return hold_screen(reply, speech, locale)
    exercise = introduced(reply)
    if exercise is not None:
        return intro_screen(reply, exercise, locale)
    if any(isinstance(s, Say) and s.key in WRAP_KEYS for s in reply.steps):
        return wrapup_screen(reply, streak(), locale)
    return message_screen(reply, locale)
