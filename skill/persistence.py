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

A write that fails (the database is away) leaves the copy with the change applied in memory, so
the session goes on, and a returning user is greeted as one, from this worker's memory; the
change goes back to the handlers to carry, or into the journal (a file shared by the workers)
when the session ended. Whenever the store answers and the journal holds something, a thread
of the worker writes it back, each change once (ids: shared/storage/pending.py).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from ask_sdk_model.request_envelope import RequestEnvelope

from shared.effects import apply_effects
from shared.profile import Profile
from shared.reply import Effect
from shared.storage import SafeStore, Snapshot
from shared.storage.pending import Journal, PendingChange
from skill.profiles import request_day, user_id_of

log = logging.getLogger(__name__)

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

    def __init__(
        self, store: SafeStore, cache: ProfileCache | None = None, journal: Journal | None = None
    ) -> None:
        self.store = store
        self.cache = cache or ProfileCache()
        self.journal = journal
        self._replaying = threading.Lock()
        # user -> ids of the unsaved changes applied to the user's copy in memory, so a change
        # offered again while the database is still away is not applied to the copy twice
        self._unsaved: dict[str, frozenset[str]] = {}

    def load(self, request_envelope: RequestEnvelope) -> Profile | None:
        user_id = user_id_of(request_envelope)
        profile = self._profile(user_key(user_id)) if user_id else None
        self._replay_soon()
        return profile

    def _profile(self, user: str) -> Profile | None:
        """The profile as the database holds it now; while the database is away or slow, the
        copy in memory (one failed call per turn is all it may cost)."""
        known = self.cache.get(user)
        current = self.store.snapshot(user, known)
        if current is None:
            return known.profile if known is not None else None
        self.cache.put(user, current)
        self._unsaved.pop(user, None)  # what the database holds, nothing else
        return current.profile

    def apply(self, request_envelope: RequestEnvelope, effects: Sequence[Effect]) -> None:
        """One transaction for the reply's effects; what the store did not take is parked."""
        if effects:
            change = PendingChange.new(effects, request_day(request_envelope))
            self.park(request_envelope, self.save(request_envelope, [change]))

    def save(
        self, request_envelope: RequestEnvelope, changes: Sequence[PendingChange]
    ) -> list[PendingChange]:
        """One transaction a change, in order, until one fails: that one and those after it are
        returned. The copy in memory follows each change, saved or not."""
        user_id = user_id_of(request_envelope)
        if not user_id:
            return []  # nobody to keep them for (Alexa sends a user with every session)
        user = user_key(user_id)
        for number, change in enumerate(changes):
            if not self._save(user, change):
                for unsaved in changes[number + 1 :]:
                    self._keep_in_memory(user, unsaved)
                return list(changes[number:])
        self._replay_soon()
        return []

    def park(self, request_envelope: RequestEnvelope, changes: Sequence[PendingChange]) -> None:
        """Into the journal, written back once the store answers again."""
        user_id = user_id_of(request_envelope)
        if not user_id or not changes:
            return
        if self.journal is None:
            log.error("%d unsaved changes lost: no journal is configured", len(changes))
            return
        for change in changes:
            self.journal.add(user_key(user_id), change)

    def _save(self, user: str, change: PendingChange) -> bool:
        """Write one change; the copy in memory follows the worker's own change, is kept with
        the change applied when the write failed, or is dropped so the next turn reads the
        database (someone else changed the user meanwhile)."""
        known = self.cache.get(user)
        effects, day = change.effects, change.day
        written = self.store.change(user, effects, day, change.change_id)
        if written is None:
            self._keep_in_memory(user, change, known)
            return False
        kept = known.after_own_change(written, effects, day) if known is not None else None
        if kept is not None:
            self.cache.put(user, kept)
        else:
            self.cache.forget(user)
        self._unsaved.pop(user, None)
        return True

    def _keep_in_memory(
        self, user: str, change: PendingChange, known: Snapshot | None = None
    ) -> None:
        """The copy with an unsaved change applied, so this worker goes on showing it. It is
        marked as read from nowhere (no revision, no birth): the next read that works loads the
        user afresh, from what the database holds by then."""
        known = known if known is not None else self.cache.get(user)
        applied = self._unsaved.get(user, frozenset()) if known is not None else frozenset()
        if change.change_id in applied:
            return  # applied to the copy already, on an earlier turn
        profile = apply_effects(known.profile if known else None, change.effects, change.day)
        if profile is None:
            self.cache.forget(user)
        else:
            self.cache.put(user, Snapshot(profile))
        self._unsaved[user] = applied | {change.change_id}

    def _replay_soon(self) -> None:
        """Write the journal back in a thread of its own, when there is something to write and
        the database answered last; one replay at a time in a worker."""
        if self.journal is None or not self.store.healthy or not self.journal.pending():
            return
        if not self._replaying.acquire(blocking=False):
            return
        threading.Thread(target=self._replay, name="journal-replay", daemon=True).start()

    def _replay(self) -> None:
        try:
            assert self.journal is not None
            saved = self.journal.replay(self._replay_one)
            if saved:
                log.warning("%d unsaved changes from the journal are saved now", saved)
        except Exception:  # a bug of ours: logged, and the journal is kept for the next try
            log.exception("replaying the journal failed")
        finally:
            self._replaying.release()

    def _replay_one(self, user: str, change: PendingChange) -> bool:
        self.cache.forget(user)  # read afresh next turn: the change is in the database now
        return self.store.change(user, change.effects, change.day, change.change_id) is not None
