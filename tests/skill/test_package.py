"""The ASK CLI skill-package/ that `ask deploy` publishes, and the `backstretch-skill` CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shared import messages
from shared.model import LOCALES, MODELS_DIR, load_model
from skill.cli import main
from skill.package import EXAMPLE_PHRASES, MANIFEST_TEMPLATE, build_skill_package

ENDPOINT = "https://example.org/alexa"


def _manifest(package: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((package / "skill.json").read_text(encoding="utf-8"))
    return data["manifest"]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build_skill_package(tmp_path, ENDPOINT)


def test_the_package_is_written_under_skill_package(tmp_path: Path, package: Path) -> None:
    assert package == tmp_path / "skill-package"
    files = sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())
    assert files == sorted(
        [
            "skill.json",
            *(f"interactionModels/custom/{locale}.json" for locale in LOCALES),
            "assets/images/small-icon.png",  # the store icons (tests/skill/test_store_icons.py)
            "assets/images/large-icon.png",
        ]
    )


def test_the_manifest_points_at_the_endpoint(package: Path) -> None:
    endpoint = _manifest(package)["apis"]["custom"]["endpoint"]
    assert endpoint == {"uri": ENDPOINT, "sslCertificateType": "Trusted"}


def test_a_self_signed_certificate_type_is_written(tmp_path: Path) -> None:
    package = build_skill_package(tmp_path, ENDPOINT, "SelfSigned")
    assert _manifest(package)["apis"]["custom"]["endpoint"]["sslCertificateType"] == "SelfSigned"


def test_without_an_endpoint_the_templates_is_kept(tmp_path: Path) -> None:
    template = json.loads(MANIFEST_TEMPLATE.read_text(encoding="utf-8"))
    uri = template["manifest"]["apis"]["custom"]["endpoint"]["uri"]
    package = build_skill_package(tmp_path)
    assert _manifest(package)["apis"]["custom"]["endpoint"]["uri"] == uri


def test_there_is_a_publishing_locale_per_model(package: Path) -> None:
    locales = _manifest(package)["publishingInformation"]["locales"]
    assert list(locales) == list(LOCALES)
    models = sorted(p.stem for p in MODELS_DIR.glob("*.json"))
    assert sorted(locales) == models
    for locale, info in locales.items():
        assert info["name"] == "Back Stretch Coach", locale
        assert info["summary"] and info["description"]
        assert info["examplePhrases"] == EXAMPLE_PHRASES


def test_example_phrases_use_each_models_invocation_name() -> None:
    for locale in LOCALES:
        invocation = load_model(locale).invocation_name
        for phrase in EXAMPLE_PHRASES:
            assert phrase.startswith("Alexa, ")
            assert invocation in phrase.lower(), (locale, phrase)


def test_interaction_models_are_copied_byte_for_byte(package: Path) -> None:
    for locale in LOCALES:
        copied = package / "interactionModels" / "custom" / f"{locale}.json"
        assert copied.read_bytes() == (MODELS_DIR / f"{locale}.json").read_bytes()
        assert json.loads(copied.read_text(encoding="utf-8"))["interactionModel"]


def test_the_rest_of_the_template_is_kept(package: Path) -> None:
    template = json.loads(MANIFEST_TEMPLATE.read_text(encoding="utf-8"))["manifest"]
    written = _manifest(package)
    assert written["privacyAndCompliance"] == template["privacyAndCompliance"]
    assert written["manifestVersion"] == template["manifestVersion"]
    assert written["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"


def test_building_again_replaces_an_old_package(tmp_path: Path) -> None:
    old = build_skill_package(tmp_path, "https://old.example.org/alexa")
    (old / "interactionModels" / "custom" / "xx-XX.json").write_text("{}", encoding="utf-8")
    new = build_skill_package(tmp_path, ENDPOINT)
    assert not (new / "interactionModels" / "custom" / "xx-XX.json").exists()
    assert _manifest(new)["apis"]["custom"]["endpoint"]["uri"] == ENDPOINT


def test_the_template_itself_is_not_changed(tmp_path: Path) -> None:
    before = MANIFEST_TEMPLATE.read_bytes()
    build_skill_package(tmp_path, ENDPOINT)
    assert MANIFEST_TEMPLATE.read_bytes() == before


# -- the CLI --------------------------------------------------------------------------------------


def test_cli_package_writes_the_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", "--out", str(tmp_path)]) == 0
    package = tmp_path / "skill-package"
    assert (package / "skill.json").is_file()
    for locale in LOCALES:
        assert (package / "interactionModels" / "custom" / f"{locale}.json").is_file()
    out = capsys.readouterr().out
    assert out.strip() == messages.text("cli.packaged", path=package)


def test_cli_package_takes_the_endpoint_and_certificate_type(tmp_path: Path) -> None:
    argv = ["package", "--out", str(tmp_path), "--endpoint", ENDPOINT]
    assert main([*argv, "--ssl-certificate-type", "Wildcard"]) == 0
    endpoint = _manifest(tmp_path / "skill-package")["apis"]["custom"]["endpoint"]
    assert endpoint == {"uri": ENDPOINT, "sslCertificateType": "Wildcard"}


def test_cli_refuses_an_unknown_certificate_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["package", "--out", str(tmp_path), "--ssl-certificate-type", "Bogus"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_serve_without_a_skill_id_returns_2_with_a_friendly_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BACKSTRETCH_SKILL_IDS", raising=False)
    monkeypatch.delenv("BACKSTRETCH_VERIFY", raising=False)

    def never(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the server must not start")

    monkeypatch.setattr("flask.Flask.run", never)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == messages.text("cli.needs_skill_id")
    assert "BACKSTRETCH_SKILL_IDS" in err and "Traceback" not in err


def test_serve_with_blank_skill_ids_is_refused_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKSTRETCH_SKILL_IDS", " , ")
    monkeypatch.delenv("BACKSTRETCH_VERIFY", raising=False)
    assert main(["serve"]) == 2
    assert "BACKSTRETCH_SKILL_IDS" in capsys.readouterr().err


def test_serve_with_a_skill_id_runs_the_app(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKSTRETCH_SKILL_IDS", "amzn1.ask.skill.test")
    monkeypatch.delenv("BACKSTRETCH_VERIFY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("BACKSTRETCH_DB", raising=False)
    monkeypatch.delenv("BACKSTRETCH_RECORD_DIR", raising=False)
    started: list[dict[str, Any]] = []

    def fake_run(_app: Any, **kwargs: Any) -> None:
        started.append(kwargs)

    monkeypatch.setattr("flask.Flask.run", fake_run)
    assert main(["serve", "--port", "5123"]) == 0
    assert started == [{"host": "127.0.0.1", "port": 5123}]
    assert "gunicorn" in capsys.readouterr().err


def test_serve_no_verify_needs_no_skill_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BACKSTRETCH_SKILL_IDS", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("BACKSTRETCH_DB", raising=False)
    monkeypatch.delenv("BACKSTRETCH_RECORD_DIR", raising=False)
    monkeypatch.setattr("flask.Flask.run", lambda _app, **_kwargs: None)
    assert main(["serve", "--no-verify"]) == 0
    assert messages.text("cli.verification_off") in capsys.readouterr().err


def test_privacy_is_declared_truthfully_with_the_policy_per_locale(tmp_path: Path) -> None:
    args = ["package", "--out", str(tmp_path), "--privacy-url", "https://coach.example.org/privacy"]
    assert main([*args, "--terms-url", "https://coach.example.org/terms"]) == 0
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is True  # sessions, pain reports, screening answers
    assert set(privacy["locales"]) == set(LOCALES)
    assert privacy["locales"]["en-GB"] == {
        "privacyPolicyUrl": "https://coach.example.org/privacy",
        "termsOfUseUrl": "https://coach.example.org/terms",
    }
    for locale in manifest["publishingInformation"]["locales"].values():
        assert "not a substitute for professional medical advice" in locale["description"]


def test_a_privacy_link_must_be_https(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["package", "--out", str(tmp_path), "--privacy-url", "http://coach.example.org/p"]
    assert main(args) == 2
    assert "is not an https URL" in capsys.readouterr().err
    assert not (tmp_path / "skill-package").exists()


def test_without_a_privacy_policy_the_package_says_amazon_will_ask_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["package", "--out", str(tmp_path)]) == 0
    assert "asks for a privacy policy" in capsys.readouterr().err
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    assert "locales" not in manifest["privacyAndCompliance"]
