"""A dialog user's starting profile, stored as the sessions before would have stored it.

In-process replay seeds the dialog's own throw-away store directly. Over HTTP the served app offers
POST /_dialog/seed, a test hook that exists only while request verification is off: a dialog's
`profile:` would otherwise be silently ignored by the endpoint, or be a way for anyone to rewrite
any user's progress on a verifying server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Protocol

from flask import Flask, Response, jsonify, request

from shared import messages
from shared.profile import Profile
from shared.reply import (
    DeleteProfile,
    Effect,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
    SaveWeeklyGoal,
)
from skill.persistence import user_key

SEED_PATH = "/_dialog/seed"


class EffectStore(Protocol):
    """ProfileStore and SafeStore alike: one transaction of effects for a user on a day."""

    def apply(self, user_id: str, effects: list[Effect], today: date) -> object: ...


def starting_profile(data: Any) -> Profile:
    """The profile a dialog names, or ValueError saying what is wrong with it."""
    if not isinstance(data, Mapping):
        raise ValueError("a profile must be a mapping")
    try:
        return Profile.from_dict(dict(data))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a profile: {type(error).__name__} {error}") from error


def seed_profile(store: EffectStore, user_id: str, profile: Profile, today: date) -> bool:
    """Replace the user's progress with `profile`; False when the store did not save it.

    The sessions, pacing and cue level are saved on `today`; screening on its own day, because
    whether the safety screen comes back depends on that date."""
    user = user_key(user_id)
    effects: list[Effect] = [DeleteProfile()]
    effects += [RecordSession(record) for record in profile.sessions]
    if profile.hold_seconds and profile.reps:
        effects.append(SavePreferences(profile.hold_seconds, profile.reps))
    if profile.cue_level is not None:
        effects.append(SaveCueLevel(profile.cue_level))
    if profile.weekly_goal is not None:
        effects.append(SaveWeeklyGoal(profile.weekly_goal))
    # ProfileStore answers a revision (None for an empty profile), SafeStore False when not saved
    saved = store.apply(user, effects, today) is not False
    if saved and profile.screened_on:
        saved = store.apply(user, [MarkScreened()], profile.screened_on) is not False
    return saved


def _error(status: int, key: str, **params: Any) -> tuple[Response, int]:
    return jsonify(error=messages.text(key, **params), status=status), status


def _seed_request(data: Any) -> tuple[str, Profile, date]:
    """userId, profile and today from the hook's JSON body, or ValueError naming the problem."""
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object with userId, profile and today")
    user_id, today = data.get("userId"), data.get("today")
    if not isinstance(user_id, str) or not user_id:
        raise ValueError("userId must be a non-empty string")
    if not isinstance(today, str):
        raise ValueError("today must be a date such as 2026-01-15")
    return user_id, starting_profile(data.get("profile")), date.fromisoformat(today)


def add_seed_hook(
    app: Flask, store: EffectStore | None, forget: Callable[[str], None] | None = None
) -> None:
    """POST /_dialog/seed {userId, profile, today}: only ever called with verification off.
    `forget(user_key)` drops a worker's copy of the user, so the next turn reads the seed."""

    @app.post(SEED_PATH)
    def dialog_seed() -> Any:
        if store is None:
            return _error(409, "http.seed_no_store")
        try:
            user_id, profile, today = _seed_request(request.get_json(silent=True))
        except ValueError as error:
            return _error(400, "http.seed_bad_request", detail=str(error))
        if not seed_profile(store, user_id, profile, today):
            return _error(503, "http.seed_not_saved")
        if forget is not None:
            forget(user_key(user_id))
        return jsonify(seeded=True)
