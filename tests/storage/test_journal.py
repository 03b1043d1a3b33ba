"""The journal of unsaved work (shared/storage/pending.py): changes kept in order until the store
takes them, shared by processes, in memory when the file itself fails, malformed lines dropped."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from storage_helpers import TODAY, record

from shared.reply import MarkScreened, RecordSession, SavePreferences
from shared.storage.pending import Journal, PendingChange, decode_all


def _change(*effects: object) -> PendingChange:
    return PendingChange.new(effects or (MarkScreened(),), TODAY)  # type: ignore[arg-type]


def test_a_change_round_trips_through_json() -> None:
    change = PendingChange.new([RecordSession(record()), SavePreferences(30, 5)], TODAY)
    assert PendingChange.from_json(json.loads(json.dumps(change.to_json()))) == change
    assert len({PendingChange.new([MarkScreened()], TODAY).change_id for _ in range(5)}) == 5


@pytest.mark.parametrize(
    "carried",
    [
        None,
        "not a list",
        [{"id": "x"}],
        [{"id": "", "day": "2026-01-15", "effects": []}],
        [{"id": "x", "day": "someday", "effects": []}],
        [{"id": "x", "day": "2026-01-15", "effects": [{"type": "explode"}]}],
        [{"id": "x" * 100, "day": "2026-01-15", "effects": []}],
    ],
)
def test_what_a_client_sends_back_malformed_is_dropped(carried: object) -> None:
    assert decode_all(carried) == []


def test_changes_are_replayed_in_order_until_one_fails(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "unsaved.jsonl")
    changes = [_change() for _ in range(4)]
    for number, change in enumerate(changes):
        journal.add(f"user{number}", change)
    assert journal.pending() and journal.count() == 4
    seen: list[str] = []

    def save(user: str, change: PendingChange) -> bool:
        seen.append(user)
        return user != "user2"  # the database goes away at the third

    assert journal.replay(save) == 2
    assert seen == ["user0", "user1", "user2"] and journal.count() == 2
    assert journal.replay(lambda _user, _change: True) == 2
    assert not journal.pending() and journal.count() == 0


def test_changes_added_while_replaying_are_kept(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "unsaved.jsonl")
    journal.add("a", _change())

    def save(user: str, change: PendingChange) -> bool:
        journal.add("b", _change())  # another worker parks a change meanwhile
        return True

    assert journal.replay(save) == 1
    assert [user for user, _ in journal._read()] == ["b"]


def test_one_process_replays_at_a_time(tmp_path: Path) -> None:
    """A second journal on the same file (another worker) does nothing while one replays."""
    path = tmp_path / "unsaved.jsonl"
    first, second = Journal(path), Journal(path)
    first.add("a", _change())
    inside: list[int] = []

    def save(_user: str, _change: PendingChange) -> bool:
        inside.append(second.replay(lambda *_: True))
        return True

    assert first.replay(save) == 1 and inside == [0]


def test_another_process_sees_what_was_parked(tmp_path: Path) -> None:
    path = tmp_path / "unsaved.jsonl"
    Journal(path).add("a", PendingChange.new([RecordSession(record())], date(2026, 1, 14)))
    script = (
        "import sys; from pathlib import Path; from shared.storage.pending import Journal;"
        "print(Journal(Path(sys.argv[1])).replay(lambda u, c: print(u, c.day) or True))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["a", "2026-01-14", "1"]


def test_a_journal_that_cannot_be_written_keeps_changes_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "folder"
    blocker.write_text("a file where the journal's folder should be")
    journal = Journal(blocker / "unsaved.jsonl")
    journal.add("a", _change())
    journal.add("b", _change())
    assert journal.pending() and journal.count() == 2
    assert caplog.text.count("cannot write the journal of unsaved work") == 1  # said once
    assert journal.replay(lambda user, _change: user == "a") == 1
    assert journal.count() == 1  # "b" kept for next time
    assert journal.replay(lambda *_: True) == 1 and not journal.pending()


def test_a_malformed_line_is_dropped_and_the_rest_replayed(tmp_path: Path) -> None:
    path = tmp_path / "unsaved.jsonl"
    journal = Journal(path)
    journal.add("a", _change())
    with open(path, "a") as file:
        file.write("{not json\n")
    journal.add("b", _change())
    users: list[str] = []
    assert journal.replay(lambda user, _change: users.append(user) is None) == 2
    assert users == ["a", "b"]
