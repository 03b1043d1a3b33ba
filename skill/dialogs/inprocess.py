"""The skill as a dialog sees it in-process: verification off, a fresh SQLite store holding the
dialog's starting profile, and the same voice chunking as production."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from flask import Flask

from shared.storage import ProfileStore
from skill.app import create_app
from skill.config import VOICE_CHUNK_SECONDS, SkillConfig
from skill.dialogs.model import Dialog
from skill.dialogs.requests import USER_ID
from skill.dialogs.seed import seed_profile as seed
from skill.dialogs.seed import starting_profile

__all__ = ["VOICE_CHUNK_SECONDS", "dialog_app", "seed_profile"]


def seed_profile(database_url: str, profile: dict[str, Any], today: date) -> None:
    """Store the dialog's starting profile for the dialog's user, as earlier sessions would have."""
    store = ProfileStore.open(database_url)
    try:
        seed(store, USER_ID, starting_profile(profile), today)
    finally:
        store.close()


def dialog_app(dialog: Dialog, folder: Path, config: SkillConfig | None = None) -> Flask:
    database_url = f"sqlite:///{folder / 'dialog.sqlite3'}"
    if dialog.profile:
        seed_profile(database_url, dialog.profile, dialog.today)
    start = datetime.combine(dialog.today, time(9, 0), tzinfo=UTC)
    base = config or SkillConfig()
    return create_app(replace(base, verify=False, database_url=database_url, clock=lambda: start))
