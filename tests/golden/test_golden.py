"""Replays the golden transcripts: the engine and the skill answer byte for byte as recorded."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from tests.golden.transcripts import (
    DIALOG_FILE,
    ENGINE_FILE,
    _dialog_responses,
    run_sequence,
    sequence_cases,
)


def _recorded_sequences() -> dict[int, str]:
    with gzip.open(ENGINE_FILE, "rt", encoding="utf-8") as lines:
        return {json.loads(line)["number"]: line.rstrip("\n") for line in lines if line.strip()}


RECORDED = _recorded_sequences()
CASES = list(sequence_cases())


def test_every_recorded_sequence_is_replayed() -> None:
    assert sorted(RECORDED) == [case["number"] for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"sequence-{case['number']}")
def test_engine_sequence_is_byte_identical(case: dict[str, Any]) -> None:
    replayed = json.dumps(run_sequence(case), sort_keys=True)
    if replayed != RECORDED[case["number"]]:
        recorded = json.loads(RECORDED[case["number"]])
        now = json.loads(replayed)
        for index, (old, new) in enumerate(zip(recorded["turns"], now["turns"], strict=True)):
            assert new == old, f"turn {index} ({case['events'][index]}) differs"
        assert now["cut_short"] == recorded["cut_short"]
        pytest.fail("the JSON differs in formatting or key order only")


def test_shipped_dialogs_answer_as_recorded() -> None:
    recorded = json.loads(DIALOG_FILE.read_text())
    now = json.loads(json.dumps(_dialog_responses(), sort_keys=True))
    assert sorted(now) == sorted(recorded)
    for name in recorded:
        voice = zip(recorded[name]["voice"], now[name]["voice"], strict=False)
        for index, (old, new) in enumerate(voice):
            assert new == old, f"{name}: voice turn {index} differs"
        assert now[name] == recorded[name], name
