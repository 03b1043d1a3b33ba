"""`--update`: rewrite only the expectations that failed, with what the skill actually answered.

Everything that passed stays exactly as written: comments, key order, quoting, flow or block
style, patterns and wildcards that still match, card text, attributes, keys this tool does not
know. The file is edited in place at the failed values (see `yaml_edit`), and the result is
checked by reading it back before it is written. The rules, least destructive first:

- a failed plain text is replaced by the answer; a failed `re:` pattern or `*` wildcard too (it
  cannot be repaired automatically), and the change says so;
- a failed list of choices keeps its choices and gets the answer appended as one more;
- `breaks`, `session_ends` and card fields: only the failed key gets the actual value;
- `attributes` and `path:` values: only the differing keys, at any depth; a key the skill no
  longer sets is removed;
- `directives`: an item of another type becomes the actual type, an item of the right type gets
  only its differing content keys; a different number of directives replaces the list with the
  actual types.

Anything else (a turn that errored, an expectation kind without a rule) is listed, not touched.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from shared import messages
from skill.dialogs import yaml_edit
from skill.dialogs.expect import Answer, Failure, is_subset, normalise, text_matches
from skill.dialogs.runner import DialogResult, TurnResult

Path_ = tuple[str | int, ...]
_TEXT_FIELDS = ("speech", "reprompt", "card.title", "card.text", "card.content", "card.type")
_SCALAR_FIELDS = ("breaks.count", "breaks.total", "breaks.max", "session_ends")


@dataclass(frozen=True, slots=True)
class Change:
    """One value rewritten (or, with `by_hand`, one that could not be)."""

    line: int
    turn: int
    field: str
    old: Any
    new: Any = None
    note: str = ""  # "pattern", "choice", "removed" or, for by_hand, the reason
    by_hand: bool = False


@dataclass
class Update:
    """What `--update` did to one file."""

    path: Path
    changes: list[Change] = field(default_factory=list)
    by_hand: list[Change] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (turn, error) not updated
    problem: str | None = None  # the file could not be edited at all
    written: bool = False

    @property
    def untouched(self) -> bool:
        """Nothing in the file had failed."""
        return not (self.changes or self.by_hand or self.errors or self.problem)

    @property
    def complete(self) -> bool:
        """Every failure was rewritten: a replay of the new file has nothing left to fail."""
        return not (self.by_hand or self.errors or self.problem)


class _Plan:
    """The edits for one file: text splices, the same edits on the parsed data (to check the
    rewritten text reads back as intended), and the changes to print."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root = yaml_edit.compose(text)
        self.data = yaml_edit.load(text, version=(1, 1))  # as dialogs are read
        self.expected = copy.deepcopy(self.data)
        self.splices: list[yaml_edit.Splice] = []
        self.changes: list[Change] = []
        self.by_hand: list[Change] = []

    def old(self, path: Path_) -> Any:
        value = self.data
        for step in path:
            value = value[step]
        return value

    def _parent(self, path: Path_) -> Any:
        value = self.expected
        for step in path[:-1]:
            value = value[step]
        return value

    def set(self, path: Path_, node: Node, new: Any, turn: int, name: str, note: str = "") -> None:
        self.splices.append(yaml_edit.replace(self.text, node, new))
        self._parent(path)[path[-1]] = new
        self.changes.append(Change(_line(node), turn, name, self.old(path), new, note))

    def append(self, path: Path_, node: SequenceNode, new: Any, turn: int, name: str) -> None:
        splice = yaml_edit.append_item(self.text, node, new)
        self.splices.append(splice)
        self._parent(path)[path[-1]].append(new)
        line = self.text.count("\n", 0, splice.start) + (1 if node.flow_style else 2)
        self.changes.append(Change(line, turn, name, list(self.old(path)), new, "choice"))

    def remove(self, path: Path_, node: MappingNode, turn: int, name: str) -> None:
        key = str(path[-1])
        splice = yaml_edit.remove_entry(self.text, node, key)
        found = yaml_edit.entry(node, key)
        line = _line(found[0]) if found else _line(node)
        if splice is None:
            self.manual(line, turn, name, self.old(path), "the skill no longer sets it")
            return
        self.splices.append(splice)
        del self._parent(path)[path[-1]]
        self.changes.append(Change(line, turn, name, self.old(path), None, "removed"))

    def manual(self, line: int, turn: int, name: str, old: Any, reason: str) -> None:
        self.by_hand.append(Change(line, turn, name, old, note=reason, by_hand=True))

    def result(self) -> str:
        """The rewritten text, read back and compared with the intended data (ValueError)."""
        text = yaml_edit.apply(self.text, self.splices)
        try:
            reread = yaml_edit.load(text, version=(1, 1))
        except YAMLError as error:
            raise ValueError(f"the rewritten file would not parse: {error}") from error
        if reread != self.expected:
            raise ValueError("the rewritten file would not read back as intended")
        return text


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def update_dialog(result: DialogResult) -> Update:
    """Rewrite the failed expectations of a replayed dialog's file; write it only if it changed."""
    path = result.dialog.path
    update = Update(path)
    failed = [t for t in result.turns if t.failures or t.error]
    update.errors = [(t.index + 1, t.error) for t in failed if t.error]
    if not any(t.failures for t in failed):
        return update
    try:
        plan = _Plan(path.read_text(encoding="utf-8"))
        for turn in failed:
            _plan_turn(plan, turn)
        text = plan.result()
    except (OSError, ValueError, YAMLError) as error:
        update.problem = str(error)
        return update
    update.changes, update.by_hand = plan.changes, plan.by_hand
    if plan.splices:
        path.write_text(text, encoding="utf-8")
        update.written = True
    return update


def _plan_turn(plan: _Plan, turn: TurnResult) -> None:
    number = turn.index + 1
    for failure in turn.failures:
        name = failure.field
        path: Path_ = ("turns", turn.index, "expect", *_steps(name))
        node = yaml_edit.value_at(plan.root, path)
        if node is None:
            plan.manual(0, number, name, failure.expected, "not found in the file")
        elif plan.old(path) != failure.expected:  # rewritten since: for another of its locales?
            if not _holds(name, plan.old(path), failure.actual):
                plan.manual(_line(node), number, name, plan.old(path), "changed since it ran")
        elif name in _TEXT_FIELDS:
            _update_text(plan, path, node, failure, number)
        elif name in _SCALAR_FIELDS:
            plan.set(path, node, failure.actual, number, name)
        elif name == "card":
            _update_card(plan, path, node, failure.actual, number)
        elif name == "attributes" or name.startswith("path "):
            _update_subset(plan, path, node, failure.actual, number, name)
        elif name == "directives":
            _update_directives(plan, path, node, _directives(turn, failure), number)
        else:
            plan.manual(_line(node), number, name, failure.expected, "no rule for it")


def _holds(name: str, value: Any, actual: Any) -> bool:
    """Whether an expectation as the file has it now holds for this answer (a dialog run in two
    locales is updated twice: the second run must not append or rewrite again)."""
    if name in _TEXT_FIELDS:
        return isinstance(value, str | list) and text_matches(value, normalise(str(actual or "")))
    if name == "breaks.max":
        return isinstance(value, int | float) and actual <= value
    if name == "breaks.total":
        return isinstance(value, int | float) and abs(actual - value) <= 0.001
    if name == "attributes" or name.startswith("path "):
        return is_subset(value, actual)
    return bool(value == actual)


def _steps(name: str) -> Path_:
    """Where a failure's expectation is: `breaks.total` in `breaks`, `path EXPR` under `path`."""
    if name.startswith("path "):
        return ("path", name[len("path ") :])
    return tuple(name.split("."))


def _update_text(plan: _Plan, path: Path_, node: Node, failure: Failure, turn: int) -> None:
    """A failed list of choices gets the answer as one more; a failed text or pattern becomes
    the answer."""
    heard = normalise(str(failure.actual or ""))
    new = heard if text_matches(heard, heard) and not heard.startswith("re:") else _exactly(heard)
    if isinstance(node, SequenceNode):
        plan.append(path, node, new, turn, failure.field)
        return
    old = str(plan.old(path))
    note = "pattern" if old.startswith("re:") or "*" in old else ""
    plan.set(path, node, new, turn, failure.field, note)


def _exactly(heard: str) -> str:
    """A pattern for text that would itself read as a pattern (a `*` next to `[`, say)."""
    return "re:^" + re.escape(heard) + "$"


def _update_card(plan: _Plan, path: Path_, node: Node, card: Any, turn: int) -> None:
    """No card where one was expected: `null`; a card where none was: its title."""
    if card is None:
        plan.set(path, node, None, turn, "card")
    else:
        plan.set(path, node, {"title": str(dict(card).get("title", ""))}, turn, "card")


def _update_subset(plan: _Plan, path: Path_, node: Node, actual: Any, turn: int, name: str) -> None:
    """Walk an expected subset (attributes, a `path:` value, a directive) and rewrite only the
    keys that differ, at any depth."""
    expected = plan.old(path)
    if isinstance(node, MappingNode) and isinstance(expected, dict) and isinstance(actual, dict):
        if expected and not any(key in actual for key in expected):
            plan.set(path, node, {}, turn, name)
            return
        for key, value in expected.items():
            found = yaml_edit.entry(node, str(key))
            if found is None:
                continue
            if key not in actual:
                plan.remove((*path, key), node, turn, f"{name}.{key}")
            elif not is_subset(value, actual[key]):
                _update_subset(plan, (*path, key), found[1], actual[key], turn, f"{name}.{key}")
        return
    if isinstance(node, SequenceNode) and isinstance(actual, list) and len(actual) == len(expected):
        for index, (item, value) in enumerate(zip(node.value, expected, strict=True)):
            if not is_subset(value, actual[index]):
                _update_subset(plan, (*path, index), item, actual[index], turn, f"{name}[{index}]")
        return
    pattern = isinstance(expected, str) and expected != actual
    plan.set(path, node, actual, turn, name, "pattern" if pattern and _is_pattern(expected) else "")


def _is_pattern(text: str) -> bool:
    return text.startswith("re:") or "*" in text


def _directives(turn: TurnResult, failure: Failure) -> list[dict[str, Any]]:
    """The directives the skill sent: whole from the response when there is one, else types."""
    if turn.response is not None:
        return Answer.from_envelope(turn.response).directives
    return [{"type": d} if isinstance(d, str) else dict(d) for d in failure.actual or []]


def _update_directives(
    plan: _Plan, path: Path_, node: Node, actual: list[dict[str, Any]], turn: int
) -> None:
    """Only the items whose type changed; another number of directives: the actual types."""
    expected = plan.old(path)
    types = [d.get("type") for d in actual]
    if not isinstance(node, SequenceNode) or len(expected or []) != len(actual):
        plan.set(path, node, types, turn, "directives")
        return
    for index, (item, wanted) in enumerate(zip(node.value, expected, strict=True)):
        name = f"directives[{index}]"
        wanted_map = {"type": wanted} if isinstance(wanted, str) else wanted
        if is_subset(wanted_map, actual[index]):
            continue
        if isinstance(wanted, Mapping) and wanted.get("type") == types[index]:
            _update_subset(plan, (*path, index), item, actual[index], turn, name)
        else:
            plan.set((*path, index), item, types[index], turn, name)


def format_update(update: Update) -> list[str]:
    """The lines `--update` prints for one file (none when it had nothing that failed)."""
    lines = [_change_line(update.path, change) for change in update.changes]
    for change in update.by_hand:
        lines.append(
            messages.text(
                "cli.update_by_hand",
                where=_where(update.path, change.line),
                turn=change.turn,
                field=change.field,
                reason=change.note,
            )
        )
    for turn, error in update.errors:
        lines.append(
            messages.text("cli.update_turn_error", path=update.path, turn=turn, error=error)
        )
    if update.problem:
        lines.append(messages.text("cli.update_problem", path=update.path, problem=update.problem))
    if update.written:
        lines.append(messages.text("cli.updated", count=len(update.changes), path=update.path))
    return lines


def _where(path: Path, line: int) -> str:
    return f"{path}:{line}" if line else str(path)


def _change_line(path: Path, change: Change) -> str:
    if change.note == "choice":
        old, new = _cut(yaml_edit.emit(change.old)), f"[..., {_shown(change.new)}]"
    else:
        old, new = _pair(change.old, change.new)
    if change.note == "removed":
        new = messages.text("cli.update_absent")
    note = messages.text(f"cli.update_note_{change.note}") if change.note else ""
    return messages.text(
        "cli.update_change",
        where=_where(path, change.line),
        turn=change.turn,
        field=change.field,
        old=old,
        new=new,
        note=note,
    )


def _pair(old: Any, new: Any, width: int = 60) -> tuple[str, str]:
    """Two texts cut to about `width` characters from a little before where they first differ,
    so a change at the end of a long speech shows; other values as YAML."""
    if not (isinstance(old, str) and isinstance(new, str)):
        return _shown(old), _shown(new)
    common = 0
    while common < min(len(old), len(new)) and old[common] == new[common]:
        common += 1
    skip = max(0, common - 20) if max(len(old), len(new)) > width else 0
    return f"'{_cut(old, skip, width)}'", f"'{_cut(new, skip, width)}'"


def _shown(value: Any) -> str:
    """A string in quotes, anything else as YAML, cut when long."""
    return f"'{_cut(value)}'" if isinstance(value, str) else _cut(yaml_edit.emit(value))


def _cut(text: str, skip: int = 0, width: int = 60) -> str:
    head = "..." if skip else ""
    body = text[skip:]
    return head + (body if len(body) <= width else body[:width] + "...")


__all__ = ["Change", "Update", "format_update", "update_dialog"]
