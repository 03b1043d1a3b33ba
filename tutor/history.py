"""`backstretch-tutor history`: past sessions, the streak, each stretch's level over time, and
sessions per week as a bar chart, measured against the weekly goal when there is one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta

from shared import messages
from shared.engine import progression, weeks
from shared.exercise_catalog import load_exercise_catalog
from shared.locales import DEFAULT_LOCALE
from shared.profile import Profile, SessionRecord

WEEKS_SHOWN = 8
RECENT_SHOWN = 10
BAR = "█"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def sessions_per_week(
    sessions: tuple[SessionRecord, ...], today: date, weeks: int = WEEKS_SHOWN
) -> list[tuple[date, int]]:
    """(monday, count) for the last `weeks` weeks, oldest first, empty weeks included."""
    return _weekly(Counter(s.day for s in sessions), today, weeks)


def weekly_counts(
    profile: Profile, today: date, weeks: int = WEEKS_SHOWN
) -> list[tuple[date, int]]:
    """sessions_per_week over all the user's sessions: a long history's recent days are counted
    by the store (Profile.day_counts), not from the latest sessions it loaded."""
    return _weekly(profile.day_counts(), today, weeks)


def _weekly(by_day: Mapping[date, int], today: date, weeks: int) -> list[tuple[date, int]]:
    counts: Counter[date] = Counter()
    for day, sessions in by_day.items():
        counts[monday_of(day)] += sessions
    this_week = monday_of(today)
    mondays = [this_week - timedelta(weeks=n) for n in reversed(range(weeks))]
    return [(monday, counts.get(monday, 0)) for monday in mondays]


def chart(
    weekly: list[tuple[date, int]],
    locale: str = DEFAULT_LOCALE,
    width: int = 30,
    met: frozenset[date] = frozenset(),
) -> list[str]:
    """One row a week: label, a bar scaled to the busiest week, the count, and whether the week
    met the weekly goal (the Mondays in `met`)."""
    most = max((count for _, count in weekly), default=0)
    lines = []
    goal_met = messages.text("tutor.history.goal_met", locale)
    for monday, count in weekly:
        label = messages.text("tutor.history.week", locale, monday=monday.isoformat())
        bar = BAR * (round(width * count / most) if most else 0)
        mark = f"  {goal_met}" if monday in met else ""
        lines.append(f"{label}  {bar}{' ' if bar else ''}{count}{mark}")
    return lines


def weeks_meeting(profile: Profile, mondays: list[date]) -> frozenset[date]:
    """The weeks (by Monday) with at least the goal's days stretched."""
    goal = profile.weekly_goal
    if goal is None:
        return frozenset()
    ends = {monday: monday + timedelta(days=6) for monday in mondays}
    return frozenset(m for m, end in ends.items() if weeks.days_this_week(profile, end) >= goal)


def level_lines(profile: Profile, locale: str = DEFAULT_LOCALE) -> list[str]:
    """Each stretch's level over time: the day each level began, and the level for next time."""
    catalog = load_exercise_catalog()
    known = {e.id: e.name for e in catalog.exercises}
    stretches = [s for s in progression.stretches_done(profile) if s in known]
    if not stretches:
        return []
    now = progression.progress_for(profile, stretches)
    lines = [messages.text("tutor.history.levels_title", locale)]
    for stretch in stretches:
        steps: list[str] = []
        last: progression.Level | None = None
        for day, level in progression.level_history(profile, stretch):
            if level != last:
                steps.append(_level(level, locale, day=day.isoformat()))
                last = level
        upcoming = _level(now[stretch].level, locale)
        lines.append(
            messages.text(
                "tutor.history.levels_row",
                locale,
                name=known[stretch].capitalize(),
                steps=" -> ".join(steps),
                next=upcoming,
            )
        )
    return lines


def _level(level: progression.Level, locale: str, day: str | None = None) -> str:
    text = messages.text("tutor.history.level", locale, hold=level.hold, reps=level.reps)
    return (
        text
        if day is None
        else messages.text("tutor.history.level_on", locale, level=text, day=day)
    )


def _stretch_names(record: SessionRecord, locale: str) -> str:
    catalog = load_exercise_catalog()
    known = {e.id: e.name for e in catalog.exercises}
    names = [known.get(s, s) for s in record.stretches]
    return ", ".join(names) if names else messages.text("tutor.history.nothing", locale)


def history_lines(profile: Profile | None, today: date, locale: str = DEFAULT_LOCALE) -> list[str]:
    if profile is None or not profile.sessions:
        return [messages.text("tutor.history.none", locale)]
    lines = [messages.text("tutor.history.title", locale), ""]
    for record in sorted(profile.sessions, key=lambda s: s.day)[-RECENT_SHOWN:]:
        key = "tutor.history.row_pain" if record.pain_reports else "tutor.history.row"
        area = messages.text(f"area.name.{record.area}", locale)
        lines.append(
            messages.text(
                key,
                locale,
                day=record.day.isoformat(),
                area=area,
                stretches=_stretch_names(record, locale),
                pains=record.pain_reports,
            )
        )
    streak = profile.streak(today)
    lines += [
        "",
        messages.text("tutor.history.streak", locale, days=streak, sessions=profile.session_count),
    ]
    levels = level_lines(profile, locale)
    if levels:
        lines += ["", *levels]
    weekly = weekly_counts(profile, today)
    lines += ["", messages.text("tutor.history.chart_title", locale)]
    lines += chart(weekly, locale, met=weeks_meeting(profile, [monday for monday, _ in weekly]))
    if profile.weekly_goal is not None:
        done = weeks.days_this_week(profile, today)
        lines.append(
            messages.text("tutor.history.goal", locale, goal=profile.weekly_goal, done=done)
        )
    return lines
