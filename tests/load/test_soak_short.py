"""A short soak in the suite: gunicorn with PostgreSQL, many users, no 5xx, nothing lost.
The ten-minute version is `python -m bench.soak`."""

from __future__ import annotations

import os

import pytest

from bench.soak import run_soak

SECONDS = float(os.environ.get("BACKSTRETCH_SOAK_SECONDS", "4"))


@pytest.mark.postgres
def test_short_soak_on_gunicorn_and_postgresql(postgres_url: str) -> None:
    figures = run_soak(postgres_url, users=12, seconds=SECONDS)
    assert figures["server_errors"] == 0 and figures["client_failures"] == 0
    assert figures["requests"] > 100
    assert figures["sessions_recorded"] == figures["sessions_expected"] > 0
    assert figures["mismatched_users"] == {}
    assert len(figures["conversations"]) >= 4  # the dialogs were mixed
