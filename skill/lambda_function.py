"""AWS Lambda entry point: the same handlers, for those who host the skill on Lambda.

Configure the handler as `skill.lambda_function.handler`. Lambda requests come through Alexa's own
trigger, so no signature check runs here. Progress: set DYNAMODB_TABLE to keep it in DynamoDB
(install ask-sdk-dynamodb-persistence-adapter), or DATABASE_URL for a SQL database. What a
session could not save waits in BACKSTRETCH_JOURNAL, by default a file in /tmp, the only folder
Lambda lets a function write.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.builder import open_store, profiles_for, skill_builder
from skill.config import SkillConfig

if TYPE_CHECKING:  # imported where DynamoDB is configured: a cold start pays for what it uses
    from skill.dict_profiles import DictProfiles


def dynamodb_profiles(table: str, journal: Path) -> DictProfiles:
    """Profiles in ask-sdk's DynamoDB adapter (which creates the table on first use)."""
    # optional: installed only in Lambda deployments, and it ships no type information
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter  # type: ignore[import-not-found]

    from shared.storage.pending import Journal
    from skill.dict_profiles import DictProfiles

    adapter = DynamoDbAdapter(table_name=table, create_table=True)
    return DictProfiles(adapter, journal=Journal(journal))


def lambda_journal_path(config: SkillConfig) -> Path:
    """The configured journal (BACKSTRETCH_JOURNAL), else a file in the temporary folder (/tmp
    on Lambda)."""
    return config.journal or Path(tempfile.gettempdir()) / "backstretch-unsaved.jsonl"


def _builder() -> CustomSkillBuilder:
    config = SkillConfig.from_env()
    table = os.environ.get("DYNAMODB_TABLE")
    if table:
        return skill_builder(dynamodb_profiles(table, lambda_journal_path(config)))
    return skill_builder(profiles_for(open_store(config), config.journal_path()))


handler = _builder().lambda_handler()
