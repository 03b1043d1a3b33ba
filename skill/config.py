"""The skill's settings, from code or from the environment (for gunicorn and Lambda)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

# Timed seconds (holds and rests) in one voice response: Alexa plays at most 240 s of audio and
# breaks per response, so a long set is split across turns well inside that limit.
VOICE_CHUNK_SECONDS = 200
MAX_BODY_BYTES = 128 * 1024


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SkillConfig:
    """Everything the endpoint can be told. Verification is on unless turned off explicitly."""

    skill_ids: frozenset[str] = frozenset()
    verify: bool = True
    database_url: str | None = None  # "sqlite:///path", "postgresql://...", or a file path
    clock: Callable[[], datetime] = _utc_now
    fetch_cert: Callable[[str], bytes] | None = (
        None  # injected in tests; default fetches over HTTPS
    )
    trust_roots: list[Any] | None = None  # x509 certificates; default is certifi's bundle
    record_dir: Path | None = None
    journal: Path | None = None  # unsaved work kept until the database takes it (None: derived)
    on_exchange: list[Callable[[dict[str, Any], dict[str, Any]], None]] = field(
        default_factory=list
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SkillConfig:
        """BACKSTRETCH_SKILL_IDS (comma-separated), DATABASE_URL (or BACKSTRETCH_DB; without
        either, a SQLite file in the user's data directory, as the tutor keeps its progress),
        BACKSTRETCH_VERIFY=0 to turn verification off, BACKSTRETCH_RECORD_DIR to record dialogs,
        BACKSTRETCH_JOURNAL for the file of unsaved work (see journal_path)."""
        env = os.environ if environ is None else environ
        ids = frozenset(
            i.strip() for i in env.get("BACKSTRETCH_SKILL_IDS", "").split(",") if i.strip()
        )
        record = env.get("BACKSTRETCH_RECORD_DIR")
        journal = env.get("BACKSTRETCH_JOURNAL")
        return cls(
            skill_ids=ids,
            verify=env.get("BACKSTRETCH_VERIFY", "1").strip().lower()
            not in ("0", "false", "no", "off"),
            database_url=env.get("DATABASE_URL") or env.get("BACKSTRETCH_DB") or _default_db(env),
            record_dir=Path(record) if record else None,
            journal=Path(journal) if journal else None,
        )

    def journal_path(self) -> Path:
        """Where unsaved work waits for the database: as configured; beside a SQLite file (the
        workers sharing the file share the journal); else in the user's data directory. All
        workers of one server share it, so what one could not save another may write back."""
        if self.journal is not None:
            return self.journal
        url = self.database_url or ""
        if url.startswith("sqlite:///") or "://" not in url:
            path = url.removeprefix("sqlite:///") if url.startswith("sqlite") else url
            if path and path != ":memory:":
                return Path(path).expanduser().with_name(Path(path).name + ".unsaved.jsonl")
        return Path(platformdirs.user_data_dir("backstretch")) / "skill-unsaved.jsonl"


def default_skill_database() -> Path:
    """Where the skill keeps progress when no database is configured: beside the tutor's."""
    return Path(platformdirs.user_data_dir("backstretch")) / "skill.sqlite3"


def _default_db(env: Mapping[str, str]) -> str:
    """A SQLite file that remembers by default. On Lambda only /tmp is writable, and it lasts
    as long as one instance: said loudly, with what to configure instead."""
    if env.get("AWS_LAMBDA_FUNCTION_NAME") and not env.get("DYNAMODB_TABLE"):
        log.warning(
            "no store is configured on Lambda: progress is kept in /tmp, which lasts only as "
            "long as this instance. Set DYNAMODB_TABLE (DynamoDB) or DATABASE_URL to keep it."
        )
        return "sqlite:////tmp/backstretch-skill.sqlite3"
    return f"sqlite:///{default_skill_database()}"
