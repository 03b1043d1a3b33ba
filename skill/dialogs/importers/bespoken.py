"""Bespoken skill-testing-ml YAML files as dialogs, one dialog per test.

A file is YAML documents: an optional `configuration` (its `locale` is the dialog's), then one
document per test, a list of interactions. An interaction is an utterance (or `LaunchRequest`,
`SessionEndedRequest`) with an expected prompt (`- "help": "*You can say*"`, `- help == ...`) or
a list of `intent:`/`slots:` and assertions (`prompt: ...`, `response.card.title == ...`).

What this format cannot say (request expressions, labels and `goto`, `!=` on text, numeric
comparisons, runner settings such as a user id) is reported per item; the rest converts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from shared.locales import DEFAULT_LOCALE
from shared.model import load_model
from skill.dialogs.importers.assertions import (
    Assertion,
    Unsupported,
    add_assertion,
    from_mapping,
    parse_line,
)
from skill.dialogs.importers.draft import NOTE, Draft, Problem
from skill.dialogs.importers.words import words_turn
from skill.dialogs.readable import has_model

_META = ("test", "test.only", "test.skip")
# Settings that change what a test means; the others only choose how and where bst runs it.
_MEANINGFUL_SETTINGS = (
    "userId",
    "deviceId",
    "accessToken",
    "address",
    "dynamo",
    "supportedInterfaces",
    "findReplace",
    "homophones",
    "lenientMode",
    "ignoreProperties",
)
_REQUEST_TYPE = re.compile(r"[A-Z]\w*\.\w[\w.]*|[A-Z]\w*Request")


class NotBespokenFile(ValueError):
    """The YAML is not a skill-testing-ml file."""


@dataclass
class Interaction:
    """One step of a test as written: what is sent, and what is asserted of the answer."""

    utterance: str
    intent: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    assertions: list[Assertion] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    exit: bool = False  # Bespoken's `exit`: the test stops here

    def read(self, element: Any) -> None:
        """One element of the interaction's list."""
        if isinstance(element, str | int | float | bool):
            self._read_line(str(element).strip())
        elif isinstance(element, Mapping) and element:
            self._read_mapping(element)
        else:
            self.unsupported.append(f"{element!r} is not an assertion")

    def _read_line(self, text: str) -> None:
        if text == "exit":
            self.exit = True
            return
        found = parse_line(text)
        if found is None:
            self.unsupported.append(f"{text!r} is not an assertion (path operator value)")
        else:
            self.assertions.append(found)

    def _read_mapping(self, element: Mapping[Any, Any]) -> None:
        key = str(next(iter(element)))
        if "intent" in element:
            self.intent = str(element["intent"])
            self.slots.update({str(k): str(v) for k, v in element.items() if k != "intent"})
        elif key == "slots" and isinstance(element[key], Mapping):
            self.slots.update({str(k): str(v) for k, v in element[key].items()})
        elif key == "label":
            self.unsupported.append("labels (targets of goto) are not converted")
        elif key.startswith("request"):
            why = "the request is sent as this tool builds it"
            self.unsupported.append(f"the request expression {key!r} is not converted: {why}")
        else:
            self.assertions.append(from_mapping(element))


def said(value: Any) -> str:
    """Words as written: YAML 1.1 reads a bare `yes` or `no` as a boolean, Bespoken does not."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def parse_interaction(raw: Any) -> Interaction:
    """An interaction in any of Bespoken's spellings."""
    if isinstance(raw, Mapping) and raw:
        utterance, elements = next(iter(raw.items()))
        interaction = Interaction(said(utterance))
        if isinstance(elements, list):
            for element in elements:
                interaction.read(element)
        elif elements is not None:
            interaction.assertions.append(from_mapping({"prompt": elements}))
        return interaction
    text = said(raw)
    if text == "exit":
        return Interaction("", exit=True)
    found = parse_line(text)
    if found is not None:  # `help == You can say` : the utterance, then the prompt
        return Interaction(
            found.path, assertions=[Assertion("prompt", found.operator, found.value)]
        )
    return Interaction(text)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48] or "test"


class TestConverter:
    """One Bespoken test as one draft."""

    def __init__(self, source: Path, locale: str, number: int) -> None:
        self.source = source
        self.locale = locale
        self.name = f"Test {number}"  # Bespoken's own name for a test without one
        self.problems: list[Problem] = []
        self.draft: Draft | None = None

    def convert(self, raw: list[Any]) -> tuple[Draft | None, list[Problem]]:
        interactions, skipped = self._interactions(raw)
        where = f"test {self.name!r}"
        if skipped:
            return None, [Problem(self.source, where, "marked test.skip: not converted")]
        base = self.source.name.split(".")[0]
        self.draft = Draft(self.source, f"{base}-{_slug(self.name)}", self.name, self.locale)
        for index, raw_interaction in enumerate(interactions, 1):
            interaction = parse_interaction(raw_interaction)
            item = f"{where}, interaction {index} ({interaction.utterance or 'exit'!r})"
            if interaction.exit and not interaction.utterance:
                self._stop(item, len(interactions) - index)
                break
            self._add(interaction, item)
            if interaction.exit:
                self._stop(item, len(interactions) - index)
                break
        if not self.draft.turns:
            self.problems.append(Problem(self.source, where, "no interaction converted"))
            return None, self.problems
        return self.draft, self.problems

    def _interactions(self, raw: list[Any]) -> tuple[list[Any], bool]:
        """The interactions, after the test's name and tags (which come first)."""
        skipped, rest = False, []
        for index, item in enumerate(raw):
            key = next(iter(item), None) if isinstance(item, Mapping) else None
            if index < 2 and key in _META:
                self.name, skipped = str(item[key]), key == "test.skip"
            elif not (index < 2 and key == "tags"):
                rest.append(item)
        return rest, skipped

    def _stop(self, item: str, left: int) -> None:
        if left:
            message = f"exit stops the test here: the {left} interaction(s) after it are dropped"
            self.problems.append(Problem(self.source, item, message))

    def _add(self, interaction: Interaction, item: str) -> None:
        assert self.draft is not None
        for reason in interaction.unsupported:
            self.problems.append(Problem(self.source, item, reason))
        turn = self._turn(interaction, item)
        if turn is None:
            return
        expect: dict[str, Any] = {}
        for assertion in interaction.assertions:
            try:
                _check_goto(assertion)
                add_assertion(expect, assertion)
            except Unsupported as error:
                self.problems.append(Problem(self.source, item, str(error)))
        if expect:
            turn["expect"] = expect
        self.draft.turns.append(turn)

    def _turn(self, interaction: Interaction, item: str) -> dict[str, Any] | None:
        assert self.draft is not None
        words = interaction.utterance
        intents = load_model(self.locale).intents
        if interaction.intent or words in intents:
            return self._intent_turn(interaction.intent or words, interaction.slots, item)
        if words == "LaunchRequest":
            return {"launch": True}
        if words == "SessionEndedRequest":
            return {"session_end": "USER_INITIATED"}
        if _REQUEST_TYPE.fullmatch(words):
            why = f"{words} is a request a dialog cannot send: the interaction is dropped"
            self.problems.append(Problem(self.source, item, why))
            return None
        turn, problem = words_turn(self.draft, item, words)
        self.problems += [problem] if problem else []
        return turn

    def _intent_turn(self, name: str, slots: dict[str, str], item: str) -> dict[str, Any] | None:
        known = load_model(self.locale).intents.get(name)
        unknown = sorted(set(slots) - set(known.slots)) if known else []
        if known is None or unknown:
            what = f"slot(s) {', '.join(unknown)}" if known else f"intent {name}"
            why = f"the {self.locale} interaction model has no {what}: the interaction is dropped"
            self.problems.append(Problem(self.source, item, why))
            return None
        return {"intent": name, "slots": dict(slots)} if slots else {"intent": name}


def _check_goto(assertion: Assertion) -> None:
    if isinstance(assertion.value, str) and " goto " in f" {assertion.value} ":
        raise Unsupported(f"{assertion.text}: goto (a jump when it matches) is not converted")


def _locale(source: Path, configuration: Mapping[str, Any], problems: list[Problem]) -> str:
    """The configured locale (the first of several), and a note on settings left behind."""
    locales = configuration.get("locales") or configuration.get("locale") or DEFAULT_LOCALE
    names = locales if isinstance(locales, list) else str(locales).split(",")
    names = [str(name).strip() for name in names if str(name).strip()] or [DEFAULT_LOCALE]
    if len(names) > 1:
        message = f"the tests are converted for {names[0]} only, not {', '.join(names[1:])}"
        problems.append(Problem(source, "configuration", message, NOTE))
    for key in _MEANINGFUL_SETTINGS:
        if key in configuration:
            message = f"{key} is not converted: dialogs run as a fresh user on a fresh device"
            problems.append(Problem(source, "configuration", message, NOTE))
    return names[0]


def convert_bespoken(source: Path, text: str) -> tuple[list[Draft], list[Problem]]:
    """The drafts (one per test) and problems of a skill-testing-ml file."""
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        raise NotBespokenFile(f"not YAML: {' '.join(str(error).split())}") from None
    configuration: Any = {}
    if documents and isinstance(documents[0], Mapping) and "configuration" in documents[0]:
        configuration = documents.pop(0)["configuration"] or {}
    tests = [d for d in documents if isinstance(d, list)]
    if not tests or not isinstance(configuration, Mapping):
        raise NotBespokenFile("not a skill-testing-ml file: no test (a YAML list of interactions)")
    problems: list[Problem] = []
    if len(tests) < len(documents):
        problems.append(Problem(source, "the file", "a document that is not a test is ignored"))
    locale = _locale(source, configuration, problems)
    if not has_model(locale):
        message = f"there is no {locale} interaction model to replay its tests"
        return [], [*problems, Problem(source, "configuration", message)]
    drafts = []
    for number, test in enumerate(tests, 1):
        draft, found = TestConverter(source, locale, number).convert(test)
        problems += found
        drafts += [draft] if draft else []
    return drafts, problems
