"""Effects as JSON: every effect type round-trips; malformed entries are refused, named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from storage_helpers import TODAY, record

from shared.events import CueLevel
from shared.profile import STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM, SessionRecord
from shared.reply import (
    ClearScreening,
    DeleteProfile,
    Effect,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
)
from shared.storage.codec import (
    effect_from_json,
    effect_to_json,
    effects_from_json,
    effects_to_json,
)

EVERY_EFFECT: list[Effect] = [
    RecordSession(record(3, "lower_back", 2, stretches=("knee_to_chest", "cat_cow"))),
    RecordSession(SessionRecord(TODAY, "both", (), 0, False)),
    RecordSession(
        SessionRecord(
            TODAY,
            "neck",
            ("neck_flexion", "lateral_flexion"),
            2,
            False,
            pain_stretch="lateral_flexion",
            feelings=(("neck_flexion", "tight"), ("lateral_flexion", "painful")),
            stopped_for=STOPPED_FOR_PAIN,
        )
    ),
    RecordSession(
        SessionRecord(
            TODAY,
            "lower_back",
            ("knee_to_chest",),
            0,
            False,
            None,
            (("knee_to_chest", "numb"),),
            STOPPED_FOR_SYMPTOM,
        )
    ),
    SavePreferences(30, 4),
    *(SaveCueLevel(level) for level in CueLevel),
    MarkScreened(),
    ClearScreening(),
    DeleteProfile(),
]


@pytest.mark.parametrize("effect", EVERY_EFFECT, ids=lambda e: type(e).__name__)
def test_each_effect_round_trips_through_json_text(effect: Effect) -> None:
    encoded = effect_to_json(effect)
    assert isinstance(encoded["type"], str)
    assert effect_from_json(json.loads(json.dumps(encoded))) == effect


def test_a_list_of_effects_round_trips_in_order() -> None:
    encoded = effects_to_json(EVERY_EFFECT)
    assert [item["type"] for item in encoded] == [
        "record_session",
        "record_session",
        "record_session",
        "record_session",
        "save_preferences",
        "save_cue_level",
        "save_cue_level",
        "save_cue_level",
        "mark_screened",
        "clear_screening",
        "delete_profile",
    ]
    assert effects_from_json(json.loads(json.dumps(encoded))) == EVERY_EFFECT
    assert effects_from_json(tuple(encoded)) == EVERY_EFFECT
    assert effects_to_json([]) == [] and effects_from_json([]) == []


def test_the_json_form_is_stable() -> None:
    """What travels in session attributes between deployments must not change shape."""
    effects: list[Effect] = [
        SavePreferences(25, 6),
        SaveCueLevel(CueLevel.FEWER),
        MarkScreened(),
        ClearScreening(),
        DeleteProfile(),
    ]
    assert effects_to_json(effects) == [
        {"type": "save_preferences", "hold_seconds": 25, "reps": 6},
        {"type": "save_cue_level", "cue_level": "fewer"},
        {"type": "mark_screened"},
        {"type": "clear_screening"},
        {"type": "delete_profile"},
    ]
    stopped = SessionRecord(
        TODAY,
        "neck",
        ("neck_flexion",),
        2,
        False,
        "neck_flexion",
        (("neck_flexion", "painful"),),
        "pain",
    )
    assert effect_to_json(RecordSession(stopped)) == {
        "type": "record_session",
        "record": {
            "day": TODAY.isoformat(),
            "area": "neck",
            "stretches": ["neck_flexion"],
            "pain_reports": 2,
            "completed": False,
            "pain_stretch": "neck_flexion",
            "feelings": [["neck_flexion", "painful"]],
            "stopped_for": "pain",
            "levels": [],
        },
    }


def test_a_record_from_before_the_outcome_fields_still_decodes() -> None:
    """Effects encoded by the previous release (no pain_stretch, feelings, stopped_for) get the
    record's defaults."""
    old = {
        "day": TODAY.isoformat(),
        "area": "neck",
        "stretches": ["neck_flexion", "lateral_flexion"],
        "pain_reports": 1,
        "completed": True,
    }
    decoded = effect_from_json({"type": "record_session", "record": old})
    assert decoded == RecordSession(record(0, "neck", 1))


def test_a_decoded_cue_level_is_the_enum_member() -> None:
    """Not merely a string equal to it: the engine compares and stores CueLevel members."""
    decoded = effect_from_json({"type": "save_cue_level", "cue_level": "more"})
    assert isinstance(decoded, SaveCueLevel) and decoded.cue_level is CueLevel.MORE
    assert json.dumps(effect_to_json(decoded)) == '{"type": "save_cue_level", "cue_level": "more"}'


def test_an_unknown_effect_object_cannot_be_encoded() -> None:
    with pytest.raises(TypeError, match="no JSON form"):
        effect_to_json("not an effect")  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [{"type": "mark_screened"}, "mark_screened", None, 3])
def test_effects_must_be_a_list(data: Any) -> None:
    with pytest.raises(ValueError, match="effects must be a list"):
        effects_from_json(data)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"type": "explode"}, "unknown effect 'explode'"),
        ({"kind": "mark_screened"}, "unknown effect None"),
        ({"type": "save_preferences"}, "malformed effect .*save_preferences"),
        ({"type": "save_preferences", "hold_seconds": 30}, "malformed effect .*'reps'"),
        (
            {"type": "save_preferences", "hold_seconds": None, "reps": 2},
            "malformed effect .*hold_seconds",
        ),
        ({"type": "record_session"}, "malformed effect .*record_session"),
        ({"type": "record_session", "record": "x"}, "malformed effect .*'record': 'x'"),
        ({"type": "record_session", "record": {"area": "neck"}}, "malformed effect .*'day'"),
        ({"type": "record_session", "record": None}, "malformed effect .*'record': None"),
        ({"type": "save_cue_level"}, "malformed effect .*'cue_level'"),
        ({"type": "save_cue_level", "cue_level": "whisper"}, "malformed effect .*whisper"),
        ({"type": "save_cue_level", "cue_level": "FEWER"}, "malformed effect .*FEWER"),
        ({"type": "save_cue_level", "cue_level": None}, "malformed effect .*cue_level"),
        ({"type": "save_cue_level", "cue_level": ["more"]}, "malformed effect .*cue_level"),
    ],
)
def test_malformed_entries_raise_value_error_naming_them(entry: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        effect_from_json(entry)
    good = effects_to_json([MarkScreened()])
    with pytest.raises(ValueError, match=message):  # one bad entry refuses the whole list
        effects_from_json([*good, entry, *good])


@pytest.mark.parametrize(
    "entry",
    [
        {"type": "save_preferences", "hold_seconds": "abc", "reps": 3},
        {"type": "record_session", "record": {"day": "yesterday", "area": "neck"}},
        {
            "type": "record_session",
            "record": {"day": "2026-01-01", "area": "n", "pain_reports": "x"},
        },
    ],
    ids=["hold-not-a-number", "day-not-a-date", "pains-not-a-number"],
)
def test_a_bad_field_value_is_reported_with_its_entry(entry: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="malformed effect"):
        effect_from_json(entry)


def test_an_entry_that_is_not_an_object_is_named() -> None:
    with pytest.raises(ValueError, match="'oops'"):
        effects_from_json(["oops"])


@pytest.mark.parametrize(
    "fields",
    [
        {"stretches": "neck_flexion"},
        {"completed": "false"},
        {"pain_stretch": 3},
        {"pain_stretch": ""},
        {"feelings": "good"},
        {"feelings": [["neck_flexion"]]},
        {"feelings": [["neck_flexion", "great"]]},
        {"feelings": [[3, "good"]]},
        {"feelings": [["neck_flexion", ["good"]]]},
        {"stopped_for": "boredom"},
        {"stopped_for": 1},
    ],
    ids=[
        "stretches-a-string",
        "completed-a-string",
        "pain-stretch-a-number",
        "pain-stretch-empty",
        "feelings-a-string",
        "feeling-without-its-stretch",
        "feeling-unknown",
        "feeling-stretch-a-number",
        "feeling-a-list",
        "stopped-for-unknown",
        "stopped-for-a-number",
    ],
)
def test_wrongly_typed_record_fields_are_refused(fields: dict[str, Any]) -> None:
    entry = {"type": "record_session", "record": {"day": "2026-01-01", "area": "neck", **fields}}
    with pytest.raises(ValueError, match="malformed effect"):
        effect_from_json(entry)
