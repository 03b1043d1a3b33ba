"""Profiles in the SQL store (ProfileStore through SafeStore), keyed by a hash of the Alexa user id.

User ids are personal data, so only their SHA-256 is stored. A database that is down never fails
the response: SafeStore logs and carries on, and our own bugs raise through it.

Each worker keeps a copy of the profiles it has served recently: a year of daily sessions is
hundreds of rows, too many to load every turn. A turn that uses the profile (the engine asks for
it only when it does: greeting, screening, choosing an area, settings and history, not the
stretches themselves) asks the store to bring the copy up to date: one primary-key lookup while
nobody changed the user; only the sessions added since when another server behind the load
balancer did. So a finished session or "delete my data" handled elsewhere is seen by the very
next turn that could show it. The worker's own writes update its copy in memory.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from ask_sdk_model.request_envelope import RequestEnvelope

from shared.profile import Profile
from shared.reply import Effect
from shared.storage import SafeStore, Snapshot
from skill.profiles import request_day, user_id_of

CACHED_USERS = 2048
# A session held in memory takes about 0.86 KB (its record, day, stretches and check-ins): a copy
# for each of CACHED_USERS users a year into daily use would be some 700 MB a worker. So the
# cache holds at most this many sessions in all, about 43 MB, whichever bound comes first.
CACHED_SESSIONS = 50_000
CACHE_TTL_SECONDS = 15 * 60  # an unused copy is dropped after the length of a long routine


def user_key(user_id: str) -> str:
    """What the store keys a user by: never the raw Alexa id."""
    return "alexa:" + hashlib.sha256(user_id.encode()).hexdigest()


def _weight(snapshot: Snapshot) -> int:
    """What a copy counts against the cache's size: its sessions, and one for the user's row."""
    return 1 + (len(snapshot.profile.sessions) if snapshot.profile is not None else 0)


class ProfileCache:
    """A small LRU of profile snapshots by user key, each dropped when unused for a while, and the
    least recently used ones dropped while more than `max_users` users or `max_sessions` sessions
    are held (a profile with more sessions than that is not kept, and pushes none out)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_users: int = CACHED_USERS,
        max_sessions: int = CACHED_SESSIONS,
    ) -> None:
        self.clock = clock
        self.max_users, self.max_sessions = max_users, max_sessions
        self._items: OrderedDict[str, tuple[float, Snapshot]] = OrderedDict()
        self._held = 0  # the weight of every copy held
        self._lock = threading.Lock()

    @property
    def held(self) -> tuple[int, int]:
        """(users, sessions with one a user) held now."""
        with self._lock:
            return len(self._items), self._held

    def get(self, user: str) -> Snapshot | None:
        with self._lock:
            found = self._items.get(user)
            if found is None or self.clock() - found[0] > CACHE_TTL_SECONDS:
                self._drop(user)
                return None
            self._items.move_to_end(user)
            return found[1]

    def put(self, user: str, snapshot: Snapshot) -> None:
        with self._lock:
            self._drop(user)
            if _weight(snapshot) > self.max_sessions:  # it would push every other copy out
                return
            self._items[user] = (self.clock(), snapshot)
            self._held += _weight(snapshot)
            while self._items and (
                len(self._items) > self.max_users or self._held > self.max_sessions
            ):
                self._drop(next(iter(self._items)))

    def forget(self, user: str) -> None:
        with self._lock:
            self._drop(user)

    def _drop(self, user: str) -> None:
        found = self._items.pop(user, None)
        if found is not None:
            self._held -= _weight(found[1])


class SqlProfiles:
    """The profile gateway (skill/profiles.py) over the SQL store, with this worker's copies."""

    def __init__(self, store: SafeStore, cache: ProfileCache | None = None) -> None:
        self.store = store
        self.cache = cache or ProfileCache()

    def load(self, request_envelope: RequestEnvelope) -> Profile | None:
        user_id = user_id_of(request_envelope)
        return self._profile(user_key(user_id)) if user_id else None

    def _profile(self, user: str) -> Profile | None:
        """The profile as the database holds it now; while the database is away or slow, the
        copy in memory (one failed call per turn is all it may cost)."""
        known = self.cache.get(user)
        current = self.store.snapshot(user, known)
        if current is None:
            return known.profile if known is not None else None
        self.cache.put(user, current)
        return current.profile

    def apply(self, request_envelope: RequestEnvelope, effects: Sequence[Effect]) -> None:
        """One transaction for the reply's effects; the copy in memory follows the worker's own
        change, or is dropped so that the next turn reads the database."""
        user_id = user_id_of(request_envelope)
        if not user_id or not effects:
            return
        user, today = user_key(user_id), request_day(request_envelope)
        known = self.cache.get(user)
        change = self.store.change(user, effects, today)
        kept = known.after_own_change(change, effects, today) if change and known else None
        if kept is not None:
            self.cache.put(user, kept)
        else:  # not saved, or not to be kept exact in memory: read the database next turn
            self.cache.forget(user)
