"""`backstretch-tutor history`: past sessions, the streak, and sessions per week as a bar chart."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from shared import messages
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
    counts = Counter(monday_of(s.day) for s in sessions)
    this_week = monday_of(today)
    mondays = [this_week - timedelta(weeks=n) for n in reversed(range(weeks))]
    return [(monday, counts.get(monday, 0)) for monday in mondays]


def chart(
    weekly: list[tuple[date, int]], locale: str = DEFAULT_LOCALE, width: int = 30
) -> list[str]:
    """One row a week: label, a bar scaled to the busiest week, the count."""
    most = max((count for _, count in weekly), default=0)
    lines = []
    for monday, count in weekly:
        label = messages.text("tutor.history.week", locale, monday=monday.isoformat())
        bar = BAR * (round(width * count / most) if most else 0)
        lines.append(f"{label}  {bar}{' ' if bar else ''}{count}")
    return lines


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
        messages.text("tutor.history.streak", locale, days=streak, sessions=len(profile.sessions)),
    ]
    lines += ["", messages.text("tutor.history.chart_title", locale)]
    lines += chart(sessions_per_week(profile.sessions, today), locale)
    return lines
