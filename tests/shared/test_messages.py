"""The message catalog: lookups, locale fallback, and that every id the engine uses exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from shared import messages

ENGINE = Path(messages.__file__).parent.parent / "engine"
ROOT = ENGINE.parent.parent


def test_locale_falls_back_to_the_language_then_english() -> None:
    assert messages.text("pause.ok", "en-GB") == messages.text("pause.ok", "en-US") == "Paused."
    assert messages.text("pause.ok", "fr-FR") == "Paused."


def test_missing_key_and_missing_parameter_are_clear_errors() -> None:
    with pytest.raises(messages.MessageError, match=r"no message 'nope'"):
        messages.text("nope")
    with pytest.raises(messages.MessageError, match=r"skip\.ok"):
        messages.text("skip.ok")


def test_duplicate_keys_across_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[en]\nhello = "Hi"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('hello = "Hello"\n', encoding="utf-8")
    with pytest.raises(messages.MessageError, match="defined twice"):
        messages.parse_catalog_files(list(tmp_path.glob("*.toml")))


def test_locale_tables_are_kept_apart(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[en]\nx.y = "Hi"\n[en-GB]\nx.y = "Hiya"\n', encoding="utf-8")
    parsed = messages.parse_catalog_files([tmp_path / "a.toml"])
    assert parsed == {"en": {"x.y": "Hi"}, "en-GB": {"x.y": "Hiya"}}


_MESSAGE_CALLS = {"say", "ask", "end", "msg", "asking", "question"}


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _message_ids(values: list[ast.expr]) -> set[str]:
    return {
        a.value
        for a in values
        if isinstance(a, ast.Constant)
        and isinstance(a.value, str)
        and re.fullmatch(r"[a-z_]+\.[a-z_.]+", a.value)
    }


def _literal_keys() -> set[str]:
    """Message ids the engine passes as string literals to say/ask/end/msg and the phase table's
    question and answer makers, and the phase table's help keys."""
    found: set[str] = set()
    for path in sorted(ENGINE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _called(node) in _MESSAGE_CALLS:
                found |= _message_ids(node.args)
            if isinstance(node, ast.Call):
                found |= _message_ids([k.value for k in node.keywords if k.arg == "help_key"])
    return found


def test_every_message_the_engine_names_exists() -> None:
    used = _literal_keys()
    assert len(used) > 50
    missing = sorted(k for k in used if not messages.has(k))
    assert missing == []


def test_every_message_named_in_the_front_ends_exists() -> None:
    used: set[str] = set()
    for path in [*ROOT.glob("skill/**/*.py"), *ROOT.glob("tutor/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_text_call = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "text"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "messages"
            )
            if is_text_call and node.args and isinstance(node.args[0], ast.Constant):
                used.add(str(node.args[0].value))
    assert len(used) > 15
    assert sorted(k for k in used if not messages.has(k)) == []
