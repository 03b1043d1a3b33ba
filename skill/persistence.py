"""An ask-sdk persistence adapter backed by ProfileStore, keyed by a hash of the Alexa user id.

User ids are personal data, so only their SHA-256 is stored. Reading gives the handlers the profile;
saving applies the engine's pending effects in one transaction. A database that is down never
fails the response: SafeStore logs and carries on.

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
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from shared.profile import Profile
from shared.storage import SafeStore, Snapshot
from shared.storage.codec import effects_from_json

CACHED_USERS = 2048
CACHE_TTL_SECONDS = 15 * 60  # an unused copy is dropped after the length of a long routine

log = logging.getLogger(__name__)


def user_key(user_id: str) -> str:
    """What the store keys a user by: never the raw Alexa id."""
    return "alexa:" + hashlib.sha256(user_id.encode()).hexdigest()


def _user_id(envelope: RequestEnvelope) -> str | None:
    system = envelope.context.system if envelope.context else None
    if system and system.user and system.user.user_id:
        return system.user.user_id
    session = envelope.session
    return session.user.user_id if session and session.user else None


def _today(envelope: RequestEnvelope) -> Any:
    timestamp = getattr(envelope.request, "timestamp", None)
    return (timestamp or datetime.now(UTC)).date()


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


class ProfilePersistenceAdapter(AbstractPersistenceAdapter):
    """Attributes are {"profile": Profile} (or {} for a user with nothing saved)."""

    def __init__(self, store: SafeStore, profiles: ProfileCache | None = None) -> None:
        self.store = store
        self.profiles = profiles or ProfileCache()

    def _profile(self, user: str) -> Profile | None:
        """The profile as the database holds it now; while the database is away or slow, the
        copy in memory (one failed call per turn is all it may cost)."""
        known = self.profiles.get(user)
        current = self.store.snapshot(user, known)
        if current is None:
            return known.profile if known is not None else None
        self.profiles.put(user, current)
        return current.profile

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user_id = _user_id(request_envelope)
        profile = self._profile(user_key(user_id)) if user_id else None
        return {"profile": profile} if profile else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        user_id = _user_id(request_envelope)
        pending = attributes.pop("pending_effects", None) or []
        if not user_id or not pending:
            return
        try:
            effects = effects_from_json(pending)
        except ValueError as error:
            log.warning("not saving malformed effects: %s", error)
            return
        user, today = user_key(user_id), _today(request_envelope)
        known = self.profiles.get(user)
        change = self.store.change(user, effects, today)
        kept = known.after_own_change(change, effects, today) if change and known else None
        if kept is not None:
            self.profiles.put(user, kept)
        else:  # not saved, or not to be kept exact in memory: read the database next turn
            self.profiles.forget(user)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        user_id = _user_id(request_envelope)
        if user_id:
            self.store.delete(user_key(user_id))
            self.profiles.forget(user_key(user_id))
