"""The coaching flow: welcome, screen, routine, each stretch's sets, check-in and wrap-up.

Each function moves the turn's state on and says what happened; whatever comes next is asked
through `Turn.ask_current`, so the question always matches the phase the state is left in.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.engine import estimate, progression, weeks
from shared.engine.phase import Phase
from shared.engine.turn import Turn
from shared.events import Feeling
from shared.exercise_catalog import Exercise, Tip
from shared.profile import STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM, SessionRecord
from shared.reply import Card, ClearScreening, MarkScreened

# The area that is left when one is left out today (nothing is left of "both").
OTHER_AREA = {"neck": "lower_back", "lower_back": "neck"}


def welcome(t: Turn) -> None:
    profile = t.profile
    if profile and profile.is_returning:
        streak = profile.streak(t.ctx.today)
        if streak >= 2:
            t.say("welcome.streak", days=streak)
        else:
            t.say("welcome.back")
        week_so_far(t)
    else:
        t.say("welcome.new")
        t.say_text("notice", t.catalog.notice)
    begin(t)


def begin(t: Turn) -> None:
    """After the greeting: last time's pain first, then the safety screen, then the routine."""
    if not t.st.memory_asked and last_pain(t) is not None:
        t.update(memory_asked=True, phase=Phase.PAIN_MEMORY)
        t.ask_current()
        return
    t.update(memory_asked=True)
    screen_or_routine(t)


def last_pain(t: Turn) -> SessionRecord | None:
    """The last session, if pain was reported in it: the next visit asks about it."""
    last = t.profile.last_session if t.profile else None
    return last if last is not None and last.pain_reports > 0 else None


def screen_or_routine(t: Turn) -> None:
    profile = t.profile
    if not t.st.screened and (profile is None or profile.needs_screening(t.ctx.today)):
        t.update(phase=Phase.SCREEN)
        t.say("screen.intro")
        t.ask_current()
    else:
        t.update(screened=True)
        after_screen(t)


def screen_cleared(t: Turn) -> None:
    t.update(screened=True, neck_screen_due=True)
    t.effects.append(MarkScreened())
    t.say("screen.clear")
    after_screen(t)


def warning_sign(t: Turn, advice_key: str) -> None:
    """A warning sign ends today's session; the next visit screens again."""
    t.say(advice_key)
    t.effects.append(ClearScreening())
    t.end("screen.goodbye")


def leave_out(t: Turn, area: str) -> None:
    """Leave `area` out today and offer the other one, or finish."""
    other = OTHER_AREA.get(area)
    t.update(blocked_area=area, offer_area=other)
    if other is None:
        t.end("memory.goodbye")
        return
    t.update(phase=Phase.OFFER_OTHER)
    t.ask_current()


def after_screen(t: Turn) -> None:
    pending = t.st.pending_area
    usual = t.profile.usual_area if t.profile else None
    if pending:
        choose_area(t, pending)
    else:
        t.update(phase=Phase.OFFER_USUAL if usual else Phase.AREA)
        t.ask_current()


def touches_blocked_area(t: Turn, area: str) -> bool:
    """Whether `area` includes the one left out today; if so, the user is told."""
    blocked = t.st.blocked_area
    if blocked is None or area not in (blocked, "both"):
        return False
    t.say("blocked.area", area=t.area_name(blocked))
    return True


def choose_area(t: Turn, area: str) -> None:
    if touches_blocked_area(t, area):
        other = OTHER_AREA.get(t.st.blocked_area or "both")
        if other is None or area == t.st.blocked_area:
            t.ask_current()
            return
        area = other  # "both" with one left out: the other one
    t.update(area=area, pending_area=None, exercise=0, side=0, rep=0, chunk_start=None)
    routine = t.routine
    levels, notes = plan_levels(t, routine)
    t.update(stretches_known=_known_stretches(t, routine), levels=levels, level_notes=notes)
    _note_week(t)
    total = estimate.routine_heard_seconds(t, area)
    t.say("area.chosen", area=t.area_name(area), count=len(routine), duration=t.minutes(total))
    neck_screen_or_routine(t)


def neck_screen_or_routine(t: Turn) -> None:
    """The neck part of the screen comes first when it is due and the routine has neck work."""
    if t.st.neck_screen_due and any(e.area == "neck" for e in t.routine):
        t.update(phase=Phase.SCREEN_NECK)
        t.ask_current()
        return
    start_routine(t)


def start_routine(t: Turn) -> None:
    """The chosen routine begins: tips for a new user, else the first stretch."""
    new_user = not (t.profile and t.profile.is_returning)
    if new_user:
        t.update(phase=Phase.TIPS)
        t.ask_current()
    else:
        intro(t)


def tips(t: Turn) -> None:
    """The first of the tips' two short turns: the whole back, clothes and space."""
    t.say_text("advice.whole_back", t.catalog.whole_back)
    say_tips(t, t.catalog.preparation)
    t.update(phase=Phase.TIPS_MORE)
    t.ask_current()


def safety_tips(t: Turn) -> None:
    """The second: how every stretch is done safely; then the first stretch."""
    say_tips(t, t.catalog.safety)
    intro(t)


def say_tips(t: Turn, tips: Sequence[Tip]) -> None:
    for tip in tips:
        t.say_text(f"tip.{tip.id}", tip.text)


def _past_skipped(t: Turn) -> None:
    """Move past stretches already left out (a deeper one after its shallower one hurt)."""
    while t.exercise is not None and t.exercise.id in t.st.stretches_skipped:
        t.update(exercise=t.st.exercise + 1)


def intro(t: Turn) -> None:
    _past_skipped(t)
    exercise = t.exercise
    if exercise is None:
        wrap_up(t)
        return
    t.update(phase=Phase.INTRO, side=0, rep=0, chunk_start=None, part_unconfirmed=False)
    _take_level(t, exercise)
    number, total = t.st.exercise + 1, len(t.routine)
    if done_before(t, exercise):
        first = exercise.sides[0].label if exercise.per_side else None
        key = "intro.short_sides" if first else "intro.short"
        t.say(key, number=number, total=total, name=exercise.name, first=first)
        _say_level_change(t, exercise)
    else:
        t.say("intro.exercise", number=number, total=total, name=exercise.name)
        _say_level_change(t, exercise)
        explain(t, exercise)
    t.card = _card(t, exercise)
    t.ask_current()


def plan_levels(
    t: Turn, routine: Sequence[Exercise]
) -> tuple[tuple[tuple[str, int, int], ...], tuple[tuple[str, str], ...]]:
    """Each stretch of the routine at today's level (progression from the profile's history,
    a hold or repetitions the user set in this conversation taking precedence), and why the
    levels that moved since last time did so."""
    progress = progression.progress_for(t.profile, [e.id for e in routine])
    levels, notes = [], []
    for exercise in routine:
        found = progress[exercise.id]
        hold = t.st.hold_set or found.level.hold
        reps = t.st.reps_set or found.level.reps
        levels.append((exercise.id, hold, reps))
        if found.change is not None:
            notes.append((exercise.id, found.change.value))
    return tuple(levels), tuple(notes)


def _take_level(t: Turn, exercise: Exercise) -> None:
    """The stretch's sets are played at its own level."""
    for stretch, hold, reps in t.st.levels:
        if stretch == exercise.id:
            t.update(hold=hold, reps=reps)
            return


_HOLD_CHANGES = frozenset({progression.Change.UP_HOLD, progression.Change.DOWN_HOLD})


def _say_level_change(t: Turn, exercise: Exercise) -> None:
    """Why the stretch's level moved since last time, once; not when the user has set that part
    of the pacing in this conversation (their choice is what is played)."""
    note = next((c for s, c in t.st.level_notes if s == exercise.id), None)
    if note is None:
        return
    t.update(level_notes=tuple(n for n in t.st.level_notes if n[0] != exercise.id))
    change = progression.Change(note)
    user_set = t.st.hold_set if change in _HOLD_CHANGES else t.st.reps_set
    if user_set is None:
        t.say(f"progress.{change.value}", name=exercise.name, seconds=t.st.hold, reps=t.st.reps)


def done_before(t: Turn, exercise: Exercise) -> bool:
    """A returning user who has done this stretch before hears its one-line introduction."""
    return exercise.id in t.st.stretches_known


def _known_stretches(t: Turn, routine: Sequence[Exercise]) -> tuple[str, ...]:
    """The routine's stretches done in any past session (read when the routine is chosen, so
    the routine itself never reads the profile). The latest sessions are looked at first, and
    the walk ends once all of them are found: a returning user's were usually done lately, and
    a year of daily use is 400 sessions (#16)."""
    wanted = {e.id for e in routine}
    done: set[str] = set()
    for session in reversed(t.profile.sessions if t.profile else ()):
        done.update(wanted.intersection(session.stretches))
        if done == wanted:
            break
    return tuple(e.id for e in routine if e.id in done)


def explain(t: Turn, exercise: Exercise) -> None:
    """A stretch's full instructions: position, steps, what to feel, sides and pacing."""
    t.say_text(f"exercise.{exercise.id}.position", exercise.position)
    for i, line in enumerate(exercise.instructions):
        t.say_text(f"exercise.{exercise.id}.instruction.{i}", line)
    t.say_text(f"exercise.{exercise.id}.feel", exercise.feel)
    if exercise.per_side:
        t.say("intro.sides", first=exercise.sides[0].label)
    t.say("intro.pacing", seconds=t.st.hold, reps=t.st.reps)
    if not any(getattr(step, "key", None) == "tip.no_bounce" for step in t.steps):  # once a turn
        t.say("intro.gently")


def _card(t: Turn, exercise: Exercise) -> Card:
    lines = [exercise.position, *exercise.instructions, exercise.feel]
    lines.append(t.msg("card.pacing", seconds=t.st.hold, reps=t.st.reps))
    return Card(exercise.name.capitalize(), "\n".join(lines))


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
        week_with_today(t)
    else:
        t.say("wrap.none")
    t.say_text("advice.encouragement", t.catalog.encouragement)
    t.save_record(completed=bool(done))
    t.end("wrap.goodbye")


def week_so_far(t: Turn) -> None:
    """At the welcome: where this week stands against the user's goal, if they set one."""
    goal = t.profile.weekly_goal if t.profile else None
    if goal is None:
        return
    done = weeks.days_this_week(t.profile, t.ctx.today)
    times = t.plural("unit.times", goal)
    if done >= goal:
        t.say("goal.week_reached", goal=times, sessions=t.plural("unit.sessions", done))
    elif done:
        t.say("goal.week_some", done=done, goal=goal)
    else:
        t.say("goal.week_none", goal=times)


def _note_week(t: Turn) -> None:
    """Kept when the routine is chosen, for the wrap-up: the goal, and this week's days with
    today's counted (the routine's own turns never read the profile)."""
    profile, today = t.profile, t.ctx.today
    if profile is None or profile.weekly_goal is None:
        t.update(weekly_goal=None, week_days=0)
        return
    counted = any(s.day == today and s.stretches for s in profile.sessions)
    days = weeks.days_this_week(profile, today) + (0 if counted else 1)
    t.update(weekly_goal=profile.weekly_goal, week_days=days)


def week_with_today(t: Turn) -> None:
    """At the wrap-up of a session that did a stretch: the week, today included."""
    goal, done = t.st.weekly_goal, t.st.week_days
    if goal is None or t.st.profile_deleted:
        return
    if done >= goal:
        times = t.plural("unit.times", goal)
        t.say("goal.wrap_reached", goal=times, sessions=t.plural("unit.sessions", done))
    else:
        t.say("goal.wrap_some", done=done, goal=goal)


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
    elif t.st.area:
        t.say("stop.nothing_done")
    t.save_record(completed=False)
    t.end("stop.goodbye")


def pain(t: Turn) -> None:
    if t.st.phase is Phase.PAUSED:
        t.update(phase=t.st.paused_phase or Phase.AREA)
    in_stretch = t.st.phase.in_exercise or t.st.phase is Phase.AFTER_PAIN
    exercise = t.exercise if in_stretch else None
    t.update(pains=t.st.pains + 1)
    if exercise is not None:
        t.update(pain_stretch=exercise.id)
        if (exercise.id, Feeling.PAINFUL.value) not in t.st.feelings:
            record_feeling(t, Feeling.PAINFUL)  # progression steps it back (and history says so)
    if t.st.pains >= 2:
        t.say("pain.second")
        t.effects.append(ClearScreening())
        t.save_record(completed=False, stopped_for=STOPPED_FOR_PAIN)
        t.end("pain.goodbye")
        return
    if exercise is None:
        t.say("pain.general")
        t.ask_current()
        return
    started = t.st.phase is not Phase.INTRO
    t.say("pain.first" if started else "pain.before_start", name=exercise.name)
    _leave_out_stretch(t, exercise)
    for deeper in t.routine:
        if deeper.deepens == exercise.id and deeper.id not in t.st.stretches_done:
            _leave_out_stretch(t, deeper)
            t.say("pain.deeper_skipped", name=deeper.name)
    t.update(exercise=t.st.exercise + 1)
    _past_skipped(t)
    if t.exercise is None:
        wrap_up(t)
        return
    t.update(phase=Phase.AFTER_PAIN)
    t.ask_current()


def _leave_out_stretch(t: Turn, exercise: Exercise) -> None:
    if exercise.id not in (*t.st.stretches_done, *t.st.stretches_skipped):
        t.update(stretches_skipped=(*t.st.stretches_skipped, exercise.id))


def symptom(t: Turn, feeling: Feeling) -> None:
    """Numbness, tingling, shooting pain, weakness or dizziness: stop at once, see a clinician."""
    exercise = t.exercise if t.st.phase.in_exercise else None
    if exercise is not None:
        record_feeling(t, feeling)
    t.say("symptom.stop")
    neck_work = t.st.area in ("neck", "both") or (exercise is not None and exercise.area == "neck")
    if feeling is Feeling.SHOOTING and neck_work:
        t.say("symptom.neck_shock")
    t.effects.append(ClearScreening())
    t.save_record(completed=False, stopped_for=STOPPED_FOR_SYMPTOM)
    t.end("symptom.goodbye")


def record_feeling(t: Turn, feeling: Feeling) -> None:
    exercise = t.exercise
    if exercise is not None:
        t.update(feelings=(*t.st.feelings, (exercise.id, feeling.value)))
