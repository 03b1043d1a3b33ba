"""AWS Lambda entry point: the same handlers, for those who host the skill on Lambda.

Configure the handler as `skill.lambda_function.handler`. Lambda requests come through Alexa's own
trigger, so no signature check runs here. Progress: set DYNAMODB_TABLE to keep it in DynamoDB
(install ask-sdk-dynamodb-persistence-adapter), or DATABASE_URL for a SQL database.
"""

from __future__ import annotations

import os
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.builder import open_store, skill_builder
from skill.config import SkillConfig
from skill.dict_adapter import DictProfileAdapter


def dynamodb_adapter(table: str) -> AbstractPersistenceAdapter:
    """ask-sdk's DynamoDB adapter (created on first use of the table), wrapped for profiles."""
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter

    return DictProfileAdapter(DynamoDbAdapter(table_name=table, create_table=True))


def _builder() -> Any:
    table = os.environ.get("DYNAMODB_TABLE")
    if table:
        return skill_builder(None, dynamodb_adapter(table))
    return skill_builder(open_store(SkillConfig.from_env()))


handler = _builder().lambda_handler()
