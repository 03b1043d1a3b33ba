"""The skill's one path to lasting progress: a gateway that loads a user's profile for a request
and applies a reply's effects to it.

The gateway is built once, with the skill (skill/builder.py), and handed to the handlers, so they
never reach into ask-sdk's attributes manager and effects stay the engine's own dataclasses from
the reply to the store. Three implementations: the SQL store (skill/persistence.py), any ask-sdk
persistence adapter that keeps a dict per user, such as DynamoDB (skill/dict_profiles.py), and
NoProfiles for a skill configured without either. All follow SafeStore's rule: an outage of the
store costs the user their saved progress, with a log line, never their answer; a bug of ours
raises, for the tests to see (in production the skill's exception handler apologises).

What could not be saved is not dropped: `save` returns the changes the store did not take, which
the handlers carry in the session's attributes and offer again on the next turn, and `park`
keeps those a session can no longer carry (it ended) until the store takes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Protocol

from ask_sdk_model.request_envelope import RequestEnvelope

from shared.profile import Profile
from shared.reply import Effect
from shared.storage.pending import PendingChange


class ProfileGateway(Protocol):
    """Where a request's profile comes from and where its effects go."""

    def load(self, request_envelope: RequestEnvelope) -> Profile | None:
        """The profile of the request's user; None for a new user, or while the store is out."""
        ...

    def apply(self, request_envelope: RequestEnvelope, effects: Sequence[Effect]) -> None:
        """Keep all of one reply's effects for the request's user (nothing is said on failure;
        what the store did not take is parked)."""
        ...

    def save(
        self, request_envelope: RequestEnvelope, changes: Sequence[PendingChange]
    ) -> list[PendingChange]:
        """Save the changes in order; those the store did not take (the first that failed and
        all after it), for the caller to keep and offer again."""
        ...

    def park(self, request_envelope: RequestEnvelope, changes: Sequence[PendingChange]) -> None:
        """Keep changes nobody can carry any more until the store takes them (a last resort)."""
        ...


class NoProfiles:
    """No store configured: every user is new and nothing is kept. The skill still works."""

    def load(self, request_envelope: RequestEnvelope) -> Profile | None:
        return None

    def apply(self, request_envelope: RequestEnvelope, effects: Sequence[Effect]) -> None:
        return None

    def save(
        self, request_envelope: RequestEnvelope, changes: Sequence[PendingChange]
    ) -> list[PendingChange]:
        return []  # nothing is kept, so nothing is left to keep

    def park(self, request_envelope: RequestEnvelope, changes: Sequence[PendingChange]) -> None:
        return None


def user_id_of(envelope: RequestEnvelope) -> str | None:
    """The Alexa user id: from context.System, else the session (some requests lack one)."""
    system = envelope.context.system if envelope.context else None
    if system and system.user and system.user.user_id:
        return system.user.user_id
    session = envelope.session
    return session.user.user_id if session and session.user else None


def request_day(envelope: RequestEnvelope) -> date:
    """The request's own (UTC) day, which effects such as "screened today" are dated with; a
    replayed dialog thus keeps the day it was recorded on."""
    timestamp = getattr(envelope.request, "timestamp", None)
    return (timestamp if isinstance(timestamp, datetime) else datetime.now(UTC)).date()
