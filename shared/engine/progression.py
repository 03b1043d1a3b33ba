"""Progression across sessions: each stretch's hold and repetitions, from how it felt before.

A pure function of the user's history (no clock, no store): every session records the level each
stretch was done at and how it felt, and folding those sessions in order gives today's level. The
rule keeps to the article's ranges (20-30 s holds, 5-10 repetitions):

- two sessions in a row where a stretch felt easy or good, with no pain in them, add 5 s to its
  hold (up to 30 s), then one repetition (up to 10);
- "tight" (or no answer at the check-in) keeps the level, and the row starts again;
- "painful", a pain report or a symptom during the stretch steps it back one level;
- a level the user set ("hold for 25 seconds") is recorded as the level the stretch was done at,
  so it is kept and progression goes on from it.

Each stretch's latest change is kept with its reason, so the coach can say why a level moved.

A long history is folded on from the latest folds kept (folds.py), not from its first session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.engine.folds import Folds
from shared.events import STOP_FEELINGS, Feeling
from shared.profile import Profile, SessionRecord
from shared.routine import DEFAULT_HOLD_SECONDS, DEFAULT_REPS, HOLD_LIMITS, REPS_LIMITS

# The article's ranges (exercises.toml's [advice], checked against it by the tests).
HOLD_RANGE = (20, 30)
REPS_RANGE = (5, 10)
HOLD_STEP = 5
GOOD_SESSIONS_TO_STEP_UP = 2

_GOOD = frozenset({Feeling.EASY.value, Feeling.GOOD.value})
_HURT = frozenset({Feeling.PAINFUL.value, *(f.value for f in STOP_FEELINGS)})


@dataclass(frozen=True, slots=True, order=True)
class Level:
    """How a stretch is done: seconds per hold and repetitions per side."""

    hold: int
    reps: int


START = Level(DEFAULT_HOLD_SECONDS, DEFAULT_REPS)


class Change(StrEnum):
    """Why a stretch's level moved after its latest session (the message says it)."""

    UP_HOLD = "up_hold"  # felt easy or good twice in a row: a longer hold
    UP_REPS = "up_reps"  # ... at the longest hold already: one more repetition
    DOWN_HOLD = "down_hold"  # it hurt: a shorter hold
    DOWN_REPS = "down_reps"  # it hurt: one repetition fewer


class Outcome(StrEnum):
    """What one session says about one stretch."""

    GOOD = "good"  # felt easy or good, and nothing hurt in the session
    KEEP = "keep"  # tight, not answered, or pain elsewhere in the session
    HURT = "hurt"  # painful, a pain report or a symptom during this stretch


@dataclass(frozen=True, slots=True)
class Progress:
    """One stretch after its sessions so far: its level, how many sessions in a row at that level
    felt easy or good, and the change its latest session made (None: the level stayed)."""

    level: Level
    good_in_row: int = 0
    change: Change | None = None


def step_up(level: Level) -> Level:
    """One level harder: 5 s more hold up to 30 s, then one more repetition up to 10. A level
    past the ranges (one the user chose) is never raised further in that dimension."""
    low_hold, high_hold = HOLD_RANGE
    if level.hold < high_hold:
        return Level(min(high_hold, max(low_hold, level.hold + HOLD_STEP)), level.reps)
    if level.reps < REPS_RANGE[1]:
        return Level(level.hold, max(REPS_RANGE[0], level.reps + 1))
    return level


def step_down(level: Level) -> Level:
    """One level easier, the reverse of `step_up`: a repetition fewer down to 5, then 5 s less
    hold down to 20 s. Never below the ranges' start (a user's own lower level stays)."""
    if level.reps > REPS_RANGE[0]:
        return Level(level.hold, level.reps - 1)
    if level.hold > HOLD_RANGE[0]:
        return Level(max(HOLD_RANGE[0], level.hold - HOLD_STEP), level.reps)
    return level


def outcome(record: SessionRecord, stretch: str) -> Outcome | None:
    """What `record` says about `stretch`; None when the stretch had no part in the session."""
    felt = [feeling for done, feeling in record.feelings if done == stretch]
    hurt_here = record.pain_reports > 0 and record.pain_stretch == stretch
    if hurt_here or any(feeling in _HURT for feeling in felt):
        return Outcome.HURT
    if not felt and stretch not in record.stretches:
        return None
    calm = record.pain_reports == 0 and record.stopped_for is None
    return Outcome.GOOD if calm and felt and felt[-1] in _GOOD else Outcome.KEEP


def recorded_level(record: SessionRecord, stretch: str) -> Level | None:
    """The level `stretch` was done at in `record` (None: a session from before levels were
    kept)."""
    for done, hold, reps in record.levels:
        if done == stretch:
            return _within_limits(hold, reps)
    return None


def _within_limits(hold: int | None, reps: int | None) -> Level | None:
    """A level the coach can play (a stored one past the settings' limits is ignored)."""
    if hold is None or reps is None:
        return None
    if HOLD_LIMITS[0] <= hold <= HOLD_LIMITS[1] and REPS_LIMITS[0] <= reps <= REPS_LIMITS[1]:
        return Level(hold, reps)
    return None


def after_session(progress: Progress, record: SessionRecord, stretch: str) -> Progress:
    """`progress` moved on by one session. A recorded level that differs from the expected one was
    set by the user: it becomes the level, and the row starts from it."""
    happened = outcome(record, stretch)
    if happened is None:
        return progress
    done_at = recorded_level(record, stretch)
    if done_at is not None and done_at != progress.level:
        progress = Progress(done_at)
    level = progress.level
    if happened is Outcome.HURT:
        lower = step_down(level)
        return Progress(lower, 0, _change(level, lower))
    if happened is Outcome.KEEP:
        return Progress(level, 0, None)
    in_row = progress.good_in_row + 1
    if in_row < GOOD_SESSIONS_TO_STEP_UP:
        return Progress(level, in_row, None)
    higher = step_up(level)
    return Progress(higher, 0, _change(level, higher))


def _change(before: Level, after: Level) -> Change | None:
    if after.hold != before.hold:
        return Change.UP_HOLD if after.hold > before.hold else Change.DOWN_HOLD
    if after.reps != before.reps:
        return Change.UP_REPS if after.reps > before.reps else Change.DOWN_REPS
    return None


def start_level(profile: Profile | None) -> Level:
    """Where a stretch never done yet starts: the pacing the user chose (each part within the
    settings' limits), else 20 s x 5."""
    if profile is None:
        return START
    hold = _within_limits(profile.hold_seconds, START.reps)
    reps = _within_limits(START.hold, profile.reps)
    return Level(hold.hold if hold else START.hold, reps.reps if reps else START.reps)


def progress_of(sessions: Iterable[SessionRecord], stretch: str, start: Level = START) -> Progress:
    """`stretch` after every session in `sessions` (oldest first)."""
    return _FOLDS.fold(Progress(start), sessions, stretch)


def progress_for(profile: Profile | None, stretches: Sequence[str]) -> dict[str, Progress]:
    """Today's progress of each of `stretches` for this user: `progress_of` over the sessions
    oldest first, folded on from an earlier fold of the same records when one is kept."""
    start = start_level(profile)
    if profile is None or not profile.sessions:
        return {stretch: Progress(start) for stretch in stretches}
    return _FOLDS.states(_in_order(profile.sessions), start, stretches)


def level_history(profile: Profile, stretch: str) -> list[tuple[date, Level]]:
    """The level `stretch` was done at, session by session (the day, and the level), from its
    very first session: a long history holds only its latest sessions, and the store's figures
    (shared/figures.py) say how it began, which comes first when it is older than those held."""
    progress, history = Progress(start_level(profile)), []
    for record in _in_order(profile.sessions):
        happened = outcome(record, stretch)
        if happened is None:
            continue
        done_at = recorded_level(record, stretch) or progress.level
        history.append((record.day, done_at))
        progress = after_session(progress, record, stretch)
    first = profile.figures.first_level(stretch) if profile.figures is not None else None
    if first is not None and (not history or first.day < history[0][0]):
        return [(first.day, Level(first.hold, first.reps)), *history]
    return history


def stretches_done(profile: Profile) -> list[str]:
    """Every stretch the user has done or rated, in the order first met."""
    seen: dict[str, None] = {}
    for record in _in_order(profile.sessions):
        for stretch in (*record.stretches, *(s for s, _ in record.feelings)):
            seen.setdefault(stretch, None)
    return list(seen)


def _in_order(sessions: Iterable[SessionRecord]) -> tuple[SessionRecord, ...]:
    """Oldest first; sessions of one day in the order they were added (a stable sort)."""
    return tuple(sorted(sessions, key=lambda record: record.day))


def _step(progress: Progress, record: SessionRecord, stretch: str) -> Progress:
    return after_session(progress, record, stretch)  # looked up each time: a test counts calls


_FOLDS: Folds[Level, Progress] = Folds(_step, Progress)


def folds_held() -> tuple[int, int]:
    """(folds, sessions) kept for progress_for now (their bound is checked by the tests)."""
    return _FOLDS.held()


def forget_folds() -> None:
    """Drop every kept fold (a test then starts from none)."""
    _FOLDS.clear()
