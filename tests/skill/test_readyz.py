"""GET /readyz: 200 while the store answers a trivial query in time, 503 with a short, stable
reason when it does not; /healthz stays liveness only."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from shared.storage import ProfileStore, SafeStore
from skill.app import create_app
from skill.config import SkillConfig
from skill.readiness import STORE_FAILED, STORE_NOT_OPENED, STORE_TOO_SLOW, ReadinessProbe

Serve = Callable[[str | None], FlaskClient]


@pytest.fixture
def served() -> Iterator[Serve]:
    """Apps on a database URL; their stores closed after the test."""
    stores: list[SafeStore] = []

    def serve(database_url: str | None) -> FlaskClient:
        app = create_app(SkillConfig(verify=False, database_url=database_url))
        store = app.extensions["backstretch.endpoint"].store
        stores.extend([store] if store is not None else [])
        return app.test_client()

    yield serve
    for store in stores:
        store.close()


def corrupt(folder: Path) -> None:
    """Overwrite the SQLite file and its WAL in place, as a disk fault would."""
    for path in folder.iterdir():
        path.write_bytes(b"garbage!" * (path.stat().st_size // 8 + 1))


def test_a_store_that_answers_is_ready(served: Serve, database_url: str) -> None:
    answer = served(database_url).get("/readyz")
    dialect = "postgresql" if database_url.startswith("postgres") else "sqlite"
    assert (answer.status_code, answer.json) == (200, {"status": "ready", "store": dialect})


def test_without_a_store_configured_it_is_ready_remembering_nothing(served: Serve) -> None:
    answer = served(None).get("/readyz")
    assert (answer.status_code, answer.json) == (200, {"status": "ready", "store": "none"})


def test_a_store_that_could_not_open_is_not_ready(served: Serve, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    client = served(f"sqlite:///{blocked}/p.sqlite3")
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json == {"status": "not ready", "reason": STORE_NOT_OPENED}
    assert client.get("/healthz").status_code == 200


def test_a_corrupted_store_is_not_ready_and_says_only_why(
    served: Serve, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "db"
    client = served(f"sqlite:///{folder / 'p.sqlite3'}")
    assert client.get("/readyz").status_code == 200
    corrupt(folder)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json == {"status": "not ready", "store": "sqlite", "reason": STORE_FAILED}
    assert "not a database" not in answer.get_data(as_text=True)  # the detail is for the log
    assert "not a database" in caplog.text
    assert client.get("/healthz").json == {"status": "ok"}


def _store(tmp_path: Path) -> SafeStore:
    return SafeStore.open(f"sqlite:///{tmp_path / 'p.sqlite3'}")


def test_a_store_that_hangs_is_not_ready_within_the_deadline(tmp_path: Path) -> None:
    release, calls = threading.Event(), []

    def hanging(store: ProfileStore) -> None:
        calls.append(1)
        release.wait(5)

    probe = ReadinessProbe(_store(tmp_path), deadline=0.1, check=hanging)
    started = time.monotonic()
    assert probe.probe() == (
        503,
        {"status": "not ready", "store": "sqlite", "reason": STORE_TOO_SLOW},
    )
    assert probe.probe()[0] == 503
    assert time.monotonic() - started < 1.0
    assert len(calls) == 1  # the second check waited for the query still running
    release.set()
    time.sleep(0.05)
    assert probe.probe()[0] == 200
    assert len(calls) == 2


def test_changes_are_logged_once_each_way(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    failing = [True]

    def check(store: ProfileStore) -> None:
        if failing[0]:
            raise OSError("disk gone")

    caplog.set_level(logging.INFO, "skill.readiness")
    probe = ReadinessProbe(_store(tmp_path), check=check)
    for _ in range(3):
        assert probe.probe()[0] == 503
    failing[0] = False
    for _ in range(3):
        assert probe.probe()[0] == 200
    assert caplog.text.count("not ready: store query failed (disk gone)") == 1
    assert caplog.text.count("ready again") == 1
