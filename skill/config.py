"""The skill's settings, from code or from the environment (for gunicorn and Lambda)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    on_exchange: list[Callable[[dict[str, Any], dict[str, Any]], None]] = field(
        default_factory=list
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SkillConfig:
        """BACKSTRETCH_SKILL_IDS (comma-separated), DATABASE_URL (or BACKSTRETCH_DB),
        BACKSTRETCH_VERIFY=0 to turn verification off, BACKSTRETCH_RECORD_DIR to record dialogs."""
        env = os.environ if environ is None else environ
        ids = frozenset(
            i.strip() for i in env.get("BACKSTRETCH_SKILL_IDS", "").split(",") if i.strip()
        )
        record = env.get("BACKSTRETCH_RECORD_DIR")
        return cls(
            skill_ids=ids,
            verify=env.get("BACKSTRETCH_VERIFY", "1").strip().lower()
            not in ("0", "false", "no", "off"),
            database_url=env.get("DATABASE_URL") or env.get("BACKSTRETCH_DB") or None,
            record_dir=Path(record) if record else None,
        )
