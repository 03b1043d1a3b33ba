"""SQLite files that fail under a running store (#17 points 1 and 4): deleted or replaced (every
worker notices, says so and opens the file now at the path: never two workers on two files),
made read-only and writable again, and a full disk. The last two need a small tmpfs of their
own, mounted here when the test may (root); otherwise they are skipped, saying why."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from storage_helpers import TODAY, record, wait_out_the_pause

from shared.reply import MarkScreened, RecordSession, SavePreferences
from shared.storage import SafeStore


def _sessions(safe: SafeStore) -> int:
    assert safe.store is not None
    return safe.store.count_sessions("u")


def test_a_deleted_file_is_noticed_by_every_worker_which_all_open_the_new_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "progress.sqlite3"
    first, second = SafeStore.open(str(path)), SafeStore.open(str(path))  # two workers
    try:
        assert first.apply("u", [RecordSession(record())], TODAY)
        assert second.load("u") is not None
        path.unlink()  # the -wal and -shm it leaves belong to the deleted file
        with caplog.at_level(logging.ERROR):
            assert first.apply("u", [RecordSession(record())], TODAY) is True
            assert second.apply("u", [RecordSession(record())], TODAY) is True
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors == [
            f"the database file {path} was deleted while in use: reopening it",
            f"the database file {path} was replaced while in use: reopening it",  # a new one
        ]
        assert path.exists() and _sessions(first) == _sessions(second) == 2  # one file for both
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("SELECT count(*) FROM sessions").fetchone() == (2,)
    finally:
        first.close()
        second.close()


def test_a_replaced_file_is_followed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path, other = tmp_path / "progress.sqlite3", tmp_path / "restored.sqlite3"
    safe = SafeStore.open(str(path))
    try:
        assert safe.apply("u", [RecordSession(record())], TODAY)
        restored = SafeStore.open(str(other))  # a backup, say, with two sessions
        for _ in range(2):
            restored.apply("u", [RecordSession(record())], TODAY)
        restored.close()
        os.replace(other, path)
        with caplog.at_level(logging.ERROR):
            profile = safe.load("u")
        assert profile is not None and len(profile.sessions) == 2
        assert "was replaced while in use: reopening it" in caplog.text
    finally:
        safe.close()


@contextmanager
def _tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `folder`, unmounted afterwards; skipped where it cannot be mounted."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'not root'})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _remount(folder: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)


def test_read_only_then_writable_again(tmp_path: Path) -> None:
    """A worker started while the file is read-only opens it read-only: once it is writable
    again, those connections are not kept, and the worker saves."""
    with _tmpfs(tmp_path / "volume", "8m") as volume:
        path = volume / "progress.sqlite3"
        before = SafeStore.open(str(path))
        assert before.apply("u", [RecordSession(record())], TODAY)
        before.close()  # a volume with files open for writing cannot be made read-only
        _remount(volume, "ro")
        restarted = SafeStore.open(str(path))  # a worker started meanwhile
        try:
            assert restarted.apply("u", [SavePreferences(30, 5)], TODAY) is False
            _remount(volume, "rw")
            wait_out_the_pause(restarted)
            assert restarted.apply("u", [RecordSession(record())], TODAY) is True
            wait_out_the_pause(restarted)
            assert restarted.apply("u", [SavePreferences(30, 5)], TODAY) is True
            assert _sessions(restarted) == 2
        finally:
            restarted.close()


def test_a_full_disk_fails_saves_until_there_is_room_again(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "volume", "4m") as volume:
        path = volume / "progress.sqlite3"
        safe = SafeStore.open(str(path))
        try:
            assert safe.apply("u", [RecordSession(record())], TODAY)
            filler = volume / "filler"
            with open(filler, "wb") as fill:
                try:
                    while True:
                        fill.write(b"\0" * 65536)
                        fill.flush()
                except OSError:
                    pass  # the disk is full
            big = [RecordSession(record(stretches=("neck_flexion",) * 5000))]
            assert safe.apply("u", big, TODAY) is False
            assert safe.apply("u", [MarkScreened()], TODAY) is False  # the pause
            filler.unlink()
            wait_out_the_pause(safe)
            assert safe.apply("u", big, TODAY) is True
            assert _sessions(safe) == 2
        finally:
            safe.close()


def test_connections_opened_read_only_are_replaced_once_the_file_is_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the file itself is read-only (chmod, for a worker not run as root), SQLite opens it
    read-only without a word: such a connection is flagged when made, and replaced at checkout
    as soon as the file is writable again."""
    from sqlalchemy import event

    from shared.storage import ProfileStore, guarded

    path = tmp_path / "progress.sqlite3"
    ProfileStore.open(str(path)).close()
    writable = {"now": False}
    monkeypatch.setattr(guarded, "_writable", lambda _path: writable["now"])
    store = ProfileStore.open(str(path))
    made: list[bool] = []
    event.listen(store.engine, "connect", lambda *_: made.append(True))
    try:
        store.load("u")
        store.load("u")
        assert made == []  # the pooled read-only connection is used while the file is so
        writable["now"] = True
        store.load("u")
        assert made == [True]  # replaced by one opened read-write
        store.load("u")
        assert made == [True]  # and that one is kept
    finally:
        store.close()
