"""AWS Lambda entry point: the same handlers, for those who host the skill on Lambda.

Configure the handler as `skill.lambda_function.handler`. Lambda requests are verified by AWS, so no
signature check runs here. For lasting progress on Lambda, see docs/persistence.md (DynamoDB).
"""

from __future__ import annotations

from skill.builder import build_skill, open_store
from skill.config import SkillConfig

handler = build_skill(open_store(SkillConfig.from_env())).lambda_handler()
