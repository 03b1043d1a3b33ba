"""The fault suite needs a PostgreSQL server (TEST_DATABASE_URL): skipped without one, but
failed on CI, which must run it."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("TEST_DATABASE_URL is not set: CI must run the fault suite, not skip it")
    pytest.skip("the fault suite needs TEST_DATABASE_URL (postgresql://...)")
