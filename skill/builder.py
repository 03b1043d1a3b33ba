"""Assembling the ask-sdk skill from the handlers and, when configured, a progress store."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill_builder import CustomSkillBuilder

from shared.storage import SafeStore
from skill.config import SkillConfig
from skill.handlers import REQUEST_HANDLERS, ApologyExceptionHandler
from skill.persistence import ProfilePersistenceAdapter


def open_store(config: SkillConfig) -> SafeStore | None:
    """The configured store, or None: without one the skill works, it just does not remember."""
    return SafeStore.open(config.database_url) if config.database_url else None


def skill_builder(
    store: SafeStore | None, adapter: AbstractPersistenceAdapter | None = None
) -> CustomSkillBuilder:
    """Handlers registered; progress goes to `store` (SQL) or another ask-sdk `adapter`."""
    if adapter is None and store is not None:
        adapter = ProfilePersistenceAdapter(store)
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler())
    builder.add_exception_handler(ApologyExceptionHandler())
    return builder


def build_skill(store: SafeStore | None) -> Any:
    return skill_builder(store).create()
