"""Readable reports of replayed dialogs, for the terminal and for pytest failures.

Each dialog gets a verdict line; a failed turn shows `file:line` of each failed expectation, the
words that differ (`[-expected-]{+heard+}`, shortened around the difference) and only the keys of
a mapping that differ. Verbose, every turn is printed as heard: what the user said and what the
skill said, pauses in place. A run ends with one summary line.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shared import messages
from skill.dialogs.explain import Explained, explain, located
from skill.dialogs.runner import DialogResult, TurnResult
from skill.dialogs.transcript import exchange, render_parts
from skill.dialogs.worddiff import GAP, Piece

WIDTH = 100
_NBSP = "\u00a0"  # keeps a pause's "[20 s]" on one line when wrapping


def _line(message: str, **params: Any) -> str:
    return messages.text(f"report.{message}", **params)


def render_diff(pieces: list[Piece]) -> str:
    """`[-expected-]{+heard+}` markers, as `git diff --word-diff` prints them."""
    out = ""
    for piece in pieces:
        if piece.kind == "old":
            text = f"[-{piece.text}-]"
        elif piece.kind == "new":
            text = f"{{+{piece.text}+}}"
        else:
            text = piece.text if piece.kind == "same" else GAP
        glued = piece.kind == "new" and out.endswith("-]")
        out += text if glued or not out else f" {text}"
    return out


def _text_lines(item: Explained) -> list[str]:
    if item.diff:
        return [
            _line("field_diff", where=item.where, field=item.field),
            _line("diff", diff=render_diff(item.diff)),
        ]
    expected_key = {"part": "expected_in", "whole": "expected_whole"}.get(item.mode, item.mode)
    return [
        _line("field", where=item.where, field=item.field),
        _line(expected_key, expected=item.expected),
        _line("heard", actual=item.actual),
    ]


def explained_lines(item: Explained) -> list[str]:
    """One failed expectation: where it is written, then what differs."""
    if item.kind == "text":
        return _text_lines(item)
    if item.kind == "keys":
        head = _line(
            "field_keys", where=item.where, field=item.field, count=_count("keys", len(item.keys))
        )
        return [head] + [
            _line("key_missing", name=k.key, expected=k.expected)
            if k.actual is None
            else _line("key_differs", name=k.key, expected=k.expected, actual=k.actual)
            for k in item.keys
        ]
    return [
        _line("field", where=item.where, field=item.field),
        _line("expected", expected=item.expected),
        _line("actual", actual=item.actual),
    ]


def _wrapped(label: str, text: str) -> list[str]:
    indent = "         "
    head = f"{indent}{label} "
    lines = textwrap.wrap(
        text.replace(" s]", f"{_NBSP}s]"),
        width=WIDTH,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_on_hyphens=False,
        break_long_words=False,
    )
    return [line.replace(_NBSP, " ") for line in lines] or [head.rstrip()]


def heard_lines(result: TurnResult) -> list[str]:
    """The skill's side of a turn, as heard: speech with pauses, the reprompt, a session end."""
    heard = exchange(result)
    if heard.speech is None:
        return []
    lines = _wrapped(_line("skill_said"), render_parts(heard.speech) or _line("silence"))
    if heard.reprompt:
        lines += _wrapped(_line("reprompt_said"), heard.reprompt)
    if heard.ends:
        lines.append(f"         {_line('session_ends')}")
    return lines


def format_turn(result: TurnResult, path: Path, *, verbose: bool = False) -> list[str]:
    """A turn's verdict and where it is written; what failed; verbose, what was heard."""
    mark = _line("turn_ok" if result.ok else "turn_failed")
    where = located(path, result.turn.line)
    head = _line(
        "turn", mark=mark, number=result.index + 1, label=exchange(result).user, where=where
    )
    lines = [head.rstrip()]
    if verbose:
        lines += heard_lines(result)
    if result.error:
        lines.append(_line("error", error=result.error))
    for failure in result.failures:
        lines += explained_lines(explain(result.turn, path, failure))
    return lines


def format_result(result: DialogResult, *, verbose: bool = False) -> str:
    """The dialog's verdict, then each failing turn (every turn, as heard, when verbose)."""
    failed = [t for t in result.turns if not t.ok]
    dialog = result.dialog
    head = _line(
        "passed" if result.ok else "failed",
        name=dialog.name,
        path=dialog.path,
        turns=_count("turns", len(result.turns)),
        failed=len(failed),
    )
    lines = [head]
    for turn in result.turns if verbose else failed:
        lines += format_turn(turn, dialog.path, verbose=verbose)
    return "\n".join(lines)


def _count(noun: str, n: int) -> str:
    return _line(f"{noun}.{'one' if n == 1 else 'many'}", n=n)


def summary(results: Sequence[DialogResult], unreadable: int = 0) -> str:
    """One line for the run: "13 dialogs, 92 turns: 12 passed, 1 failed"."""
    passed = sum(result.ok for result in results)
    line = _line(
        "summary",
        dialogs=_count("dialogs", len(results) + unreadable),
        turns=_count("turns", sum(len(result.turns) for result in results)),
        passed=passed,
        failed=len(results) - passed,
    )
    if unreadable:
        line += _line("unreadable", count=unreadable)
    return line
