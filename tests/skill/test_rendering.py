"""SSML rendering, handler coverage of the model, and the ASK package."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from shared.model import LOCALES, MODELS_DIR, load_model
from shared.reply import Ask, Card, Cue, End, Hold, Reply, Rest, Say
from shared.speech_timing import spoken_seconds
from skill.cli import main as skill_main
from skill.dialogs.expect import parse_speech
from skill.handlers import handled_intents
from skill.package import build_skill_package
from skill.ssml import SpeechLimitError, breaks, render

HOLD = Hold(
    "x",
    "x",
    25,
    1,
    1,
    None,
    None,
    (Cue(0, "a", "Begin & hold."), Cue(12, "b", "Halfway <there>."), Cue(25, "c", "Release.")),
)


def test_breaks_are_chained_in_ten_second_pieces() -> None:
    assert breaks(25) == '<break time="10s"/><break time="10s"/><break time="5s"/>'
    assert breaks(0) == ""


def test_cues_land_on_their_second_and_text_is_escaped() -> None:
    speech = render(Reply((Say("k", "Tom & Jerry <3"), HOLD, Ask("q", "Ready?", "Say ready.")), {}))
    root = ET.fromstring(speech.ssml)
    assert "Tom & Jerry <3" in "".join(root.itertext())
    assert speech.ssml.index("Begin &amp; hold.") < speech.ssml.index("<break")
    assert "Halfway &lt;there&gt;." in speech.ssml
    said = spoken_seconds("Tom & Jerry <3 Begin & hold.") + spoken_seconds("Release. Ready?")
    assert speech.heard_seconds == pytest.approx(said + 25)  # the cue inside is in the 25 s
    assert speech.reprompt_ssml == "<speak>Say ready.</speak>"


def test_ended_replies_have_no_reprompt_and_keep_the_card() -> None:
    speech = render(Reply((End("bye", "Goodbye."),), {}, card=Card("T", "text")))
    assert speech.reprompt_ssml is None and speech.card == Card("T", "text")


def test_limits_are_enforced() -> None:
    long_rest = Rest(241, "between_reps", "r", "Rest.")
    with pytest.raises(SpeechLimitError, match="241 s"):
        render(Reply((long_rest,), {}))
    with pytest.raises(SpeechLimitError, match="characters"):
        render(Reply((Say("k", "&" * 1700),), {}))  # 8,500 characters of SSML, no words
    rest = render(Reply((Rest(240, "between_reps", "r", "Rest."),), {}))
    assert rest.heard_seconds == 240
    assert parse_speech(rest.ssml).break_total == pytest.approx(240 - spoken_seconds("Rest."))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_has_a_handler_and_every_handler_an_intent(locale: str) -> None:
    assert handled_intents() == set(load_model(locale).intents)


def test_skill_package_for_ask_deploy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = build_skill_package(tmp_path, "https://coach.example.org/alexa")
    manifest = json.loads((package / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {
        "uri": "https://coach.example.org/alexa",
        "sslCertificateType": "Trusted",
    }
    assert set(manifest["publishingInformation"]["locales"]) == set(LOCALES)
    for locale in LOCALES:
        copied = package / "interactionModels" / "custom" / f"{locale}.json"
        assert copied.read_bytes() == (MODELS_DIR / f"{locale}.json").read_bytes()
    assert skill_main(["package", "--out", str(tmp_path / "again")]) == 0
    assert "ask deploy" in capsys.readouterr().out


def test_serve_refuses_to_start_verified_without_a_skill_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BACKSTRETCH_SKILL_IDS", raising=False)
    assert skill_main(["serve"]) == 2
    assert "Set BACKSTRETCH_SKILL_IDS" in capsys.readouterr().err
