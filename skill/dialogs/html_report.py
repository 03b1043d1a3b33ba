"""`replay --html FILE`: one self-contained page with every conversation of a run.

Every turn is shown as heard (the user's words, what the skill said with its pauses, the reprompt,
a session end); a failed turn is highlighted, with each failed expectation's `file:line` and its
differences marked (`<del>` expected, `<ins>` heard). The CSS is inline and there are no scripts or
external assets, so the file can be attached to a CI run or mailed and still reads the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from shared import messages
from skill.dialogs.explain import Explained, explain, located
from skill.dialogs.report import summary
from skill.dialogs.runner import DialogResult, TurnResult
from skill.dialogs.transcript import Part, exchange, pause_text
from skill.dialogs.worddiff import GAP, Piece

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
.summary { font-size: 1.1em; font-weight: 600; }
nav ol { columns: 2; padding-left: 1.5em; }
a { color: inherit; }
.verdict { display: inline-block; min-width: 3.2em; padding: 0 0.4em; margin-right: 0.4em;
  border-radius: 3px; color: #fff; font-size: 0.85em; text-align: center; }
.passed .verdict, .verdict.passed { background: #2e7d32; }
.failed .verdict, .verdict.failed { background: #c62828; }
section.dialog { border: 1px solid #ccc; border-radius: 6px; margin: 1.5em 0; padding: 0 1em; }
section.dialog.failed { border-color: #c62828; }
h2 { font-size: 1.15em; }
.file, .where { color: #666; font-family: ui-monospace, monospace; font-size: 0.85em; }
ol.turns { list-style: none; padding: 0; }
li.turn { border-left: 4px solid #a5d6a7; padding: 0.3em 0.8em; margin: 0.5em 0; }
li.turn.failed { border-left-color: #c62828; background: #fdecea; }
.user { font-weight: 600; }
.said, .reprompt, .ends { margin-left: 1.5em; }
.who { color: #666; font-size: 0.85em; margin-right: 0.4em; }
.pause { color: #555; background: #eee; border-radius: 3px; padding: 0 0.3em;
  font-size: 0.85em; white-space: nowrap; }
.ends { color: #666; font-style: italic; }
ul.failures { background: #fff; border: 1px solid #e57373; border-radius: 4px;
  padding: 0.4em 0.8em 0.4em 1.8em; }
.failure .field { font-weight: 600; }
.diff, .texts { font-family: ui-monospace, monospace; font-size: 0.9em; margin: 0.2em 0; }
del { background: #ffcdd2; color: #b71c1c; }
ins { background: #c8e6c9; color: #1b5e20; text-decoration: none; }
.error { color: #b71c1c; font-weight: 600; }
"""


def _t(message: str, **params: Any) -> str:
    return escape(messages.text(f"html.{message}", **params))


def _parts(parts: Sequence[Part]) -> str:
    return " ".join(
        escape(p) if isinstance(p, str) else f'<span class="pause">{pause_text(p)}</span>'
        for p in parts
    )


def _diff(pieces: list[Piece]) -> str:
    tags = {"old": "del", "new": "ins"}
    out = []
    for piece in pieces:
        if piece.kind in tags:
            out.append(f"<{tags[piece.kind]}>{escape(piece.text)}</{tags[piece.kind]}>")
        else:
            out.append(escape(piece.text) if piece.kind == "same" else GAP)
    return " ".join(out)


def _failure(item: Explained) -> str:
    head = (
        f'<span class="where">{escape(item.where)}</span> '
        f'<span class="field">{escape(item.field)}</span>'
    )
    if item.kind == "text" and item.diff:
        body = f'<div class="diff">{_diff(item.diff)}</div>'
    elif item.kind == "keys":
        rows = "".join(
            f"<li><code>{escape(k.key)}</code>: {_t('expected')} <del>{escape(k.expected)}</del>"
            + (
                f", {_t('missing')}"
                if k.actual is None
                else f", {_t('actual')} <ins>{escape(k.actual)}</ins>"
            )
            + "</li>"
            for k in item.keys
        )
        body = f"<ul>{rows}</ul>"
    else:
        text = item.kind == "text"
        expected, actual = (f"expected_{item.mode}", "heard") if text else ("value", "value_was")
        body = (
            f'<div class="texts">{_t(expected)} <del>{escape(item.expected)}</del><br>'
            f"{_t(actual)} <ins>{escape(item.actual)}</ins></div>"
        )
    return f'<li class="failure">{head}{body}</li>'


def _turn(result: TurnResult, path: Path, anchor: str) -> str:
    state = "passed" if result.ok else "failed"
    heard = exchange(result)
    lines = [
        f'<li class="turn {state}" id="{anchor}"><div class="head">'
        f'<span class="verdict {state}">{_t(state)}</span>'
        f'<span class="user">{result.index + 1}. {escape(heard.user)}</span> '
        f'<span class="where">{escape(located(path, result.turn.line))}</span></div>'
    ]
    if heard.speech is not None:
        said = _parts(heard.speech) or _t("silence")
        lines.append(f'<div class="said"><span class="who">{_t("skill")}</span>{said}</div>')
    if heard.reprompt:
        lines.append(
            f'<div class="reprompt"><span class="who">{_t("reprompt")}</span>'
            f"{escape(heard.reprompt)}</div>"
        )
    if heard.ends:
        lines.append(f'<div class="ends">{_t("session_ends")}</div>')
    if result.error:
        lines.append(f'<div class="error">{escape(result.error)}</div>')
    if result.failures:
        items = "".join(_failure(explain(result.turn, path, f)) for f in result.failures)
        lines.append(f'<ul class="failures">{items}</ul>')
    return "".join(lines) + "</li>"


def _dialog(result: DialogResult, number: int) -> str:
    state = "passed" if result.ok else "failed"
    dialog = result.dialog
    turns = "".join(_turn(t, dialog.path, f"d{number}-t{t.index + 1}") for t in result.turns)
    return (
        f'<section class="dialog {state}" id="d{number}">'
        f'<h2><span class="verdict">{_t(state)}</span>{escape(dialog.name)}</h2>'
        f'<p class="file">{escape(str(dialog.path))}</p><ol class="turns">{turns}</ol></section>'
    )


def _unreadable(path: Path, error: str, number: int) -> str:
    return (
        f'<section class="dialog failed" id="d{number}">'
        f'<h2><span class="verdict">{_t("failed")}</span>{escape(str(path))}</h2>'
        f'<p class="error">{escape(error)}</p></section>'
    )


def _index(results: Sequence[DialogResult], unreadable: Sequence[tuple[Path, str]]) -> str:
    entries = [(r.ok, r.dialog.name) for r in results] + [(False, str(p)) for p, _ in unreadable]
    items = "".join(
        f'<li class="{"passed" if ok else "failed"}"><a href="#d{n}">'
        f'<span class="verdict">{_t("passed" if ok else "failed")}</span>{escape(name)}</a></li>'
        for n, (ok, name) in enumerate(entries, 1)
    )
    return f"<nav><ol>{items}</ol></nav>"


def render_html(
    results: Sequence[DialogResult], unreadable: Sequence[tuple[Path, str]] = ()
) -> str:
    """The whole page: the summary, an index, then each dialog's conversation."""
    line = escape(summary(results, len(unreadable)))
    sections = [_dialog(result, n) for n, result in enumerate(results, 1)]
    start = len(results) + 1
    sections += [_unreadable(p, e, n) for n, (p, e) in enumerate(unreadable, start)]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_t('title')}: {line}</title><style>{STYLE}</style></head><body>"
        f'<h1>{_t("title")}</h1><p class="summary">{line}</p>'
        f"{_index(results, unreadable)}{''.join(sections)}</body></html>\n"
    )


def write_html(
    path: Path, results: Sequence[DialogResult], unreadable: Sequence[tuple[Path, str]] = ()
) -> None:
    """Write the page; a folder that does not exist yet is made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(results, unreadable), encoding="utf-8")
