"""Kept folds over a sliding window of sessions: what keeps progression cheap on long histories.

Progression (progression.py) is a left fold: each stretch's state, from a start level, moved on by
every session oldest first. Folding a year of daily use (400 sessions, what a store loads) for
each stretch of a routine took about 0.36 ms when the routine was chosen: most of what a long
history added to a request (#16). The next session's profile holds the same session records
with one more, perhaps the oldest left out; so the latest folds are kept, and a profile is
folded on from one whose sessions it shares. The fold itself (its step and its state) is
progression's, handed in: this module knows sessions only as records to compare and walk.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.profile import SessionRecord

# How many sessions may have been added since a kept fold (a routine adds one; the tutor and a
# server behind a load balancer may see a few at once), and how much is kept. A kept fold holds
# its sessions, to tell that a later profile's are the same records: pointers to the profiles'
# own records, shared with the worker's profile cache (skill/persistence.py) while it holds them.
# At most FOLDS_KEPT_SESSIONS (about 8 MB at its 0.86 KB a session) outlive their profiles.
FOLDS_LOOKED_BACK = 8
FOLDS_COMPARED = 32  # sessions folded from both sides of those left out before giving up on them
FOLDS_KEPT = 64
FOLDS_KEPT_SESSIONS = 10_000

State = TypeVar("State")  # one stretch's state after some sessions (progression's Progress)
Start = TypeVar("Start", bound=Hashable)  # where every stretch's fold begins (a Level)
Step = Callable[[State, SessionRecord, str], State]


@dataclass(frozen=True, slots=True)
class _Folded(Generic[Start, State]):
    """Sessions oldest first, and the state of some stretches after all of them from `start`
    (never changed once made: a fold is replaced by a new one)."""

    sessions: tuple[SessionRecord, ...]
    start: Start
    states: Mapping[str, State]


class Folds(Generic[Start, State]):
    """The latest folds, by their last session record (its id, which cannot be reused while the
    fold holds the record) and start. A profile is folded on from a kept fold whose sessions,
    less some of the oldest, are the first of its own: only the sessions added are walked, and
    those left out only until leaving them out makes no difference (at once when they did not
    have the stretch; else usually within a session or two, since a recorded level is taken as
    the level, whatever came before). The results are exactly a fresh fold's: a state after a
    session depends only on the state before it and the session.

    Turns of different users may run in threads: each step is one dict operation, atomic in
    CPython, so a race can only lose a fold (folded again next time), never give a wrong one.
    Bounded by FOLDS_KEPT folds and FOLDS_KEPT_SESSIONS sessions, the oldest kept dropped first.
    """

    def __init__(self, step: Step[State], initial: Callable[[Start], State]) -> None:
        self.step, self.initial = step, initial
        self._kept: dict[tuple[int, Start], _Folded[Start, State]] = {}

    def held(self) -> tuple[int, int]:
        """(folds, sessions) kept now."""
        kept = list(self._kept.values())
        return len(kept), sum(len(folded.sessions) for folded in kept)

    def clear(self) -> None:
        self._kept.clear()

    def states(
        self, sessions: tuple[SessionRecord, ...], start: Start, stretches: Sequence[str]
    ) -> dict[str, State]:
        """Each of `stretches` after `sessions` (oldest first, not empty) from `start`."""
        earlier, dropped, added = self._earlier(sessions, start)
        found = {}
        for stretch in stretches:
            if earlier is not None and stretch in earlier.states:
                before = self._leaving_out(earlier, dropped, stretch)
                found[stretch] = self.fold(before, sessions[len(sessions) - added :], stretch)
            else:
                found[stretch] = self.fold(self.initial(start), sessions, stretch)
        if earlier is not None and not dropped and not added:  # the same sessions: keep both
            self._keep(_Folded(sessions, start, {**earlier.states, **found}))
        else:
            self._keep(_Folded(sessions, start, dict(found)))
        return found

    def fold(self, state: State, sessions: Iterable[SessionRecord], stretch: str) -> State:
        """`state` moved on by each of `sessions` (oldest first)."""
        for record in sessions:
            state = self.step(state, record, stretch)
        return state

    def _earlier(
        self, sessions: tuple[SessionRecord, ...], start: Start
    ) -> tuple[_Folded[Start, State] | None, int, int]:
        """A kept fold whose sessions, less its `dropped` oldest, are the first of `sessions`,
        all but the `added` latest; (None, 0, 0) when none is kept."""
        for added in range(min(FOLDS_LOOKED_BACK, len(sessions) - 1) + 1):
            last = sessions[-1 - added]
            folded = self._kept.get((id(last), start))
            if folded is None or folded.sessions[-1] is not last:
                continue
            dropped = len(folded.sessions) - (len(sessions) - added)
            # the same records: compared by identity first, so about a microsecond for 400
            if dropped >= 0 and folded.sessions[dropped:] == sessions[: len(sessions) - added]:
                return folded, dropped, added
        return None, 0, 0

    def _keep(self, folded: _Folded[Start, State]) -> None:
        if len(folded.sessions) > FOLDS_KEPT_SESSIONS:
            return  # it would push every other fold out
        key = (id(folded.sessions[-1]), folded.start)
        self._kept.pop(key, None)  # the latest kept last
        self._kept[key] = folded
        while True:
            kept = list(self._kept.items())  # a copy: other threads may change the dict
            held = sum(len(f.sessions) for _, f in kept)
            if len(kept) <= FOLDS_KEPT and held <= FOLDS_KEPT_SESSIONS:
                return
            self._kept.pop(kept[0][0], None)

    def _leaving_out(self, folded: _Folded[Start, State], dropped: int, stretch: str) -> State:
        """`stretch` after `folded`'s sessions less the `dropped` oldest. Leaving them out changes
        the state at the first session kept, from what they made it to the start; folding on from
        both, once the two agree they go on the same, to `folded`'s result. When they still
        differ after FOLDS_COMPARED sessions (a run of sessions felt good at one level the user
        kept setting steps up every other session, so its length decides), the rest is folded."""
        after_all = folded.states[stretch]
        if not dropped:
            return after_all
        without = self.initial(folded.start)
        with_them = self.fold(without, folded.sessions[:dropped], stretch)
        kept = folded.sessions[dropped:]
        for n, record in enumerate(kept):
            if without == with_them:
                return after_all
            if n == FOLDS_COMPARED:
                return self.fold(without, kept[n:], stretch)
            without = self.step(without, record, stretch)
            with_them = self.step(with_them, record, stretch)
        return without
