"""Profiles kept by any ask-sdk persistence adapter that stores a dict per user (DynamoDB, S3).

For skills hosted on AWS Lambda: wrap ask-sdk's DynamoDbAdapter and the handlers work unchanged.
Each save reads the stored profile, applies the effects and writes it back; unlike the SQL store
this is last-writer-wins, which is fine for one person talking to one device at a time.

The item keeps, beside the profile, the ids of the last changes written (shared/storage/
pending.py): a change offered again because its write's answer was lost (a timeout after DynamoDB
took it) is found there and not applied twice, as the SQL store does with its sessions' ids.

The service's own errors are outages, as the database's are for SafeStore: logged, and the
conversation goes on without saved progress. Anything else is a bug of ours and raises.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model.request_envelope import RequestEnvelope

from shared.effects import apply_effects
from shared.profile import Profile
from shared.reply import Effect
from shared.storage.pending import Journal, PendingChange
from shared.storage.safe import brief, is_database_failure
from skill.persistence import user_key
from skill.profiles import request_day, user_id_of

log = logging.getLogger(__name__)

T = TypeVar("T")

PROFILE_KEY, CHANGES_KEY = "profile", "changes"
# Ids of the changes written lately, kept in the item: more than a session carries unsaved
# (skill/unsaved.py) many times over, and a few KB of DynamoDB's 400 KB item.
REMEMBERED_CHANGES = 64

# Modules whose exceptions are a cloud service's own failures. Looked up, not imported: if boto
# was never loaded, it cannot have failed (and the SQL-only skill does not pay its import).
_SERVICE_ERRORS = {
    "botocore.exceptions": ("BotoCoreError", "ClientError"),
    "boto3.exceptions": ("Boto3Error",),
}


def is_service_failure(error: Exception) -> bool:
    """An outage of the store: ask-sdk's PersistenceException (its adapters wrap the service's
    errors in it), a botocore/boto3 error, or what counts as one for SafeStore (the network,
    bad stored data)."""
    if isinstance(error, PersistenceException) or is_database_failure(error):
        return True
    for module_name, names in _SERVICE_ERRORS.items():
        module = sys.modules.get(module_name)
        kinds = tuple(getattr(module, name) for name in names if hasattr(module, name))
        if kinds and isinstance(error, kinds):
            return True
    return False


class DictProfiles:
    """The profile gateway (skill/profiles.py) over an adapter holding
    {"profile": dict, "changes": [the last change ids written]}."""

    def __init__(
        self,
        adapter: AbstractPersistenceAdapter,
        logger: logging.Logger = log,
        journal: Journal | None = None,
    ) -> None:
        self.adapter = adapter
        self.log = logger
        self.journal = journal

    def load(self, request_envelope: RequestEnvelope) -> Profile | None:
        self._replay_for(request_envelope)
        return self._guarded("loaded", lambda: self._stored(request_envelope))

    def apply(self, request_envelope: RequestEnvelope, effects: Sequence[Effect]) -> None:
        if effects:
            self._guarded("saved", lambda: self._write(request_envelope, effects))

    def save(
        self, request_envelope: RequestEnvelope, changes: Sequence[PendingChange]
    ) -> list[PendingChange]:
        """Each change read, applied and written back in turn, dated with its own day; one the
        item lists as written already is not applied again."""
        for number, change in enumerate(changes):
            if (
                self._guarded(
                    "saved", functools.partial(self._write_change, request_envelope, change)
                )
                is None
            ):
                return list(changes[number:])
        return []

    def park(self, request_envelope: RequestEnvelope, changes: Sequence[PendingChange]) -> None:
        """Into the journal, for the user's next request here; without one, said, once each."""
        user_id = user_id_of(request_envelope)
        for change in changes:
            if self.journal is not None and user_id:
                self.journal.add(user_key(user_id), change)
            else:
                self.log.warning("a change for the user could not be kept: %s", change.change_id)

    def _replay_for(self, envelope: RequestEnvelope) -> None:
        """Write back what the journal holds for this request's user (a stat when it is empty)."""
        user_id = user_id_of(envelope)
        if self.journal is None or not user_id or not self.journal.pending():
            return
        saved = self.journal.replay(
            lambda _user, change: self.save(envelope, [change]) == [], only=user_key(user_id)
        )
        if saved:
            self.log.warning("%d unsaved changes from the journal are saved now", saved)

    def _stored(self, envelope: RequestEnvelope) -> Profile | None:
        return _profile_of(self.adapter.get_attributes(envelope) or {})

    def _write_change(self, envelope: RequestEnvelope, change: PendingChange) -> bool:
        self._write(envelope, change.effects, change.day, change.change_id)
        return True

    def _write(
        self,
        envelope: RequestEnvelope,
        effects: Sequence[Effect],
        day: date | None = None,
        change_id: str | None = None,
    ) -> None:
        """Read, apply, write back; a failed read saves nothing, rather than overwrite the profile
        with only this reply's effects. A change written before (its id listed) is left alone."""
        item = self.adapter.get_attributes(envelope) or {}
        written = _changes_of(item)
        if change_id is not None and change_id in written:
            return
        profile = apply_effects(_profile_of(item), effects, day or request_day(envelope))
        if profile is None:
            self.adapter.delete_attributes(envelope)
            return
        if change_id is not None:
            written = [*written, change_id][-REMEMBERED_CHANGES:]
        self.adapter.save_attributes(
            envelope, {PROFILE_KEY: profile.to_dict(), CHANGES_KEY: written}
        )

    def _guarded(self, action: str, call: Callable[[], T]) -> T | None:
        """The call's result; None, logged, when the service failed. Bugs of ours raise."""
        try:
            return call()
        except Exception as error:
            if not is_service_failure(error):
                raise
            self.log.warning("progress not %s: %s", action, brief(error))
            return None


def _profile_of(item: dict[str, Any]) -> Profile | None:
    stored = item.get(PROFILE_KEY)
    if not stored:
        return None
    if not isinstance(stored, dict):  # bad stored data: an outage of the store, not a bug
        raise ValueError(f"the stored profile is a {type(stored).__name__}, not an object")
    return Profile.from_dict(stored)


def _changes_of(item: dict[str, Any]) -> list[str]:
    """The ids of the changes written lately (none in an item saved before they were kept)."""
    found = item.get(CHANGES_KEY)
    return [i for i in found if isinstance(i, str)] if isinstance(found, list) else []
