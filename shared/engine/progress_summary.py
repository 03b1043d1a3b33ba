""" "How am I doing?": the same as `backstretch-tutor history` shows, in two sentences: the days
stretched this week (against the goal) and over four weeks, then how far the stretches moved."""

from __future__ import annotations

from shared.engine import progression, weeks
from shared.engine.turn import Turn

RECENT_WEEKS = 4


def say(t: Turn) -> None:
    profile = t.profile
    if profile is None or not profile.sessions:
        t.say("history.none")
        return
    today = t.ctx.today
    this_week = weeks.days_this_week(profile, today)
    days = t.plural("progress.days", this_week)
    recent = t.plural("progress.days", weeks.days_in_weeks(profile, today, RECENT_WEEKS))
    goal = profile.weekly_goal
    if goal is None:
        t.say("progress.week", days=days, recent=recent)
    else:
        key = "progress.week_goal_met" if this_week >= goal else "progress.week_goal"
        t.say(key, days=days, recent=recent, goal=goal)
    _levels(t)


def _levels(t: Turn) -> None:
    """Which stretches moved up from the level they were first done at, the furthest named."""
    profile = t.profile
    known = {e.id: e.name for e in t.catalog.exercises}
    stretches = [s for s in progression.stretches_done(profile) if s in known] if profile else []
    if profile is None or not stretches:
        return
    now = progression.progress_for(profile, stretches)
    up = []
    for stretch in stretches:
        history = progression.level_history(profile, stretch)
        if history and now[stretch].level > history[0][1]:
            up.append(stretch)
    if not up:
        t.say("progress.levels_same")
        return
    best = max(up, key=lambda s: now[s].level)
    level = now[best].level
    key = "progress.levels_up_one" if len(up) == 1 else "progress.levels_up_many"
    t.say(key, name=known[best], hold=level.hold, reps=level.reps, up=len(up), total=len(stretches))
