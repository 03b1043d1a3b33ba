"""The conversation engine: one event in, a reply and the next state out.

No clock, no I/O: the caller passes today's date and the user's profile in a `Context` (or a
function of its own that reads the profile, called only on a turn that needs it), and applies the
reply's effects to its own store. The skill and the tutor are thin adapters around `handle`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from shared import messages
from shared.events import AREAS, Event, EventKind
from shared.exercise_catalog import Exercise, ExerciseCatalog, load_exercise_catalog
from shared.profile import Profile, SessionRecord
from shared.reply import (
    Ask,
    Card,
    Cue,
    DeleteProfile,
    Effect,
    End,
    Hold,
    MarkScreened,
    RecordSession,
    Reply,
    Rest,
    SavePreferences,
    Say,
    Step,
)
from shared.routine import (
    DEFAULT_HOLD_SECONDS,
    DEFAULT_REPS,
    HOLD_LIMITS,
    INTRO_SECONDS,
    REPS_LIMITS,
    Pacing,
    chunk_reps,
    exercise_seconds,
    minutes,
    routine_seconds,
    side_count,
)
from shared.state import load_state, new_state

__all__ = ["Context", "handle", "routine_seconds", "session_record"]

K = EventKind
EXERCISE_PHASES = ("intro", "holding", "checkin")


@dataclass(frozen=True, slots=True)
class Context:
    """What the engine needs from outside for one turn."""

    today: date
    profile: Profile | None = None
    # Timed seconds (holds and rests) allowed in one reply: None = a whole side's set per reply,
    # 0 = one repetition per reply (a timed front end that reports progress after each hold).
    max_chunk_seconds: int | None = None
    locale: str = "en-US"
    # For a caller whose profile costs a database read: called at most once a turn, and only on
    # a turn that uses the profile (most turns of a routine don't); `profile` is then unused.
    load_profile: Callable[[], Profile | None] | None = None


class _ProfileOnFirstUse:
    """The context's profile, read when a turn first needs it and kept for the rest of it."""

    def __init__(self, context: Context) -> None:
        self._load = context.load_profile
        self._profile = context.profile

    def __call__(self) -> Profile | None:
        if self._load is not None:
            self._profile, self._load = self._load(), None
        return self._profile


class _Turn:
    """Builds one reply: collects steps and effects while mutating a copy of the state."""

    def __init__(
        self,
        state: dict[str, Any],
        context: Context,
        catalog: ExerciseCatalog,
        stored_profile: Callable[[], Profile | None],
    ) -> None:
        self.st = state
        self.ctx = context
        self.catalog = catalog
        self.stored_profile = stored_profile
        self.steps: list[Step] = []
        self.effects: list[Effect] = []
        self.card: Card | None = None

    # -- output helpers -------------------------------------------------------------------------

    def msg(self, key: str, **params: Any) -> str:
        return messages.text(key, self.ctx.locale, **params)

    def say(self, key: str, **params: Any) -> None:
        self.steps.append(Say(key, self.msg(key, **params)))

    def say_text(self, key: str, text: str) -> None:
        self.steps.append(Say(key, text))

    def ask(self, key: str, reprompt_key: str, kind: str = "question", **params: Any) -> None:
        text, reprompt = self.msg(key, **params), self.msg(reprompt_key, **params)
        self.steps.append(Ask(key, text, reprompt, kind))  # type: ignore[arg-type]

    def end(self, key: str, **params: Any) -> None:
        self.st["phase"] = "done"
        self.steps.append(End(key, self.msg(key, **params)))

    def plural(self, key: str, n: int) -> str:
        return self.msg(f"{key}.one" if n == 1 else f"{key}.many", n=n)

    def minutes(self, seconds: int) -> str:
        return self.plural("unit.minutes", minutes(seconds))

    def reply(self) -> Reply:
        return Reply(tuple(self.steps), self.st, tuple(self.effects), self.card)

    # -- derived facts ----------------------------------------------------------------------------

    @property
    def pacing(self) -> Pacing:
        return Pacing(hold_seconds=self.st["hold"], reps=self.st["reps"])

    @property
    def profile(self) -> Profile | None:
        return None if self.st["profile_deleted"] else self.stored_profile()

    @property
    def routine(self) -> tuple[Exercise, ...]:
        area = self.st["area"]
        return self.catalog.for_area(area) if area else ()

    @property
    def exercise(self) -> Exercise | None:
        routine, index = self.routine, self.st["exercise"]
        return routine[index] if index < len(routine) else None

    def area_name(self, area: str) -> str:
        return self.msg(f"area.name.{area}")

    def record(self, completed: bool) -> SessionRecord | None:
        return _record(self.st, self.ctx, completed)

    def save_record(self, completed: bool) -> None:
        record = self.record(completed)
        if record is not None:
            self.effects.append(RecordSession(record))


# -- asking the current question (help, repeat, settings and unknown input all come back here) ----


def _ask_current(t: _Turn) -> None:
    phase = t.st["phase"]
    if phase == "screen":
        t.ask("screen.question", "screen.reprompt")
    elif phase == "offer_usual":
        usual = t.profile.usual_area if t.profile else None
        t.ask("usual.question", "usual.reprompt", area=t.area_name(usual or "both"))
    elif phase == "area":
        t.ask("area.question", "area.reprompt")
    elif phase == "tips":
        t.ask("tips.question", "tips.reprompt")
    elif phase == "intro":
        t.ask("intro.ready", "intro.ready_reprompt")
    elif phase == "holding":
        _ask_continue(t)
    elif phase == "checkin":
        t.ask("checkin.question", "checkin.reprompt")
    elif phase == "after_pain":
        t.ask("pain.offer_next", "pain.offer_next_reprompt", name=_name_of(t, t.st["exercise"]))
    elif phase == "confirm_delete":
        t.ask("delete.confirm", "delete.confirm_reprompt")
    elif phase == "paused":
        t.ask("pause.prompt", "pause.reprompt")
    else:
        _welcome(t)


def _ask_continue(t: _Turn) -> None:
    exercise = t.exercise
    if exercise is not None and t.st["rep"] == 0 and t.st["side"] > 0:
        label = exercise.sides[t.st["side"]].label
        t.ask("continue.side", "continue.side_reprompt", kind="continue", side=label)
    else:
        t.ask("continue.more", "continue.more_reprompt", kind="continue")


def _name_of(t: _Turn, index: int) -> str:
    routine = t.routine
    return routine[index].name if index < len(routine) else ""


# -- the flow -------------------------------------------------------------------------------------


def _welcome(t: _Turn) -> None:
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
    if not t.st["screened"] and (profile is None or profile.needs_screening(t.ctx.today)):
        t.st["phase"] = "screen"
        t.say("screen.intro")
        _ask_current(t)
    else:
        t.st["screened"] = True
        _after_screen(t)


def _after_screen(t: _Turn) -> None:
    pending = t.st["pending_area"]
    usual = t.profile.usual_area if t.profile else None
    if pending:
        _choose_area(t, pending)
    elif usual:
        t.st["phase"] = "offer_usual"
        _ask_current(t)
    else:
        t.st["phase"] = "area"
        _ask_current(t)


def _choose_area(t: _Turn, area: str) -> None:
    st = t.st
    st.update(area=area, pending_area=None, exercise=0, side=0, rep=0, chunk_start=None)
    routine = t.routine
    total = routine_seconds(routine, t.pacing)
    t.say("area.chosen", area=t.area_name(area), count=len(routine), duration=t.minutes(total))
    new_user = not (t.profile and t.profile.is_returning)
    if new_user:
        st["phase"] = "tips"
        _ask_current(t)
    else:
        _intro(t)


def _tips(t: _Turn) -> None:
    t.say_text("advice.whole_back", t.catalog.whole_back)
    for tip in (*t.catalog.preparation, *t.catalog.safety):
        t.say_text(f"tip.{tip.id}", tip.text)
    _intro(t)


def _intro(t: _Turn) -> None:
    exercise = t.exercise
    if exercise is None:
        _wrap_up(t)
        return
    t.st.update(phase="intro", side=0, rep=0, chunk_start=None)
    total = len(t.routine)
    t.say("intro.exercise", number=t.st["exercise"] + 1, total=total, name=exercise.name)
    t.say_text(f"exercise.{exercise.id}.position", exercise.position)
    for i, line in enumerate(exercise.instructions):
        t.say_text(f"exercise.{exercise.id}.instruction.{i}", line)
    t.say_text(f"exercise.{exercise.id}.feel", exercise.feel)
    if exercise.per_side:
        first, second = exercise.sides
        t.say("intro.sides", first=first.label, second=second.label)
    t.say("intro.pacing", seconds=t.st["hold"], reps=t.st["reps"])
    t.card = _card(t, exercise)
    _ask_current(t)


def _card(t: _Turn, exercise: Exercise) -> Card:
    lines = [exercise.position, *exercise.instructions, exercise.feel]
    lines.append(t.msg("card.pacing", seconds=t.st["hold"], reps=t.st["reps"]))
    return Card(exercise.name.capitalize(), "\n".join(lines))


def _cues(t: _Turn, exercise: Exercise, seconds: int, rep: int) -> tuple[Cue, ...]:
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


def _play_chunk(t: _Turn) -> None:
    """Emit the next repetitions of the current side and move the position past them."""
    st, exercise = t.st, t.exercise
    if exercise is None:
        _wrap_up(t)
        return
    if st["rep"] >= st["reps"]:  # repetitions were lowered mid-set
        _finish_side(t)
        return
    st["phase"] = "holding"
    st["chunk_start"] = [st["side"], st["rep"]]
    side = exercise.sides[st["side"]] if exercise.per_side else None
    if st["rep"] == 0 and st["side"] > 0 and side is not None:
        switch = t.msg("rest.switch", side=side.label)
        t.steps.append(Rest(t.pacing.switch_seconds, "switch_sides", "rest.switch", switch))
    if st["rep"] == 0 and side is not None:
        t.say_text(f"exercise.{exercise.id}.side.{side.id}", side.instruction)
    pacing = t.pacing
    for rep in chunk_reps(st["rep"], pacing, t.ctx.max_chunk_seconds):
        t.steps.append(
            Hold(
                exercise.id,
                exercise.name,
                pacing.hold_seconds,
                rep + 1,
                pacing.reps,
                side.id if side else None,  # type: ignore[arg-type]
                side.label if side else None,
                _cues(t, exercise, pacing.hold_seconds, rep),
            )
        )
        if rep < pacing.reps - 1:
            rest = t.msg("rest.between")
            t.steps.append(Rest(pacing.rest_seconds, "between_reps", "rest.between", rest))
        st["rep"] = rep + 1
    if st["rep"] >= st["reps"]:
        _finish_side(t)
    else:
        _ask_continue(t)


def _finish_side(t: _Turn) -> None:
    st, exercise = t.st, t.exercise
    assert exercise is not None
    if st["side"] + 1 < side_count(exercise):
        st.update(side=st["side"] + 1, rep=0, phase="holding")
        _ask_continue(t)
        return
    if exercise.id not in st["done"]:
        st["done"].append(exercise.id)
    st["phase"] = "checkin"
    t.say("hold.exercise_done", name=exercise.name)
    _ask_current(t)


def _next_exercise(t: _Turn, *, skipped: bool) -> None:
    exercise = t.exercise
    if skipped and exercise is not None and exercise.id not in (*t.st["done"], *t.st["skipped"]):
        t.st["skipped"].append(exercise.id)
        t.say("skip.ok", name=exercise.name)
    t.st["exercise"] += 1
    _intro(t)


def _wrap_up(t: _Turn) -> None:
    done = t.st["done"]
    if done:
        names = _names(t, done)
        t.say("wrap.done", count=len(done), names=names)
    else:
        t.say("wrap.none")
    t.say_text("advice.encouragement", t.catalog.encouragement)
    t.save_record(completed=bool(done))
    t.end("wrap.goodbye")


def _names(t: _Turn, exercise_ids: list[str]) -> str:
    names = [t.catalog.exercise(i).name for i in exercise_ids]
    if len(names) == 1:
        return names[0]
    return t.msg("list.and", items=", ".join(names[:-1]), last=names[-1])


def _stop(t: _Turn) -> None:
    if t.st["done"]:
        t.say("stop.summary", names=_names(t, t.st["done"]))
        t.say_text("advice.encouragement", t.catalog.encouragement)
    t.save_record(completed=False)
    t.end("stop.goodbye")


def _pain(t: _Turn) -> None:
    st = t.st
    if st["phase"] == "paused":
        st["phase"] = st["paused_phase"] or "area"
    st["pains"] += 1
    if st["pains"] >= 2:
        t.say("pain.second")
        t.save_record(completed=False)
        t.end("pain.goodbye")
        return
    exercise = t.exercise if st["phase"] in (*EXERCISE_PHASES, "after_pain") else None
    if exercise is None:
        t.say("pain.general")
        _ask_current(t)
        return
    t.say("pain.first", name=exercise.name)
    if exercise.id not in (*st["done"], *st["skipped"]):
        st["skipped"].append(exercise.id)
    st["exercise"] += 1
    if t.exercise is None:
        _wrap_up(t)
        return
    st["phase"] = "after_pain"
    _ask_current(t)


# -- per-phase answers ----------------------------------------------------------------------------


def _answer_screen(t: _Turn, event: Event) -> bool:
    if event.kind is K.YES:
        t.say("screen.warning")
        t.say_text("notice", t.catalog.notice)
        t.end("screen.goodbye")
    elif event.kind is K.NO:
        t.st["screened"] = True
        t.effects.append(MarkScreened())
        t.say("screen.clear")
        _after_screen(t)
    elif event.kind in (K.START, K.CHOOSE_AREA) and event.area:
        t.st["pending_area"] = event.area
        t.say("screen.first")
        _ask_current(t)
    elif event.kind is K.NEXT:
        t.say("screen.required")
        _ask_current(t)
    else:
        return False
    return True


def _answer_offer_usual(t: _Turn, event: Event) -> bool:
    usual = t.profile.usual_area if t.profile else None
    if event.kind in (K.YES, K.CONTINUE) and usual:
        _choose_area(t, usual)
    elif event.kind in (K.NO, K.NEXT):
        t.st["phase"] = "area"
        _ask_current(t)
    else:
        return False
    return True


def _answer_tips(t: _Turn, event: Event) -> bool:
    if event.kind is K.YES:
        _tips(t)
    elif event.kind in (K.NO, K.NEXT, K.CONTINUE):
        t.say("tips.skipped")
        _intro(t)
    else:
        return False
    return True


def _answer_stretching(t: _Turn, event: Event) -> bool:
    """Before a set (intro) and between sets (holding): go on, take time, or skip the stretch."""
    if event.kind in (K.YES, K.CONTINUE, K.RESUME):
        _play_chunk(t)
    elif event.kind is K.NO:
        t.say(f"{t.st['phase']}.take_time")
        _ask_current(t)
    elif event.kind is K.NEXT:
        _next_exercise(t, skipped=True)
    else:
        return False
    return True


def _answer_checkin(t: _Turn, event: Event) -> bool:
    if event.kind in (K.YES, K.NO, K.CONTINUE, K.NEXT, K.UNKNOWN, K.RESUME):
        t.say("checkin.thanks")
        _next_exercise(t, skipped=False)
        return True
    return False


def _answer_after_pain(t: _Turn, event: Event) -> bool:
    if event.kind in (K.YES, K.CONTINUE, K.NEXT, K.RESUME):
        _intro(t)
    elif event.kind is K.NO:
        _wrap_up(t)
    else:
        return False
    return True


def _answer_confirm_delete(t: _Turn, event: Event) -> bool:
    if event.kind not in (K.YES, K.NO):
        return False
    if event.kind is K.YES:
        t.effects.append(DeleteProfile())
        t.st["profile_deleted"] = True
        t.say("delete.done")
    else:
        t.say("delete.kept")
    t.st["phase"], t.st["return_phase"] = t.st["return_phase"] or "area", None
    _ask_current(t)
    return True


def _answer_paused(t: _Turn, event: Event) -> bool:
    if event.kind not in (K.RESUME, K.CONTINUE, K.YES):
        return False
    t.st["phase"], t.st["paused_phase"] = t.st["paused_phase"] or "area", None
    t.say("pause.resumed")
    if t.st["phase"] == "holding":
        _play_chunk(t)
    else:
        _ask_current(t)
    return True


def _answer_area(t: _Turn, event: Event) -> bool:
    if event.kind in (K.YES, K.NO, K.CONTINUE):
        t.say("area.which")
        _ask_current(t)
        return True
    return False


_PHASE_ANSWERS: dict[str, Callable[[_Turn, Event], bool]] = {
    "screen": _answer_screen,
    "offer_usual": _answer_offer_usual,
    "area": _answer_area,
    "tips": _answer_tips,
    "intro": _answer_stretching,
    "holding": _answer_stretching,
    "checkin": _answer_checkin,
    "after_pain": _answer_after_pain,
    "confirm_delete": _answer_confirm_delete,
    "paused": _answer_paused,
}


# -- events that work at every step ---------------------------------------------------------------


def _start(t: _Turn, event: Event) -> None:
    st = t.st
    if event.area:
        st["pending_area"] = event.area
    if st["phase"] == "new":
        _welcome(t)
    elif st["phase"] == "screen":
        _answer_screen(t, event) if event.area else _ask_current(t)
    elif event.area:
        st["paused_phase"] = None
        _choose_area(t, event.area)
    else:
        _ask_current(t)


def _repeat(t: _Turn) -> None:
    st = t.st
    if st["phase"] == "intro":
        _intro(t)
    elif st["phase"] in ("holding", "checkin") and st["chunk_start"] is not None:
        exercise = t.exercise  # a set that just finished the stretch is done again
        if st["phase"] == "checkin" and exercise is not None and exercise.id in st["done"]:
            st["done"].remove(exercise.id)
        st["side"], st["rep"] = st["chunk_start"]
        _play_chunk(t)
    else:
        _ask_current(t)


def _pause(t: _Turn) -> None:
    if t.st["phase"] != "paused":
        t.st["paused_phase"], t.st["phase"] = t.st["phase"], "paused"
    t.say("pause.ok")
    _ask_current(t)


def _resume_when_not_paused(t: _Turn) -> None:
    t.say("pause.not_paused")
    _ask_current(t)


def _help(t: _Turn) -> None:
    key = f"help.{t.st['phase']}"
    t.say(key if messages.has(key, t.ctx.locale) else "help.general")
    t.say("help.anytime")
    _ask_current(t)


def _set_pacing(t: _Turn, event: Event) -> None:
    is_hold = event.kind is K.SET_HOLD
    low, high = HOLD_LIMITS if is_hold else REPS_LIMITS
    value = event.value
    if value is None or not low <= value <= high:
        t.say("settings.hold_invalid" if is_hold else "settings.reps_invalid", low=low, high=high)
    else:
        t.st["hold" if is_hold else "reps"] = value
        advice = t.catalog.hold_advice if is_hold else t.catalog.repetition_advice
        key = "settings.hold_set" if is_hold else "settings.reps_set"
        t.say(key, value=value, low=advice.min, high=advice.max)
        t.effects.append(SavePreferences(t.st["hold"], t.st["reps"]))
    _ask_current(t)


def _duration(t: _Turn) -> None:
    st = t.st
    if st["area"] is None:
        pacing = t.pacing
        parts = {a: t.minutes(routine_seconds(t.catalog.for_area(a), pacing)) for a in AREAS}
        t.say("duration.choices", **parts)
    else:
        t.say("duration.remaining", duration=t.minutes(_remaining_seconds(t)))
    _ask_current(t)


def _remaining_seconds(t: _Turn) -> int:
    st, routine, pacing = t.st, t.routine, t.pacing
    total = 0
    for index in range(st["exercise"], len(routine)):
        exercise = routine[index]
        if index == st["exercise"] and st["phase"] in ("holding",):
            total += exercise_seconds(exercise, pacing, from_side=st["side"], from_rep=st["rep"])
        elif index == st["exercise"] and st["phase"] == "checkin":
            continue
        else:
            total += exercise_seconds(exercise, pacing) + INTRO_SECONDS
    return total


def _history(t: _Turn) -> None:
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
        stretches = _names(t, [s for s in last.stretches if _known(t, s)]) if last.stretches else ""
        key = "history.last" if stretches else "history.last_nothing"
        t.say(key, when=when, area=t.area_name(last.area), stretches=stretches)
        sessions = t.plural("unit.sessions", len(profile.sessions))
        streak = t.plural("unit.days", profile.streak(t.ctx.today))
        t.say("history.totals", sessions=sessions, streak=streak)
    _ask_current(t)


def _known(t: _Turn, exercise_id: str) -> bool:
    return any(e.id == exercise_id for e in t.catalog.exercises)


def _delete(t: _Turn) -> None:
    if t.st["phase"] != "confirm_delete":
        t.st["return_phase"], t.st["phase"] = t.st["phase"], "confirm_delete"
    _ask_current(t)


def _start_over(t: _Turn) -> None:
    st = t.st
    if st["phase"] in ("new", "screen"):
        _ask_current(t) if st["phase"] == "screen" else _welcome(t)
        return
    st.update(area=None, exercise=0, side=0, rep=0, chunk_start=None)
    st.update(paused_phase=None, return_phase=None)
    t.say("start_over.ok")
    st["phase"] = "area"
    _ask_current(t)


def _unknown(t: _Turn) -> None:
    st = t.st
    st["misses"] += 1
    t.say("unknown.sorry" if st["misses"] < 3 else "unknown.help")
    _ask_current(t)


def _dispatch(t: _Turn, event: Event) -> None:
    if event.area is not None and event.area not in AREAS:
        event = replace(event, area=None)  # an area we don't coach is as good as none
    kind, phase = event.kind, t.st["phase"]
    if kind is not K.UNKNOWN:
        t.st["misses"] = 0
    if phase == "new" and kind not in (K.STOP, K.START, K.CHOOSE_AREA):
        _welcome(t)
    elif kind is K.STOP:
        _stop(t)
    elif kind is K.PAIN:
        _pain(t)
    elif kind is K.CHOOSE_AREA and event.area and phase in ("area", "offer_usual"):
        _choose_area(t, event.area)
    elif kind in (K.START, K.CHOOSE_AREA):
        _start(t, event)
    elif _PHASE_ANSWERS.get(phase, lambda _t, _e: False)(t, event):
        pass
    elif kind is K.REPEAT:
        _repeat(t)
    elif kind is K.PAUSE:
        _pause(t)
    elif kind is K.RESUME:
        _resume_when_not_paused(t)
    elif kind is K.HELP:
        _help(t)
    elif kind in (K.SET_HOLD, K.SET_REPS):
        _set_pacing(t, event)
    elif kind is K.DURATION:
        _duration(t)
    elif kind is K.HISTORY:
        _history(t)
    elif kind is K.DELETE_DATA:
        _delete(t)
    elif kind is K.START_OVER:
        _start_over(t)
    elif kind is K.LAUNCH:
        t.say("welcome.resume")
        _ask_current(t)
    else:
        _unknown(t)


def _initial_state(profile: Profile | None) -> dict[str, Any]:
    hold = profile.hold_seconds if profile and profile.hold_seconds else DEFAULT_HOLD_SECONDS
    reps = profile.reps if profile and profile.reps else DEFAULT_REPS
    hold = hold if HOLD_LIMITS[0] <= hold <= HOLD_LIMITS[1] else DEFAULT_HOLD_SECONDS
    reps = reps if REPS_LIMITS[0] <= reps <= REPS_LIMITS[1] else DEFAULT_REPS
    return new_state(hold, reps)


def handle(state: Mapping[str, Any] | None, event: Event, context: Context) -> Reply:
    """Answer one event. A missing, finished, unknown or corrupt state starts a new conversation
    (a corrupt one with an apology), so whatever arrives, the user gets a sensible reply."""
    catalog = load_exercise_catalog()
    loaded = load_state(state, len(catalog.exercises)) if state is not None else None
    restarted = state is not None and loaded is None
    stored_profile = _ProfileOnFirstUse(context)
    if loaded is None or loaded["phase"] == "done":
        loaded = _initial_state(stored_profile())
    turn = _Turn(loaded, context, catalog, stored_profile)
    if restarted:
        turn.say("state.restart")
    _dispatch(turn, event)
    return turn.reply()


def _record(state: Mapping[str, Any], context: Context, completed: bool) -> SessionRecord | None:
    if not state.get("area") or not (state.get("done") or state.get("pains")):
        return None
    return SessionRecord(
        day=context.today,
        area=state["area"],
        stretches=tuple(state["done"]),
        pain_reports=state["pains"],
        completed=completed,
    )


def session_record(state: Mapping[str, Any] | None, context: Context) -> SessionRecord | None:
    """What to save when a conversation is cut short (Ctrl-C, a session that timed out): None when
    nothing was done yet or the conversation already ended (its End saved the record)."""
    loaded = (
        load_state(state, len(load_exercise_catalog().exercises)) if state is not None else None
    )
    if loaded is None or loaded["phase"] == "done":
        return None
    return _record(loaded, context, completed=False)
