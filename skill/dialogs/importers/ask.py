"""The ASK CLI's files as dialogs.

`ask dialog --save-skill-io FILE` writes `{"invocations": [{"request": {"utterance", "newSession"},
"response": {"body": <simulation>}}]}`, where a simulation (also what `ask smapi simulate-skill`
and `get-skill-simulation` print) holds `result.skillExecutionInfo.invocations`, each with the
request Alexa sent the skill (`invocationRequest.body`) and its answer (`invocationResponse.body`).
`ask smapi invoke-skill` prints one such pair in `result.skillExecutionInfo`. An `ask dialog`
replay file (`{"locale", "userInput": [...]}`) has only the words.

Each request becomes the turn a person would write: the words typed when the model gives them
the same intent and slots, else `readable_turn` (readable.py), else the request itself is kept as
a `request:` file, with identifiers replaced (recorder.Scrubber). The answer becomes its
expectations, and the first request's date the dialog's `today:`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from shared.locales import DEFAULT_LOCALE
from skill.dialogs.importers.draft import NOTE, Draft, Problem
from skill.dialogs.importers.words import answer_expectations, spoken, words_turn
from skill.dialogs.readable import has_model, readable_turn, slot_values
from skill.dialogs.recorder import Scrubber

Pair = tuple[dict[str, Any], Any]  # (request envelope, answer envelope)


class NotAskFile(ValueError):
    """The JSON is none of the ASK CLI's shapes."""


@dataclass
class Exchange:
    """One thing the user said (or one invoke-skill call) and what reached the skill."""

    item: str
    utterance: str | None = None
    pairs: list[Pair] = field(default_factory=list)
    missing: str = ""  # why nothing reached the skill


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _pairs(simulation: Any) -> list[Pair]:
    """The skill's requests and answers in a simulation or an invoke-skill result."""
    info = _get(simulation, "result", "skillExecutionInfo")
    calls = info.get("invocations") if isinstance(info, Mapping) else None
    if not isinstance(calls, list):
        calls = [info] if isinstance(info, Mapping) else []
    pairs = []
    for call in calls:
        request = _get(call, "invocationRequest", "body")
        if isinstance(request, dict):
            pairs.append((request, _get(call, "invocationResponse", "body")))
    return pairs


def _missing(simulation: Any) -> str:
    """Why a simulation reached no skill: Alexa's error, or what Alexa said by itself."""
    error = _get(simulation, "result", "error", "message")
    if error:
        return f"the simulation failed: {error}"
    captions = _get(simulation, "result", "alexaExecutionInfo", "alexaResponses") or []
    said = [str(_get(c, "content", "caption")) for c in captions if _get(c, "content", "caption")]
    if said:
        return f"Alexa answered without calling the skill: {' '.join(said)!r}"
    return "nothing in it reached the skill"


def _simulated(item: str, utterance: str | None, simulation: Any) -> Exchange:
    pairs = _pairs(simulation)
    return Exchange(item, utterance, pairs, "" if pairs else _missing(simulation))


def exchanges(data: Any) -> list[Exchange]:
    """The file's exchanges, whichever of the ASK CLI's shapes it has."""
    if isinstance(data, list):
        return [e for n, d in enumerate(data, 1) for e in _one_result(d, f"result {n}")]
    if isinstance(data, Mapping) and isinstance(data.get("invocations"), list):
        found = []
        for number, entry in enumerate(data["invocations"], 1):
            utterance = _get(entry, "request", "utterance")
            said = str(utterance) if utterance is not None else None
            item = f"invocation {number}" + (f" ({said!r})" if said else "")
            found.append(_simulated(item, said, _get(entry, "response", "body")))
        return found
    return _one_result(data, "the result")


def _one_result(data: Any, item: str) -> list[Exchange]:
    if isinstance(data, Mapping) and isinstance(data.get("result"), Mapping):
        return [_simulated(item, None, data)]
    raise NotAskFile("not an ASK CLI file (save-skill-io, simulate-skill or invoke-skill result)")


def _locale(pairs: list[Pair]) -> str:
    for request, _answer in pairs:
        locale = _get(request, "request", "locale")
        if isinstance(locale, str) and locale:
            return locale
    return DEFAULT_LOCALE


def _today(pairs: list[Pair]) -> date | None:
    """The day of the first request: a recorded answer (a streak, a date) depends on it."""
    for request, _answer in pairs:
        stamp = _get(request, "request", "timestamp")
        try:
            return datetime.fromisoformat(str(stamp)).date()
        except ValueError:
            continue
    return None


class AskConverter:
    """Builds one draft from a file's exchanges, carrying the session as Alexa did."""

    def __init__(self, source: Path, locale: str) -> None:
        self.source = source
        self.draft = Draft(source, source.stem, source.stem.replace("_", " "), locale)
        self.problems: list[Problem] = []
        self.scrubber = Scrubber()
        self.session_open = False

    def add(self, exchange: Exchange) -> None:
        if not exchange.pairs:
            self.problems.append(Problem(self.source, exchange.item, exchange.missing))
            return
        for index, (request, answer) in enumerate(exchange.pairs):
            utterance = exchange.utterance if index == 0 else None
            self._add_pair(exchange.item, utterance, request, answer)

    def _add_pair(
        self, item: str, utterance: str | None, request: dict[str, Any], answer: Any
    ) -> None:
        body = request.get("request")
        if not isinstance(body, dict):
            self.problems.append(Problem(self.source, item, "the request has no 'request' body"))
            return
        if self.session_open and _get(request, "session", "new") is True:
            self.draft.turns.append({"session_end": "USER_INITIATED"})
            note = "Alexa started a new session here: the open one is ended first"
            self.problems.append(Problem(self.source, item, note, NOTE))
        turn = self._turn(item, utterance, request, body)
        ended = body.get("type") == "SessionEndedRequest"
        if not ended:
            expect = answer_expectations(answer)
            if expect:
                turn["expect"] = expect
            ended = bool(expect.get("session_ends"))
        self.draft.turns.append(turn)
        self.session_open = not ended

    def _turn(
        self, item: str, utterance: str | None, request: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        locale = self.draft.locale
        said = spoken(locale, utterance) if utterance else None
        if said is not None and _same_request(said.intent, said.slots, body):
            return dict(said.turn)
        readable = readable_turn(locale, body)
        if readable is not None:
            return readable
        path = self.draft.keep_request(self.scrubber.scrub(request))
        why = f"{body.get('type')} is a request this format cannot write as words"
        self.problems.append(Problem(self.source, item, f"kept as {path}: {why}", NOTE))
        return {"request": path}


def _same_request(intent: str | None, slots: dict[str, str], body: Mapping[str, Any]) -> bool:
    """Whether the words, sent again, make the request Alexa sent."""
    if intent is None:
        return body.get("type") == "LaunchRequest"
    sent = body.get("intent")
    return (
        body.get("type") == "IntentRequest"
        and isinstance(sent, Mapping)
        and sent.get("name") == intent
        and slot_values(sent) == slots
    )


def convert_ask(source: Path, data: Any) -> tuple[list[Draft], list[Problem]]:
    """The drafts (one) and problems of an ASK CLI file; NotAskFile for other JSON."""
    if isinstance(data, Mapping) and isinstance(data.get("userInput"), list):
        return _replay_file(source, data)
    found = exchanges(data)
    pairs = [pair for exchange in found for pair in exchange.pairs]
    converter = AskConverter(source, _locale(pairs))
    if not has_model(converter.draft.locale):
        return [], [_no_model(source, converter.draft.locale)]
    converter.draft.today = _today(pairs)
    for exchange in found:
        converter.add(exchange)
    return ([converter.draft] if converter.draft.turns else []), converter.problems


def _no_model(source: Path, locale: str) -> Problem:
    return Problem(source, "the whole file", f"there is no {locale} interaction model to replay it")


def _replay_file(source: Path, data: Mapping[str, Any]) -> tuple[list[Draft], list[Problem]]:
    """An `ask dialog` replay file: the words only, so turns without expectations."""
    locale = str(data.get("locale") or DEFAULT_LOCALE)
    if not has_model(locale):
        return [], [_no_model(source, locale)]
    draft = Draft(source, source.stem, source.stem.replace("_", " "), locale)
    problems: list[Problem] = []
    for number, words in enumerate(data["userInput"], 1):
        text = str(words).strip()
        if text.startswith("."):  # .quit, .record: commands to ask dialog, not to the skill
            continue
        turn, problem = words_turn(draft, f"input {number} ({text!r})", text)
        draft.turns.append(turn)
        problems += [problem] if problem else []
    return ([draft] if draft.turns else []), problems
