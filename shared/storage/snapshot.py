"""A profile as the database held it at one revision, and how to bring such a copy up to date.

Loading a profile means building a record for each of up to MAX_SESSIONS_LOADED sessions: about a
millisecond for a year of daily use. A server that keeps a copy need not pay that again when
another server changes the user: it reads the user's row, and only the sessions added since its
copy. Sessions are never edited, only added (with ids that grow, since a user's writes are
serialised by their row lock) or deleted together with the user's row, whose birth then changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import pairwise

from shared.effects import apply_effects
from shared.figures import Figures
from shared.profile import Profile, SessionRecord, session_day
from shared.reply import DeleteProfile, Effect
from shared.storage.writes import Change

MAX_SESSIONS_LOADED = 400


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The user's profile at `revision` (None: no such user). `born` is when the user's row was
    created, which tells a user deleted and created again from the one the copy was made of;
    `last_session_id` is the highest session id the profile includes (0 for none)."""

    profile: Profile | None
    revision: str | None = None
    born: datetime | None = None
    last_session_id: int = 0

    def after_own_change(
        self, change: Change, effects: Sequence[Effect], today: date
    ) -> Snapshot | None:
        """This copy with a change its holder made itself, or None when the copy cannot be kept
        exact that way: someone else changed the user in between (the revision before the change
        is not this copy's), or the change created or deleted the user's row (whose birth is
        then unknown here)."""
        if self.profile is None or change.before != self.revision or self.born is None:
            return None
        if change.repeated:  # a retried session was there already: its id is not known here
            return None
        if any(isinstance(effect, DeleteProfile) for effect in effects):
            return None
        profile = apply_effects(self.profile, effects, today) or self.profile
        last = max((self.last_session_id, *change.session_ids))
        return Snapshot(kept_in_load_order(profile, self.profile), change.after, self.born, last)


NOBODY = Snapshot(None)


def kept_in_load_order(profile: Profile, before: Profile) -> Profile:
    """`profile`, which is `before` with a change applied in memory, with its sessions as a load
    would return them (in_load_order). A year of daily use is 400 sessions: they are not sorted
    again when none was added, or when those added follow the others in day order (a session
    done today, the usual case), which is then already the order a stable sort gives; and what
    `before` worked out from its sessions is kept while they are the same."""
    sessions, held = profile.sessions, before.sessions
    if sessions is held:
        return profile.with_derived_of(before)
    profile = counted(profile)  # before any session is left out
    added = sessions[len(held) :]
    days = [*held[-1:], *added]
    if sessions[: len(held)] != held or any(a.day > b.day for a, b in pairwise(days)):
        return replace(profile, sessions=in_load_order(sessions))
    if len(sessions) <= MAX_SESSIONS_LOADED:
        return profile
    return replace(profile, sessions=sessions[-MAX_SESSIONS_LOADED:])


def counted(profile: Profile) -> Profile:
    """`profile` with figures over all its sessions (shared/figures.py), when it holds more than
    a load keeps and has none yet: they are all there is, so they count exactly."""
    if profile.figures is not None or len(profile.sessions) <= MAX_SESSIONS_LOADED:
        return profile
    return replace(profile, figures=figures_of(profile.sessions))


def figures_of(every: Iterable[SessionRecord]) -> Figures | None:
    """The figures of sessions that are all the user has (the day of each, the first levels)."""
    return Figures.of_sessions([(s.day, s.levels) for s in sorted(every, key=session_day)])


def in_load_order(sessions: Iterable[SessionRecord]) -> tuple[SessionRecord, ...]:
    """Sessions in insertion order, as a load returns them: ordered by day, then by insertion
    (a stable sort by day keeps that), only the latest MAX_SESSIONS_LOADED."""
    return tuple(sorted(sessions, key=session_day)[-MAX_SESSIONS_LOADED:])
