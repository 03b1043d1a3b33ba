"""The store's state where operators look (#17 point 1): /readyz heals a store that could not be
opened, without waiting for traffic (an instance taken out of rotation still comes back), and
/metrics shows each worker's store as ready, failing or unavailable."""

from __future__ import annotations

import time
from pathlib import Path

from prometheus_client import REGISTRY

from shared.storage import SafeStore
from skill.app import create_app
from skill.config import SkillConfig
from skill.readiness import STORE_NOT_OPENED


def _state(name: str) -> float:
    return REGISTRY.get_sample_value("backstretch_store_state", {"state": name}) or 0.0


def test_a_store_that_could_not_open_heals_through_readyz_alone(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the database folder should be")
    app = create_app(SkillConfig(verify=False, database_url=str(blocker / "p.sqlite3")))
    store = app.extensions["backstretch.endpoint"].store
    assert isinstance(store, SafeStore)
    client = app.test_client()
    try:
        answer = client.get("/readyz")
        assert answer.status_code == 503 and answer.json["reason"] == STORE_NOT_OPENED
        assert _state("unavailable") == 1 and _state("ready") == 0
        blocker.unlink()  # the cause is fixed; no turn comes (the instance is out of traffic)
        time.sleep(store.retry_in())
        answer = client.get("/readyz")
        assert answer.status_code == 200 and answer.json == {"status": "ready", "store": "sqlite"}
        assert store.state == "ready" and _state("ready") == 1 and _state("unavailable") == 0
        metrics = client.get("/metrics").get_data(as_text=True)
        assert 'backstretch_store_state{state="ready"} 1.0' in metrics
    finally:
        store.close()


def test_a_failing_store_shows_as_failing(tmp_path: Path) -> None:
    home = tmp_path / "data"
    app = create_app(SkillConfig(verify=False, database_url=str(home / "p.sqlite3")))
    store = app.extensions["backstretch.endpoint"].store
    assert isinstance(store, SafeStore) and store.store is not None
    try:
        assert _state("ready") == 1
        store.store.engine.dispose()
        (home / "p.sqlite3").write_bytes(b"not a database" * 100)  # a disk fault, in place
        for suffix in ("-wal", "-shm"):
            (home / f"p.sqlite3{suffix}").unlink(missing_ok=True)
        assert store.load("u") is None
        assert store.state == "failing" and _state("failing") == 1 and _state("ready") == 0
    finally:
        store.close()
