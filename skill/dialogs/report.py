"""Readable per-turn reports of a replayed dialog, for the terminal and for pytest failures."""

from __future__ import annotations

from skill.dialogs.expect import Failure
from skill.dialogs.runner import DialogResult, TurnResult


def _diff(failure: Failure) -> list[str]:
    """A word-level diff when plain text was expected, else expected/actual lines."""
    expected, actual = failure.expected, failure.actual
    plain = isinstance(expected, str) and isinstance(actual, str) and not expected.startswith("re:")
    lines = [f"    {failure.field}:"]
    if plain and "*" not in expected and len(actual) < 2000:
        lines.append(f"      expected (somewhere in): {expected}")
        lines.append(f"      but heard:               {actual}")
        return lines
    lines.append(f"      expected: {expected!r}")
    lines.append(f"      actual:   {actual!r}")
    return lines


def format_turn(result: TurnResult) -> list[str]:
    mark = "ok  " if result.ok else "FAIL"
    lines = [f"  {mark} turn {result.index + 1}: {result.turn.label}"]
    if result.error:
        lines.append(f"    error: {result.error}")
    for failure in result.failures:
        lines.extend(_diff(failure))
    return lines


def format_result(result: DialogResult, *, verbose: bool = False) -> str:
    """The dialog's verdict, then each failing turn (every turn when verbose)."""
    failed = [t for t in result.turns if not t.ok]
    verdict = "PASS" if result.ok else "FAIL"
    head = f"{verdict} {result.dialog.name} ({result.dialog.path}, {len(result.turns)} turns"
    head += ")" if result.ok else f", {len(failed)} failed)"
    lines = [head]
    for turn in result.turns if verbose else failed:
        lines.extend(format_turn(turn))
    return "\n".join(lines)
