"""`--update`: rewrite a dialog's expectations from the skill's current answers, for review.

Only the expectations are rewritten; turns, names and profiles stay as written. The result is meant
to be read in a diff before committing, the way snapshot tests are.
"""

from __future__ import annotations

from typing import Any

import yaml

from skill.dialogs.expect import Answer
from skill.dialogs.runner import DialogResult


def expectations_from(status: int | None, response: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the skill answered, as an `expect` block (None when there was no answer)."""
    if response is None or status != 200:
        return None
    answer = Answer.from_envelope(response)
    expect: dict[str, Any] = {"speech": answer.speech.text, "session_ends": answer.session_ends}
    if answer.reprompt.text:
        expect["reprompt"] = answer.reprompt.text
    if answer.speech.breaks:
        expect["breaks"] = {"count": len(answer.speech.breaks), "total": answer.speech.break_total}
    if answer.card:
        expect["card"] = {"title": answer.card.get("title", "")}
    if answer.directives:
        expect["directives"] = [d.get("type") for d in answer.directives]
    return expect


def updated_document(result: DialogResult) -> dict[str, Any]:
    """The dialog's YAML document with every answered turn's `expect` replaced."""
    document = dict(result.dialog.raw)
    turns = [_spoken_words(dict(t)) for t in document["turns"]]
    for turn_result in result.turns:
        expect = expectations_from(turn_result.status, turn_result.response)
        if expect is not None:
            turns[turn_result.index]["expect"] = expect
    document["turns"] = turns
    return document


def _spoken_words(turn: dict[str, Any]) -> dict[str, Any]:
    """Keep `say: "no"` a word: YAML had read a bare no as a boolean."""
    if isinstance(turn.get("say"), bool):
        turn["say"] = "yes" if turn["say"] else "no"
    return turn


def write_updated(result: DialogResult) -> None:
    text = yaml.safe_dump(updated_document(result), sort_keys=False, allow_unicode=True, width=100)
    result.dialog.path.write_text(text, encoding="utf-8")
