"""Readable per-turn reports of a replayed dialog, for the terminal and for pytest failures."""

from __future__ import annotations

from typing import Any

from shared import messages
from skill.dialogs.expect import Failure
from skill.dialogs.runner import DialogResult, TurnResult


def _line(key: str, **params: Any) -> str:
    return messages.text(f"report.{key}", **params)


def _diff(failure: Failure) -> list[str]:
    """Plain text side by side with what was heard; anything else as expected/actual values."""
    expected, actual = failure.expected, failure.actual
    plain = isinstance(expected, str) and isinstance(actual, str) and not expected.startswith("re:")
    lines = [_line("field", field=failure.field)]
    if plain and "*" not in expected and len(actual) < 2000:
        return [*lines, _line("expected_in", expected=expected), _line("heard", actual=actual)]
    return [
        *lines,
        _line("expected", expected=repr(expected)),
        _line("actual", actual=repr(actual)),
    ]


def format_turn(result: TurnResult) -> list[str]:
    mark = _line("turn_ok" if result.ok else "turn_failed")
    lines = [_line("turn", mark=mark, number=result.index + 1, label=result.turn.label)]
    if result.error:
        lines.append(_line("error", error=result.error))
    for failure in result.failures:
        lines.extend(_diff(failure))
    return lines


def format_result(result: DialogResult, *, verbose: bool = False) -> str:
    """The dialog's verdict, then each failing turn (every turn when verbose)."""
    failed = [t for t in result.turns if not t.ok]
    dialog = result.dialog
    head = _line(
        "passed" if result.ok else "failed",
        name=dialog.name,
        path=dialog.path,
        turns=len(result.turns),
        failed=len(failed),
    )
    lines = [head]
    for turn in result.turns if verbose else failed:
        lines.extend(format_turn(turn))
    return "\n".join(lines)
