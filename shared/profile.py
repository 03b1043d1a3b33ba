"""A user's lasting progress: past sessions, streak and preferences.

Plain data with pure functions (the caller passes `today`), so the engine can greet a returning user
and the stores (SQLite, PostgreSQL, DynamoDB) only need to save and load `to_dict()`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, TypeVar

from shared.events import CueLevel
from shared.figures import Figures

RESCREEN_AFTER = timedelta(days=30)
STOPPED_FOR_PAIN = "pain"  # a second pain report ended the session
STOPPED_FOR_SYMPTOM = "symptom"  # numbness, tingling, shooting pain, weakness or dizziness


T = TypeVar("T")


def session_day(session: SessionRecord) -> date:
    """A sort key: the day a session was done."""
    return session.day


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One coaching session: when, which area, which stretches were finished, pain reports,
    how each stretch felt, and whether it was stopped for pain or a symptom (the next visit
    then remembers it and screens again)."""

    day: date
    area: str
    stretches: tuple[str, ...]
    pain_reports: int = 0
    completed: bool = False
    pain_stretch: str | None = None  # the stretch being done when pain was last reported
    feelings: tuple[tuple[str, str], ...] = ()  # (stretch id, Feeling value) per check-in
    stopped_for: str | None = None  # STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM, or None
    # (stretch id, hold seconds, repetitions): the level each stretch was done at (#18)
    levels: tuple[tuple[str, int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "area": self.area,
            "stretches": list(self.stretches),
            "pain_reports": self.pain_reports,
            "completed": self.completed,
            "pain_stretch": self.pain_stretch,
            "feelings": [list(pair) for pair in self.feelings],
            "stopped_for": self.stopped_for,
            "levels": [list(level) for level in self.levels],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionRecord:
        return cls(
            day=date.fromisoformat(data["day"]),
            area=str(data["area"]),
            stretches=tuple(str(s) for s in data.get("stretches", ())),
            pain_reports=int(data.get("pain_reports", 0)),
            completed=bool(data.get("completed", False)),
            pain_stretch=_text_or_none(data.get("pain_stretch")),
            feelings=tuple((str(s), str(f)) for s, f in data.get("feelings") or ()),
            stopped_for=_text_or_none(data.get("stopped_for")),
            levels=tuple((str(s), int(h), int(r)) for s, h, r in data.get("levels") or ()),
        )


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything remembered about one user."""

    sessions: tuple[SessionRecord, ...] = ()
    hold_seconds: int | None = None
    reps: int | None = None
    screened_on: date | None = None
    cue_level: CueLevel | None = None  # None: never chosen (the engine's default applies)
    weekly_goal: int | None = None  # sessions a week the user aims for (1-7), None: no goal
    # Counted by the store over all the user's sessions when `sessions` holds only the latest
    # (shared/figures.py); None when it holds them all. Not part of the profile's value.
    figures: Figures | None = field(default=None, compare=False, repr=False)

    # What is worked out from the sessions alone (the last one, the usual area, the days done),
    # kept with the profile once asked for: a year of daily use is 400 sessions, walked on every
    # turn that greets or offers an area otherwise, while a server keeps the same profile object
    # for many turns. Not part of the profile's value: never compared, shown or saved; replace()
    # starts afresh, and with_derived_of() passes it on when the sessions are the very same.
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _memo(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self._derived:
            self._derived[key] = compute()
        found: T = self._derived[key]
        return found

    def with_derived_of(self, other: Profile) -> Profile:
        """This profile, knowing what `other` worked out when both hold the same sessions."""
        if other.sessions is self.sessions and other is not self:
            self._derived.update(other._derived)
        return self

    @property
    def is_returning(self) -> bool:
        return bool(self.sessions)

    @property
    def session_count(self) -> int:
        """Every session of the user (more than `sessions` holds, for a long history)."""
        return self.figures.sessions if self.figures is not None else len(self.sessions)

    def day_counts(self) -> dict[date, int]:
        """Sessions a day: over all sessions for the recent weeks (figures), else as held."""
        counts = dict(Counter(s.day for s in self.sessions))
        if self.figures is not None:
            counts.update(self.figures.recent)  # exact where the held sessions may not be
        return counts

    @property
    def last_session(self) -> SessionRecord | None:
        return self._memo("last_session", self._last_session)

    def _last_session(self) -> SessionRecord | None:
        return max(self.sessions, key=lambda s: s.day) if self.sessions else None

    @property
    def usual_area(self) -> str | None:
        """The area done most often (on a tie, the one done latest: by day, then by order)."""
        return self._memo("usual_area", self._usual_area)

    def _usual_area(self) -> str | None:
        if not self.sessions:
            return None
        counts = Counter(s.area for s in self.sessions)
        top = max(counts.values())
        # max() keeps the first of equals: walking backwards, that is the latest of a day
        return max(
            (s for s in reversed(self.sessions) if counts[s.area] == top), key=session_day
        ).area

    def needs_screening(self, today: date) -> bool:
        """Screen first-time users, and again when the last answer is over a month old."""
        return self.screened_on is None or today - self.screened_on > RESCREEN_AFTER

    def streak(self, today: date) -> int:
        """Consecutive days with a session, ending today or yesterday (a streak not yet broken).
        Days are counted as ordinals, and each day's answer is kept (a long streak is a walk).
        A long history's streak comes from the store's figures, over all sessions."""
        counted = self.figures.streak(today) if self.figures is not None else None
        if counted is not None:
            return counted
        return self._memo(f"streak {today.toordinal()}", lambda: self._streak(today.toordinal()))

    def _streak(self, cursor: int) -> int:
        days = self._memo("days", lambda: frozenset(s.day.toordinal() for s in self.sessions))
        if cursor not in days:
            cursor -= 1
        count = 0
        while cursor - count in days:
            count += 1
        return count

    def with_session(self, record: SessionRecord) -> Profile:
        figures = self.figures.with_day(record.day) if self.figures is not None else None
        return replace(self, sessions=(*self.sessions, record), figures=figures)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": [s.to_dict() for s in self.sessions],
            "hold_seconds": self.hold_seconds,
            "reps": self.reps,
            "screened_on": self.screened_on.isoformat() if self.screened_on else None,
            "cue_level": self.cue_level.value if self.cue_level else None,
            "weekly_goal": self.weekly_goal,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Unknown keys are ignored: profiles saved before `extra` was dropped still load."""
        screened = data.get("screened_on")
        return cls(
            sessions=tuple(SessionRecord.from_dict(s) for s in data.get("sessions", ())),
            hold_seconds=_whole_number(data.get("hold_seconds")),
            reps=_whole_number(data.get("reps")),
            screened_on=date.fromisoformat(screened) if screened else None,
            cue_level=_cue_level(data.get("cue_level")),
            weekly_goal=_whole_number(data.get("weekly_goal")),
        )


def _whole_number(value: Any) -> int | None:
    """A stored number as an int: DynamoDB hands numbers back as Decimal, which would leak into
    the conversation state (and its JSON) through the user's saved pacing."""
    return None if value is None else int(value)


def _cue_level(value: Any) -> CueLevel | None:
    """A stored cue level; one this version does not know reads as never chosen."""
    try:
        return CueLevel(value)
    except ValueError:
        return None


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
