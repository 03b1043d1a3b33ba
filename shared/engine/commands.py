"""Commands that work at every step: stop, pain, help, pause, settings, history and the rest.

Two tables, and their place in the order of precedence is the whole rule (see `dispatch`):
`BEFORE_PHASE` is taken before the phase's own answers (stopping and pain must never be read as
an answer to a question), `AFTER_PHASE` only when the phase did not take the event itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from shared.engine import answers, estimate, flow, progress_summary, sets
from shared.engine.answers import Answer
from shared.engine.phase import Phase
from shared.engine.turn import Turn
from shared.engine.weeks import GOAL_LIMITS
from shared.events import AREAS, STOP_FEELINGS, Event, EventKind, Feeling
from shared.reply import SaveCueLevel, SavePreferences, SaveWeeklyGoal
from shared.routine import HOLD_LIMITS, REPS_LIMITS

K = EventKind


def stop(t: Turn, _event: Event) -> None:
    flow.stop(t)


def pain(t: Turn, event: Event) -> None:
    """ "It hurts". At the area question, "my neck hurts" says where to work instead."""
    if event.area and t.st.phase in (Phase.AREA, Phase.OFFER_USUAL):
        t.say("pain.chosen")
        flow.choose_area(t, event.area)
    else:
        flow.pain(t)


def feeling(t: Turn, event: Event) -> bool | None:
    """Symptoms stop stretching wherever they are said; "painful" is a pain report. Other
    feelings are answers, for the check-in (or acknowledged elsewhere)."""
    if event.feeling in STOP_FEELINGS:
        flow.symptom(t, event.feeling)
    elif event.feeling is Feeling.PAINFUL:
        if t.st.phase is Phase.CHECKIN:
            flow.record_feeling(t, Feeling.PAINFUL)
        flow.pain(t)
    else:
        return False
    return None


def feeling_noted(t: Turn, _event: Event) -> None:
    t.say("checkin.noted")
    t.ask_current()


def start(t: Turn, event: Event) -> None:
    """ "Start my back stretches", with or without an area, wherever the conversation is."""
    if event.area:
        t.update(pending_area=event.area)
    phase = t.st.phase
    if phase is Phase.NEW:
        flow.welcome(t)
    elif phase.screening:
        if event.area:  # kept for after the screen, which comes first
            t.say("screen.first")
        t.ask_current()
    elif not t.st.screened:  # last time's pain is asked about first; the area is kept
        if event.area and flow.touches_blocked_area(t, event.area):
            t.update(pending_area=None)
        t.ask_current()
    elif event.area:
        t.update(paused_phase=None)
        flow.choose_area(t, event.area)
    else:
        t.ask_current()


def choose_area(t: Turn, event: Event) -> None:
    """An area named: chosen at the area question. Inside a stretch it is how the area feels
    ("my neck is stiff" at "how did that feel?" is an answer, not a new routine)."""
    phase = t.st.phase
    if event.area and phase in (Phase.AREA, Phase.OFFER_USUAL):
        flow.choose_area(t, event.area)
    elif event.area and phase is Phase.CHECKIN:
        answers.checkin_feeling(t, replace(event, kind=K.FEELING, feeling=Feeling.TIGHT))
    elif event.area and phase.in_exercise and event.area == t.st.area:
        t.ask_current()  # the routine under way already works on it
    else:
        start(t, event)


def repeat(t: Turn, _event: Event) -> None:
    """ "Say that again": what was just asked (the stretch's introduction before a set), never a
    timed set: that is "do it again"."""
    if t.st.phase is Phase.INTRO:
        flow.intro(t)
    else:
        t.ask_current()


def redo(t: Turn, _event: Event) -> None:
    """ "Do it again", "one more time": the part of the set just played, from its start."""
    if t.st.phase in (Phase.HOLDING, Phase.CHECKIN) and t.st.chunk_start is not None:
        sets.rewind_part(t)
        sets.play_chunk(t)
    else:
        t.say("redo.nothing")
        t.ask_current()


def skip_elsewhere(t: Turn, event: Event) -> None:
    """ "Skip" where no stretch is under way: what "next" does at this question."""
    answer = t.spec.answers.get(K.NEXT)
    if answer is None or answer(t, replace(event, kind=K.NEXT)) is False:
        t.ask_current()


def explain(t: Turn, _event: Event) -> None:
    """ "How do I do this?": the current stretch in full, then the question again."""
    exercise = t.exercise if t.st.phase.in_exercise or t.st.phase is Phase.AFTER_PAIN else None
    if exercise is None:
        t.say("explain.none")
    else:
        flow.explain(t, exercise)
    t.ask_current()


def tips(t: Turn, _event: Event) -> None:
    """The preparation and safety tips, whenever asked for."""
    flow.say_tips(t, (*t.catalog.preparation, *t.catalog.safety))
    t.ask_current()


def set_cues(t: Turn, event: Event) -> None:
    """ "Fewer cues", "more cues": how much is said during holds, from the next hold on."""
    level = event.cue_level
    if level is None:
        t.say("cues.which")
    else:
        t.update(cues=level.value)
        t.say(f"cues.{level.value}")
        t.effects.append(SaveCueLevel(level))
    t.ask_current()


def pause(t: Turn, _event: Event) -> None:
    if t.st.phase is not Phase.PAUSED:
        t.update(paused_phase=t.st.phase, phase=Phase.PAUSED)
    t.say("pause.ok")
    t.ask_current()


def resume_when_not_paused(t: Turn, _event: Event) -> None:
    t.say("pause.not_paused")
    t.ask_current()


def help_here(t: Turn, _event: Event) -> None:
    t.say(t.spec.help_key)
    t.say("help.anytime")
    t.ask_again()


def set_pacing(t: Turn, event: Event) -> None:
    is_hold = event.kind is K.SET_HOLD
    low, high = HOLD_LIMITS if is_hold else REPS_LIMITS
    value = event.value
    if value is None or not low <= value <= high:
        t.say("settings.hold_invalid" if is_hold else "settings.reps_invalid", low=low, high=high)
    else:
        t.update(**{"hold" if is_hold else "reps": value})
        t.update(**{"hold_set" if is_hold else "reps_set": value})
        _set_levels(t, hold=value if is_hold else None, reps=None if is_hold else value)
        advice = t.catalog.hold_advice if is_hold else t.catalog.repetition_advice
        key = "settings.hold_set" if is_hold else "settings.reps_set"
        t.say(key, value=value, low=advice.min, high=advice.max)
        t.effects.append(SavePreferences(t.st.hold, t.st.reps))
    t.ask_current()


def _set_levels(t: Turn, hold: int | None, reps: int | None) -> None:
    """A hold or repetitions the user set apply to every stretch not yet done today (the one under
    way included), and are recorded as its level: progression goes on from it."""
    done = set(t.st.stretches_done)
    t.update(
        levels=tuple(
            (stretch, hold or was_hold, reps or was_reps) if stretch not in done else level
            for level in t.st.levels
            for stretch, was_hold, was_reps in (level,)
        )
    )


def set_goal(t: Turn, event: Event) -> None:
    """ "I want to stretch three times a week": kept as the weekly goal the welcome and the
    wrap-up measure the week against."""
    low, high = GOAL_LIMITS
    value = event.value
    if value is None or not low <= value <= high:
        t.say("goal.invalid", low=low, high=high)
    else:
        t.say("goal.set", goal=t.plural("unit.times", value))
        t.effects.append(SaveWeeklyGoal(value))
    t.ask_current()


def duration(t: Turn, _event: Event) -> None:
    """How long each routine takes, or what is left of the one under way, as heard."""
    if t.st.area is None:
        parts = {a: t.minutes(estimate.routine_heard_seconds(t, a)) for a in AREAS}
        t.say("duration.choices", **parts)
    else:
        t.say("duration.remaining", duration=t.minutes(estimate.remaining_heard_seconds(t)))
    t.ask_current()


def history(t: Turn, _event: Event) -> None:
    profile = t.profile
    last = profile.last_session if profile else None
    if profile is None or last is None:
        t.say("history.none")
    else:
        ago = (t.ctx.today - last.day).days
        when = (
            t.msg("history.today")
            if ago == 0
            else (t.msg("history.yesterday") if ago == 1 else t.msg("history.days_ago", days=ago))
        )
        known = [s for s in last.stretches if _known(t, s)]
        stretches = flow.names(t, known) if last.stretches else ""
        key = "history.last" if stretches else "history.last_nothing"
        t.say(key, when=when, area=t.area_name(last.area), stretches=stretches)
        sessions = t.plural("unit.sessions", profile.session_count)
        streak = t.plural("unit.days", profile.streak(t.ctx.today))
        t.say("history.totals", sessions=sessions, streak=streak)
    t.ask_current()


def progress(t: Turn, _event: Event) -> None:
    """ "How am I doing?": two sentences, the weeks against the goal and the stretches' levels."""
    progress_summary.say(t)
    t.ask_current()


def reminders_elsewhere(t: Turn, _event: Event) -> None:
    """A reminder asked for where the front end cannot set one (the tutor): how to get one."""
    t.say("reminders.elsewhere")
    t.ask_current()


def aside(t: Turn, _event: Event) -> None:
    """The front end answered the user itself: the question again, in its short form."""
    t.ask_again()


def _known(t: Turn, exercise_id: str) -> bool:
    return any(e.id == exercise_id for e in t.catalog.exercises)


def privacy(t: Turn, _event: Event) -> None:
    """ "What do you keep about me?": what is kept, for how long, and how to delete it."""
    t.say("privacy.summary")
    t.ask_current()


def delete_data(t: Turn, _event: Event) -> None:
    if t.st.phase is not Phase.CONFIRM_DELETE:
        t.update(return_phase=t.st.phase, phase=Phase.CONFIRM_DELETE)
    t.ask_current()


def start_over(t: Turn, _event: Event) -> None:
    if t.st.phase is Phase.NEW or t.st.phase.screening:
        t.ask_current()
        return
    t.update(area=None, exercise=0, side=0, rep=0, chunk_start=None)
    t.update(paused_phase=None, return_phase=None)
    t.say("start_over.ok")
    t.update(phase=Phase.AREA)
    t.ask_current()


def launch(t: Turn, _event: Event) -> None:
    """Opened again in the middle of a conversation: carry on where it was."""
    t.say("welcome.resume")
    t.ask_current()


def not_understood(t: Turn, _event: Event) -> None:
    t.update(misses=t.st.misses + 1)
    t.say("unknown.sorry" if t.st.misses < 3 else "unknown.help")
    t.ask_again()


BEFORE_PHASE: Mapping[EventKind, Answer] = {
    K.STOP: stop,
    K.PAIN: pain,
    K.FEELING: feeling,
    K.CHOOSE_AREA: choose_area,
    K.START: start,
}

AFTER_PHASE: Mapping[EventKind, Answer] = {
    K.REPEAT: repeat,
    K.REDO: redo,
    K.SKIP: skip_elsewhere,
    K.EXPLAIN: explain,
    K.TIPS: tips,
    K.SET_CUES: set_cues,
    K.PAUSE: pause,
    K.RESUME: resume_when_not_paused,
    K.HELP: help_here,
    K.SET_HOLD: set_pacing,
    K.SET_REPS: set_pacing,
    K.SET_GOAL: set_goal,
    K.DURATION: duration,
    K.HISTORY: history,
    K.PROGRESS: progress,
    K.SET_REMINDER: reminders_elsewhere,
    K.LIST_REMINDERS: reminders_elsewhere,
    K.CANCEL_REMINDER: reminders_elsewhere,
    K.ASIDE: aside,
    K.DELETE_DATA: delete_data,
    K.PRIVACY: privacy,
    K.START_OVER: start_over,
    K.LAUNCH: launch,
    K.FEELING: feeling_noted,
    K.UNKNOWN: not_understood,
}
