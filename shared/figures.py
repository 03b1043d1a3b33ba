"""A user's figures over all their sessions: how many, the run of days ending at the last one,
and how many a day lately. Pure data, made by the store.

A profile holds only the latest sessions (a store loads MAX_SESSIONS_LOADED of them): after
about 200 days of twice-daily stretching, counting what it holds would say "400 sessions" and
find a streak no longer than the days those 400 cover. So when a profile holds fewer sessions
than the user has, the store counts them per day over all of them (SQL), and the profile carries
these figures; the engine and the tutor ask the profile, which answers from them (profile.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

RECENT_DAYS = 63  # nine weeks up to the last session: any eight-week chart ending today or later


@dataclass(frozen=True, slots=True)
class Figures:
    sessions: int  # every session of the user
    last_day: date  # the day of the latest one
    run_days: int  # consecutive days with a session, ending at last_day
    recent: tuple[tuple[date, int], ...]  # sessions a day, the RECENT_DAYS up to last_day

    @classmethod
    def of_days(cls, counts: Iterable[tuple[date, int]]) -> Figures | None:
        """From (day, sessions that day) for every day with a session (None: no sessions)."""
        by_day = dict(counts)
        if not by_day:
            return None
        last = max(by_day)
        run = 0
        while last - timedelta(days=run) in by_day:
            run += 1
        since = last - timedelta(days=RECENT_DAYS - 1)
        recent = tuple(sorted((day, n) for day, n in by_day.items() if day >= since))
        return cls(sum(by_day.values()), last, run, recent)

    @classmethod
    def of_sessions(cls, days: Iterable[date]) -> Figures | None:
        """From the day of each session, when they are all there is."""
        counts: dict[date, int] = {}
        for day in days:
            counts[day] = counts.get(day, 0) + 1
        return cls.of_days(counts.items())

    def with_day(self, day: date) -> Figures:
        """These figures with one more session on `day` (a session done now, usually today).
        A session dated before the run's start only lengthens the run when it touches it: one
        that would join it to an earlier run is not known here, and the run stays as it was."""
        if day > self.last_day:
            run = self.run_days + 1 if day == self.last_day + timedelta(days=1) else 1
            last = day
        else:
            start = self.last_day - timedelta(days=self.run_days - 1)
            run = self.run_days + (1 if day == start - timedelta(days=1) else 0)
            last = self.last_day
        counts = dict(self.recent)
        counts[day] = counts.get(day, 0) + 1
        since = last - timedelta(days=RECENT_DAYS - 1)
        recent = tuple(sorted((d, n) for d, n in counts.items() if d >= since))
        return replace(self, sessions=self.sessions + 1, last_day=last, run_days=run, recent=recent)

    def streak(self, today: date) -> int | None:
        """Days in a row ending today or yesterday; None when the figures cannot tell (their
        last session is dated after `today`: a replayed dialog's day)."""
        if self.last_day > today:
            return None
        return self.run_days if (today - self.last_day).days <= 1 else 0
