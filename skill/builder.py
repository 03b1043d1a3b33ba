"""Assembling the ask-sdk skill: the handlers, each built with the one profile gateway."""

from __future__ import annotations

import logging
from pathlib import Path

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from shared.storage import SafeStore
from shared.storage.pending import Journal
from shared.storage.safe import FailureHook, StateHook
from skill.config import SkillConfig
from skill.handlers import REQUEST_HANDLERS, ApologyExceptionHandler
from skill.persistence import SqlProfiles
from skill.profiles import NoProfiles, ProfileGateway
from skill.reminders import REMINDER_HANDLERS, TimedApiClient

log = logging.getLogger(__name__)


def open_store(
    config: SkillConfig,
    on_failure: FailureHook | None = None,
    on_state: StateHook | None = None,
) -> SafeStore | None:
    """The configured store, or None: without one the skill works, it just does not remember.
    Where progress is kept is logged at start-up (a password in the URL is not). `on_failure`
    is told of each failure the store absorbs (the endpoint's metrics count them), `on_state` of
    each change of its state (ready, failing, unavailable: the metrics show it)."""
    if not config.database_url:
        log.info("no store configured: progress is not kept")
        return None
    log.info("keeping progress in %s", shown_url(config.database_url))
    return SafeStore.open(config.database_url, on_failure=on_failure, on_state=on_state)


def shown_url(url: str) -> str:
    """A database URL fit for a log line: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # a plain path: nothing secret in it
        return url


def profiles_for(store: SafeStore | None, journal: Path | None = None) -> ProfileGateway:
    """The gateway over the SQL store, or one that remembers nothing when there is none. With
    a `journal`, work a session could not save survives it there (skill/persistence.py)."""
    if store is None:
        return NoProfiles()
    return SqlProfiles(store, journal=Journal(journal) if journal is not None else None)


def skill_builder(profiles: ProfileGateway) -> CustomSkillBuilder:
    """Handlers registered, all sharing `profiles`. No ask-sdk persistence adapter: progress
    goes through the gateway, as typed effects, never through the SDK's attributes. An ApiClient
    gives handlers ask-sdk's service clients (the reminders, skill/reminders/)."""
    builder = CustomSkillBuilder(api_client=TimedApiClient())
    for handler in (*REMINDER_HANDLERS, *REQUEST_HANDLERS):
        builder.add_request_handler(handler(profiles))
    builder.add_exception_handler(ApologyExceptionHandler())
    return builder


def build_skill(store: SafeStore | None) -> CustomSkill:
    return skill_builder(profiles_for(store)).create()
