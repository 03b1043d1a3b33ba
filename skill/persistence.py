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
CACHE_TTL_SECONDS = 15 * 60  # an unused copy is dropped after the length of a long routine


def user_key(user_id: str) -> str:
    """What the store keys a user by: never the raw Alexa id."""
    return "alexa:" + hashlib.sha256(user_id.encode()).hexdigest()


class ProfileCache:
    """A small LRU of profile snapshots by user key, each dropped when unused for a while."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._items: OrderedDict[str, tuple[float, Snapshot]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user: str) -> Snapshot | None:
        with self._lock:
            found = self._items.get(user)
            if found is None or self.clock() - found[0] > CACHE_TTL_SECONDS:
                self._items.pop(user, None)
                return None
            self._items.move_to_end(user)
            return found[1]

    def put(self, user: str, snapshot: Snapshot) -> None:
        with self._lock:
            self._items[user] = (self.clock(), snapshot)
            self._items.move_to_end(user)
            while len(self._items) > CACHED_USERS:
                self._items.popitem(last=False)

    def forget(self, user: str) -> None:
        with self._lock:
            self._items.pop(user, None)


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
