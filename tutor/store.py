"""The tutor's side of storage: what a session needs from a store, and the key it saves under.

A `TutorSession` only loads a profile and applies effects, so it takes any `SessionStore`: the
SQLite-backed `SafeStore` in the terminal, or a `MemoryStore` where a database would only cost
time (the dialog tool replays every dialog through a real session, and tests do the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol

from shared.effects import apply_effects
from shared.profile import Profile
from shared.reply import Effect


def local_user_key(name: str) -> str:
    """The store key of a terminal profile (`--profile NAME`), apart from Alexa users' keys."""
    return f"local:{name}"


class SessionStore(Protocol):
    """Loads a user's profile and saves effects; `apply` is False when nothing could be saved."""

    def load(self, user_id: str) -> Profile | None: ...

    def apply(self, user_id: str, effects: Iterable[Effect], today: date) -> bool: ...


class MemoryStore:
    """Profiles in a dict, changed by the engine's own `apply_effects`: it never fails."""

    def __init__(self, profiles: Mapping[str, Profile] | None = None) -> None:
        self.profiles: dict[str, Profile] = dict(profiles or {})

    def load(self, user_id: str) -> Profile | None:
        return self.profiles.get(user_id)

    def apply(self, user_id: str, effects: Iterable[Effect], today: date) -> bool:
        profile = apply_effects(self.profiles.get(user_id), effects, today)
        if profile is None:
            self.profiles.pop(user_id, None)
        else:
            self.profiles[user_id] = profile
        return True
