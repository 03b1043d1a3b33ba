"""What the engine needs from outside for one turn, and the profile read on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from shared.locales import DEFAULT_LOCALE
from shared.profile import Profile


@dataclass(frozen=True, slots=True)
class Context:
    """What the engine needs from outside for one turn."""

    today: date
    profile: Profile | None = None
    # Timed seconds (holds and rests) allowed in one reply: None = a whole side's set per reply,
    # 0 = one repetition per reply (a timed front end that reports progress after each hold).
    max_chunk_seconds: int | None = None
    locale: str = DEFAULT_LOCALE
    # For a caller whose profile costs a database read: called at most once a turn, and only on
    # a turn that uses the profile (most turns of a routine don't); `profile` is then unused.
    load_profile: Callable[[], Profile | None] | None = None


class ProfileOnFirstUse:
    """The context's profile, read when a turn first needs it and kept for the rest of it."""

    def __init__(self, context: Context) -> None:
        self._load = context.load_profile
        self._profile = context.profile

    def __call__(self) -> Profile | None:
        if self._load is not None:
            self._profile, self._load = self._load(), None
        return self._profile
