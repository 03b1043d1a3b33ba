"""The SQL profile gateway (skill/persistence.py) with real ask-sdk request envelopes, on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from sqlalchemy import text
from sqlalchemy.engine import make_url
from storage_helpers import (
    CLOSED_PORT_URL,
    CheckedSafeStore,
    all_rows,
    record,
    wait_out_the_pause,
)

import shared.storage.store as store_module
from shared.profile import Profile
from shared.reply import DeleteProfile, MarkScreened, RecordSession, SavePreferences
from shared.storage import SafeStore
from shared.storage.pending import Journal
from skill.dialogs.requests import USER_ID, RequestFactory, Session
from skill.persistence import SqlProfiles, user_key

REQUEST_DAY = date(2026, 1, 15)


def _envelope(session: int = 0, user_id: str = USER_ID) -> RequestEnvelope:
    factory = RequestFactory(
        user_id=user_id, clock=lambda: datetime(2026, 1, 15, 22, 30, tzinfo=UTC)
    )
    raw = factory.launch(Session(number=session))
    return DefaultSerializer().deserialize(json.dumps(raw), "ask_sdk_model.RequestEnvelope")


def _profile(adapter: SqlProfiles, envelope: RequestEnvelope) -> Profile:
    profile = adapter.load(envelope)
    assert isinstance(profile, Profile)
    return profile


@pytest.fixture
def safe(database_url: str) -> Iterator[CheckedSafeStore]:
    opened = CheckedSafeStore.open(database_url)
    assert opened.store is not None
    try:
        yield opened
    finally:
        opened.close()


def test_user_key_is_a_sha256_of_the_alexa_id() -> None:
    key = user_key(USER_ID)
    digest = key.removeprefix("alexa:")
    assert key.startswith("alexa:") and len(digest) == 64 and int(digest, 16) >= 0
    assert user_key(USER_ID) == key and user_key(USER_ID + "x") != key
    assert USER_ID not in key


def test_a_new_user_has_no_attributes_then_a_saved_profile(safe: SafeStore) -> None:
    adapter = SqlProfiles(safe)
    envelope = _envelope()
    assert adapter.load(envelope) is None
    adapter.apply(envelope, [RecordSession(record(1)), SavePreferences(30, 4), MarkScreened()])
    profile = _profile(adapter, envelope)
    assert profile.sessions == (record(1),)
    assert (profile.hold_seconds, profile.reps) == (30, 4)
    assert profile.screened_on == REQUEST_DAY  # the request's own (UTC) day
    # Another worker, with nothing cached, reads the same from the database.
    assert _profile(SqlProfiles(safe), _envelope(session=7)) == profile


def test_saving_no_effects_writes_nothing(safe: CheckedSafeStore) -> None:
    adapter = SqlProfiles(safe)
    envelope = _envelope()
    adapter.apply(envelope, [])
    adapter.apply(envelope, ())
    assert adapter.load(envelope) is None
    assert safe.revision(user_key(USER_ID)) is None


def test_the_raw_user_id_is_stored_nowhere(safe: SafeStore, database_url: str) -> None:
    adapter = SqlProfiles(safe)
    envelope = _envelope()
    adapter.apply(envelope, [RecordSession(record()), SavePreferences(25, 6), MarkScreened()])
    assert safe.store is not None
    rows = all_rows(safe.store.engine)
    assert [row[0] for row in rows["users"]] == [user_key(USER_ID)]
    dumped = repr(rows)
    assert USER_ID not in dumped and "DIALOG-USER" not in dumped
    with safe.store.engine.connect() as connection:
        owners = connection.execute(text("SELECT DISTINCT user_id FROM sessions")).scalars()
        assert list(owners) == [user_key(USER_ID)]
    if database_url.startswith("sqlite"):  # not even in the file's bytes (or its WAL)
        path = Path(make_url(database_url).database or "")
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        assert files and all(b"DIALOG-USER" not in p.read_bytes() for p in files)


def test_users_are_kept_apart(safe: SafeStore) -> None:
    adapter = SqlProfiles(safe)
    first, second = (
        _envelope(user_id="amzn1.ask.account.A"),
        _envelope(user_id="amzn1.ask.account.B"),
    )
    adapter.apply(first, [SavePreferences(20, 3)])
    assert adapter.load(second) is None
    adapter.apply(second, [SavePreferences(40, 8)])
    assert _profile(adapter, first).hold_seconds == 20
    assert _profile(adapter, second).hold_seconds == 40


def test_a_delete_profile_effect_forgets_the_user(safe: SafeStore) -> None:
    adapter = SqlProfiles(safe)
    envelope = _envelope()
    adapter.apply(envelope, [RecordSession(record()), MarkScreened()])
    assert adapter.load(envelope) is not None
    adapter.apply(envelope, [DeleteProfile()])
    assert adapter.load(envelope) is None
    assert safe.store is not None and safe.store.count_sessions(user_key(USER_ID)) == 0


def test_an_envelope_without_a_user_reads_and_writes_nothing(safe: SafeStore) -> None:
    raw = RequestFactory().launch(Session())
    del raw["context"]["System"]["user"]
    del raw["session"]["user"]
    envelope = DefaultSerializer().deserialize(json.dumps(raw), "ask_sdk_model.RequestEnvelope")
    adapter = SqlProfiles(safe)
    assert adapter.load(envelope) is None
    adapter.apply(envelope, [MarkScreened()])
    adapter.apply(envelope, [DeleteProfile()])
    assert safe.store is not None and all_rows(safe.store.engine)["users"] == []


def test_another_workers_changes_are_seen_on_the_next_turn(database_url: str) -> None:
    """Two servers behind a load balancer, each with its own engine and cache."""
    here, there = SafeStore.open(database_url), SafeStore.open(database_url)
    try:
        server_a, server_b = SqlProfiles(here), SqlProfiles(there)
        envelope = _envelope()
        server_a.apply(envelope, [SavePreferences(20, 3)])
        assert _profile(server_a, envelope).hold_seconds == 20  # now cached on server A
        server_b.apply(envelope, [RecordSession(record()), SavePreferences(45, 9)])
        profile = _profile(server_a, envelope)
        assert profile.hold_seconds == 45 and profile.sessions == (record(),)
        server_b.apply(envelope, [DeleteProfile()])  # "delete my data" handled by the other server
        assert server_a.load(envelope) is None
    finally:
        here.close()
        there.close()


def test_a_change_made_between_reading_and_saving_is_not_hidden(database_url: str) -> None:
    here, there = SafeStore.open(database_url), SafeStore.open(database_url)
    try:
        server_a, server_b = SqlProfiles(here), SqlProfiles(there)
        envelope, other_device = _envelope(session=1), _envelope(session=2)
        assert server_a.load(envelope) is None  # turn starts: nothing saved yet
        server_b.apply(other_device, [RecordSession(record(1, "both"))])
        server_a.apply(envelope, [RecordSession(record(0, "neck"))])
        assert here.store is not None and here.store.count_sessions(user_key(USER_ID)) == 2
        profile = _profile(server_a, envelope)  # the next turn of the same session
        assert [s.area for s in profile.sessions] == ["both", "neck"]
    finally:
        here.close()
        there.close()


def test_another_servers_session_is_read_alone_not_the_whole_profile(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, there = SafeStore.open(database_url), SafeStore.open(database_url)
    built: list[Any] = []
    real = store_module._record
    monkeypatch.setattr(store_module, "_record", lambda row: built.append(row) or real(row))
    try:
        server_a, server_b = SqlProfiles(here), SqlProfiles(there)
        envelope = _envelope()
        server_a.apply(envelope, [RecordSession(record(d)) for d in range(20)])
        assert len(_profile(server_a, envelope).sessions) == 20  # read once on server A
        server_a.apply(envelope, [RecordSession(record(0, "both"))])
        built.clear()
        assert len(_profile(server_a, envelope).sessions) == 21  # its own write, from memory
        assert built == []
        server_b.apply(envelope, [RecordSession(record(0, "lower_back"))])
        profile = _profile(server_a, envelope)
        assert [s.area for s in profile.sessions[-2:]] == ["both", "lower_back"]
        assert len(built) == 1  # only the other server's session was read
    finally:
        here.close()
        there.close()


def test_a_database_that_is_down_never_fails_a_request(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        safe = SafeStore.open(CLOSED_PORT_URL, timeout=1)
        adapter = SqlProfiles(safe)
        envelope = _envelope()
        assert adapter.load(envelope) is None
        adapter.apply(envelope, [RecordSession(record()), MarkScreened()])  # silent: no exception
        adapter.apply(envelope, [DeleteProfile()])
        assert adapter.load(envelope) is None
    assert "progress not saved for now: cannot open the database" in caplog.text


def test_a_database_lost_mid_session_goes_on_from_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = tmp_path / "data"
    safe = SafeStore.open(str(home / "progress.sqlite3"), timeout=1)
    assert safe.store is not None
    adapter = SqlProfiles(safe, journal=Journal(tmp_path / "unsaved.jsonl"))
    envelope = _envelope()
    adapter.apply(envelope, [SavePreferences(30, 4)])
    assert _profile(adapter, envelope).hold_seconds == 30  # read once, now cached
    home.rename(tmp_path / "gone")
    safe.store.engine.dispose()
    try:
        with caplog.at_level(logging.WARNING):
            assert _profile(adapter, envelope).hold_seconds == 30  # the session goes on
            adapter.apply(envelope, [RecordSession(record())])  # no exception
            assert not safe.healthy
            # the failed save kept the copy, the session in it: the next session on this
            # worker greets a returning user
            later = adapter.load(_envelope(session=5))
            assert later is not None and later.is_returning and later.hold_seconds == 30
        assert "cannot open the database" in caplog.text
        assert adapter.journal is not None and adapter.journal.count() == 1  # parked
    finally:
        (tmp_path / "gone").rename(home)
    wait_out_the_pause(safe)
    assert _profile(adapter, envelope).hold_seconds == 30 and safe.healthy
    _wait_for(lambda: adapter.journal is not None and adapter.journal.count() == 0)
    assert safe.store is not None and safe.store.count_sessions(user_key(USER_ID)) == 1
    safe.close()


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """The journal is written back by a thread of the gateway's: wait for it, a while."""
    give_up = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < give_up, "not written back in time"
        time.sleep(0.02)
