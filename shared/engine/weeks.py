"""Where the week stands against the user's weekly goal: days with a session, Monday to Sunday.

Pure (the caller passes `today`); the welcome, the wrap-up and "how am I doing" say it, and the
tutor's history charts the same counts.
"""

from __future__ import annotations

from datetime import date, timedelta

from shared.profile import Profile

GOAL_LIMITS = (1, 7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def days_this_week(profile: Profile | None, today: date) -> int:
    """Days of today's week, up to today, with a session in which a stretch was done: two
    sessions on one day are one day towards a goal of "three times a week"."""
    if profile is None:
        return 0
    monday = monday_of(today)
    return len({s.day for s in profile.sessions if monday <= s.day <= today and s.stretches})


def days_in_weeks(profile: Profile | None, today: date, weeks: int) -> int:
    """Days with a stretch done in the last `weeks` calendar weeks, this one included."""
    if profile is None:
        return 0
    first = monday_of(today) - timedelta(weeks=weeks - 1)
    return len({s.day for s in profile.sessions if first <= s.day <= today and s.stretches})
