"""A user's figures over all their sessions: how many, the run of days ending at the last one,
and how many a day lately. Pure data, made by the store.

A profile holds only the latest sessions (a store loads MAX_SESSIONS_LOADED of them): after
about 200 days of twice-daily stretching, counting what it holds would say "400 sessions" and
find a streak no longer than the days those 400 cover. So when a profile holds fewer sessions
than the user has, the store counts them per day over all of them (SQL), and the profile carries
these figures; the engine and the tutor ask the profile, which answers from them (profile.py).
The level each stretch was first done at, and the day, come with them: "how am I doing?" says how
far a stretch moved since the user began, and the tutor's chart starts there, not at the oldest
session held.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

RECENT_DAYS = 63  # nine weeks up to the last session: any eight-week chart ending today or later
Level = tuple[str, int, int]  # (stretch, hold seconds, repetitions), as a session records it


class FirstLevel(NamedTuple):
    """A stretch's level in the first session that recorded one, and that session's day."""

    stretch: str
    hold: int
    reps: int
    day: date


@dataclass(frozen=True, slots=True)
class Figures:
    sessions: int  # every session of the user
    last_day: date  # the day of the latest one
    run_days: int  # consecutive days with a session, ending at last_day
    recent: tuple[tuple[date, int], ...]  # sessions a day, the RECENT_DAYS up to last_day
    first_levels: tuple[FirstLevel, ...] = ()  # each stretch's, in the order first met

    @classmethod
    def of_days(
        cls, counts: Iterable[tuple[date, int]], first_levels: tuple[FirstLevel, ...] = ()
    ) -> Figures | None:
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
        return cls(sum(by_day.values()), last, run, recent, first_levels)

    @classmethod
    def of_sessions(cls, sessions: Sequence[tuple[date, Iterable[Level]]]) -> Figures | None:
        """From (day, levels) of each session, oldest first, when they are all there is."""
        counts: dict[date, int] = {}
        for day, _levels in sessions:
            counts[day] = counts.get(day, 0) + 1
        return cls.of_days(counts.items(), first_levels(sessions))

    def first_level(self, stretch: str) -> FirstLevel | None:
        """The level `stretch` was first done at; None if no session recorded one."""
        return next((first for first in self.first_levels if first.stretch == stretch), None)

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


def first_levels(sessions: Iterable[tuple[date, Iterable[Level]]]) -> tuple[FirstLevel, ...]:
    """Each stretch's first level, from (day, levels) of sessions oldest first."""
    found: dict[str, FirstLevel] = {}
    for day, levels in sessions:
        for stretch, hold, reps in levels:
            if stretch not in found:
                found[stretch] = FirstLevel(stretch, hold, reps, day)
    return tuple(found.values())
