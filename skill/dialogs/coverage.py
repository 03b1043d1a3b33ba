"""`replay --coverage`: what a run of dialogs exercised, and what it never reached.

Four lists, each against everything there is: the interaction model's intents (from the requests
sent), the skill's request handlers (skill/handlers.py: which one each request goes to, asked of
the handlers' own `can_handle`), the engine's phases (the state each turn starts and ends in, read
from the session attributes Alexa carries), and the engine's message keys (shared/messages/
engine.toml: the keys of the reply steps and the messages the engine looked up). Keys can only be
seen inside the engine, so they are observed in-process (and on the text channel) through
`watching_engine`, which wraps the engine's entry points for the run and puts them back after;
the product code has no hook and pays nothing when coverage is off.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from shared import messages
from shared.engine import Phase
from shared.locales import DEFAULT_LOCALE
from shared.reply import Hold, Reply
from skill.dialogs.runner import DialogResult

WIDTH = 100
ENGINE_CATALOG = messages.CATALOG_DIR / "engine.toml"


@cache
def engine_keys() -> frozenset[str]:
    """Every message key of the engine's catalog (its default language)."""
    catalog = messages.parse_catalog_files([ENGINE_CATALOG])
    return frozenset(catalog.get(messages.DEFAULT_LANGUAGE, {}))


@cache
def _handlers() -> tuple[tuple[str, Any], ...]:
    from skill.handlers import REQUEST_HANDLERS
    from skill.profiles import NoProfiles

    return tuple((cls.__name__, cls(NoProfiles())) for cls in REQUEST_HANDLERS)


def handler_for(envelope: Mapping[str, Any]) -> str | None:
    """The request handler the skill dispatches this request to (the first that can handle it,
    as ask-sdk tries them); None for an envelope the SDK cannot read."""
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.request_envelope import RequestEnvelope

    from skill.serializer import FastSerializer

    try:
        request = FastSerializer().deserialize_data(dict(envelope), RequestEnvelope)
        handler_input = HandlerInput(request_envelope=request)
        return next(name for name, h in _handlers() if h.can_handle(handler_input))
    except Exception:  # an envelope the SDK refuses reaches no handler at all
        return None


def _engine_phase(envelope: Mapping[str, Any] | None) -> str | None:
    attributes = (envelope or {}).get("sessionAttributes")
    if attributes is None:
        attributes = ((envelope or {}).get("session") or {}).get("attributes")
    state = (attributes or {}).get("engine")
    phase = state.get("phase") if isinstance(state, Mapping) else None
    return str(phase) if phase else None


@dataclass
class Coverage:
    """What a run reached. `engine_seen` says whether message keys could be observed."""

    intents: set[str] = field(default_factory=set)
    handlers: set[str] = field(default_factory=set)
    phases: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    locales: set[str] = field(default_factory=set)
    dialogs: int = 0
    requests_seen: bool = False
    engine_seen: bool = False

    def add(self, result: DialogResult) -> None:
        """Everything a replayed dialog's requests and answers show."""
        self.dialogs += 1
        self.locales.add(result.dialog.locale)
        for turn in result.turns:
            if turn.request is not None:
                self._request(turn.request)
            if turn.response is not None and turn.status == 200:
                self._response(turn.request or {}, turn.response)

    def _request(self, envelope: Mapping[str, Any]) -> None:
        self.requests_seen = True
        request = envelope.get("request") or {}
        name = (request.get("intent") or {}).get("name")
        if request.get("type") == "IntentRequest" and name:
            self.intents.add(str(name))
        handler = handler_for(envelope)
        if handler:
            self.handlers.add(handler)

    def _response(self, request: Mapping[str, Any], answer: Mapping[str, Any]) -> None:
        kind = (request.get("request") or {}).get("type")
        if kind not in ("LaunchRequest", "IntentRequest"):
            return  # the engine answers only these
        self.phases.add(_engine_phase(request) or Phase.NEW.value)
        body = answer.get("response") or {}
        if body.get("shouldEndSession") and body.get("outputSpeech"):
            self.phases.add(Phase.DONE.value)
        else:
            self.phases.add(_engine_phase(answer) or Phase.NEW.value)

    def observe_reply(self, state: Any, reply: Reply) -> None:
        """One engine turn seen from inside: the phases it went from and to, its steps' keys."""
        self.engine_seen = True
        before = getattr(state, "phase", None) or (
            state.get("phase") if isinstance(state, Mapping) else None
        )
        self.phases.add(str(getattr(before, "value", before) or Phase.NEW.value))
        self.phases.add(str(reply.state.get("phase") or Phase.DONE.value))
        for step in reply.steps:
            if isinstance(step, Hold):
                self.keys.update(cue.key for cue in step.cues)
            else:
                self.keys.add(step.key)

    def report(self) -> str:
        """The lists, each as exercised / never reached, against everything there is."""
        dialogs = messages.text(
            f"report.dialogs.{'one' if self.dialogs == 1 else 'many'}", n=self.dialogs
        )
        lines = [_t("head", dialogs=dialogs)]
        sections = [
            ("intents", self.intents, self._all_intents(), self.requests_seen, "no_requests"),
            ("handlers", self.handlers, _handler_names(), self.requests_seen, "no_requests"),
            ("phases", self.phases, {p.value for p in Phase}, True, ""),
            ("keys", self.keys, set(engine_keys()), self.engine_seen, "no_engine"),
        ]
        for name, reached, everything, seen, why in sections:
            lines += _section(name, reached & everything, everything, seen, why)
        return "\n".join(lines)

    def _all_intents(self) -> set[str]:
        from shared.model import ModelError, load_model

        names: set[str] = set()
        for locale in self.locales:
            try:
                names.update(load_model(locale).intents)
            except ModelError:
                continue
        return names or set(self.intents)


def _handler_names() -> set[str]:
    return {name for name, _ in _handlers()}


def _t(message: str, **params: Any) -> str:
    return messages.text(f"coverage.{message}", **params)


def _listed(label: str, names: set[str]) -> list[str]:
    text = ", ".join(sorted(names)) or _t("none")
    indent = "    "
    head = f"{indent}{_t(label)} "
    return textwrap.wrap(
        text, WIDTH, initial_indent=head, subsequent_indent=" " * len(head), break_on_hyphens=False
    )


def _section(name: str, reached: set[str], everything: set[str], seen: bool, why: str) -> list[str]:
    if not seen:
        return [_t("section", what=_t(name), reached="-", total=len(everything)), f"    {_t(why)}"]
    head = _t("section", what=_t(name), reached=len(reached), total=len(everything))
    return [head, *_listed("exercised", reached), *_listed("never", everything - reached)]


@contextmanager
def watching_engine(coverage: Coverage) -> Iterator[Coverage]:
    """For the duration, the engine's replies and message lookups (in this process: the skill's
    handlers and the tutor's session) are told to `coverage`; afterwards all is as it was."""
    import skill.handlers
    import tutor.session

    modules = (skill.handlers, tutor.session)
    saved: list[Callable[..., Reply]] = [module.handle for module in modules]
    engine_handle, lookup = saved[0], messages.text
    depth = [0]

    def observed(state: Any, event: Any, context: Any) -> Reply:
        depth[0] += 1
        try:
            reply = engine_handle(state, event, context)
        finally:
            depth[0] -= 1
        coverage.observe_reply(state, reply)
        return reply

    def looked_up(key: str, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
        if depth[0]:
            coverage.keys.add(key)
        return lookup(key, locale, **params)

    for module in modules:
        setattr(module, "handle", observed)  # noqa: B010  # the module's global, for the run
    setattr(messages, "text", looked_up)  # noqa: B010
    try:
        yield coverage
    finally:
        for module, original in zip(modules, saved, strict=True):
            setattr(module, "handle", original)  # noqa: B010
        setattr(messages, "text", lookup)  # noqa: B010


__all__ = ["Coverage", "engine_keys", "handler_for", "watching_engine"]
