"""The skill as a dialog sees it in-process: verification off, a fresh SQLite store holding the
dialog's starting profile, and the same voice chunking as production."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from flask import Flask

from shared.profile import Profile
from shared.reply import Effect, MarkScreened, RecordSession, SavePreferences
from shared.storage import ProfileStore
from skill.app import create_app
from skill.config import VOICE_CHUNK_SECONDS, SkillConfig
from skill.dialogs.model import Dialog
from skill.dialogs.requests import USER_ID
from skill.persistence import user_key

__all__ = ["VOICE_CHUNK_SECONDS", "dialog_app", "seed_profile"]


def seed_profile(database_url: str, profile: dict[str, Any], today: Any) -> None:
    """Store the dialog's starting profile for the dialog's user, as earlier sessions would have."""
    start = Profile.from_dict(profile)
    effects: list[Effect] = [RecordSession(record) for record in start.sessions]
    if start.hold_seconds and start.reps:
        effects.append(SavePreferences(start.hold_seconds, start.reps))
    store = ProfileStore.open(database_url)
    try:
        store.apply(user_key(USER_ID), effects, today)
        if start.screened_on:
            store.apply(user_key(USER_ID), [MarkScreened()], start.screened_on)
    finally:
        store.close()


def dialog_app(dialog: Dialog, folder: Path, config: SkillConfig | None = None) -> Flask:
    database_url = f"sqlite:///{folder / 'dialog.sqlite3'}"
    if dialog.profile:
        seed_profile(database_url, dialog.profile, dialog.today)
    start = datetime.combine(dialog.today, time(9, 0), tzinfo=UTC)
    base = config or SkillConfig()
    return create_app(replace(base, verify=False, database_url=database_url, clock=lambda: start))
