"""An ask-sdk persistence adapter backed by ProfileStore, keyed by a hash of the Alexa user id.

User ids are personal data, so only their SHA-256 is stored. Reading gives the handlers the profile;
saving applies the engine's pending effects in one transaction. A database that is down never
fails the response: SafeStore logs and carries on.

A profile is read from the database once per Alexa session and worker, then kept in step with the
session's own effects: a year of daily sessions is hundreds of rows, too many to load every turn.
Each turn checks the user's revision token (one primary-key lookup) before trusting that copy, so a
change made by another server behind the load balancer (a finished session, "delete my data") is
seen on the very next turn.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from shared.effects import apply_effects
from shared.profile import Profile
from shared.storage import SafeStore
from shared.storage.codec import effects_from_json

CACHED_SESSIONS = 2048
SESSION_TTL_SECONDS = 15 * 60

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


@dataclass(frozen=True, slots=True)
class Cached:
    """A profile as of one revision of the user's row (None: no row)."""

    revision: str | None
    profile: Profile | None


class SessionProfiles:
    """A small LRU of profiles by (session, user), each forgotten after the session's lifetime."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._items: OrderedDict[tuple[str, str], tuple[float, Cached]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> Cached | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or self.clock() - found[0] > SESSION_TTL_SECONDS:
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: tuple[str, str], cached: Cached) -> None:
        with self._lock:
            self._items[key] = (self.clock(), cached)
            self._items.move_to_end(key)
            while len(self._items) > CACHED_SESSIONS:
                self._items.popitem(last=False)

    def forget(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._items.pop(key, None)


def _session_id(envelope: RequestEnvelope) -> str | None:
    return envelope.session.session_id if envelope.session else None


class ProfilePersistenceAdapter(AbstractPersistenceAdapter):
    """Attributes are {"profile": Profile} (or {} for a user with nothing saved)."""

    def __init__(self, store: SafeStore, profiles: SessionProfiles | None = None) -> None:
        self.store = store
        self.profiles = profiles or SessionProfiles()

    def _profile(self, envelope: RequestEnvelope, user: str) -> Profile | None:
        """The cached copy while the user's revision is unchanged, else a fresh load."""
        session = _session_id(envelope)
        cached = self.profiles.get((session, user)) if session is not None else None
        revision = self.store.revision(user)
        if not self.store.healthy:  # away or slow: one timeout per turn is all it may cost
            return cached.profile if cached is not None else None
        if cached is not None and revision == cached.revision:
            return cached.profile
        profile = self.store.load(user)
        if session is not None and self.store.healthy:
            self.profiles.put((session, user), Cached(revision, profile))
        return profile

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user_id = _user_id(request_envelope)
        profile = self._profile(request_envelope, user_key(user_id)) if user_id else None
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
        session = _session_id(request_envelope)
        before = self.profiles.get((session, user)) if session is not None else None
        change = self.store.change(user, effects, today)
        if session is None:
            return
        if change is not None and before is not None and change.before == before.revision:
            after = apply_effects(before.profile, effects, today)
            self.profiles.put((session, user), Cached(change.after, after))
        else:  # not saved, or someone else wrote in between: read the database again next turn
            self.profiles.forget((session, user))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        user_id = _user_id(request_envelope)
        if user_id:
            self.store.delete(user_key(user_id))
            session = _session_id(request_envelope)
            if session is not None:
                self.profiles.forget((session, user_key(user_id)))
