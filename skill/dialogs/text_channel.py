"""Driving the tutor's text channel with the same dialogs, through the engine and the text matcher.

Utterances go through `shared.matcher` (what the tutor does with typed text) instead of the voice
interaction model, and answers are the engine's plain text instead of SSML. The same expectations
must hold, which proves voice and text follow one conversation. Break, attribute and directive
expectations are voice-only and are not checked here.
"""

from __future__ import annotations

from typing import Any

from shared.effects import apply_effects
from shared.engine import Context, handle, session_record
from shared.events import Event, EventKind
from shared.intents import event_for_intent
from shared.matcher import Matcher
from shared.model import load_model
from shared.profile import Profile
from shared.reply import (
    Ask,
    End,
    Hold,
    RecordSession,
    Reply,
    Rest,
    Say,
)
from skill.dialogs.expect import Answer, Speech, check, normalise
from skill.dialogs.model import Dialog, DialogError, Turn
from skill.dialogs.runner import DialogResult, TurnResult

VOICE_ONLY = ("breaks", "attributes", "directives")


def reply_text(reply: Reply) -> str:
    """Everything the tutor shows for a reply, in order: sayings, cues, rests and the question."""
    parts: list[str] = []
    for step in reply.steps:
        if isinstance(step, Hold):
            parts.extend(cue.text for cue in step.cues)
        elif isinstance(step, Say | Rest | Ask | End):
            parts.append(step.text)
    return normalise(" ".join(parts))


class TextChannel:
    """One tutor conversation: the matcher for typed words, the engine, an in-memory profile."""

    def __init__(self, dialog: Dialog, max_chunk_seconds: int | None) -> None:
        self.dialog = dialog
        self.matcher = Matcher(load_model(dialog.locale))
        self.profile = Profile.from_dict(dialog.profile) if dialog.profile else None
        self.max_chunk_seconds = max_chunk_seconds
        self.state: dict[str, Any] | None = None

    @property
    def context(self) -> Context:
        return Context(
            today=self.dialog.today,
            profile=self.profile,
            max_chunk_seconds=self.max_chunk_seconds,
            locale=self.dialog.locale,
        )

    def event_for(self, turn: Turn) -> Event:
        if turn.kind == "launch":
            return Event(EventKind.LAUNCH)
        if turn.kind == "say":
            return self.matcher.to_event(turn.text or "")
        if turn.kind == "intent":
            return event_for_intent(turn.intent or "", self._resolved(turn))
        raise DialogError(f"the text channel cannot replay a {turn.kind} turn")

    def _resolved(self, turn: Turn) -> dict[str, str | None]:
        """Slot values as the skill resolves them: custom types to their ids, numbers as said."""
        model = load_model(self.dialog.locale)
        intent = model.intents.get(turn.intent or "")
        types = intent.slots if intent else {}
        resolved: dict[str, str | None] = {}
        for name, spoken in turn.slots.items():
            slot_type = types.get(name, "")
            value = None if slot_type.startswith("AMAZON.") else model.resolve(slot_type, spoken)
            resolved[name] = value.id if value is not None else spoken
        return resolved

    def end_session(self) -> None:
        record = session_record(self.state, self.context)
        if record is not None:
            self.profile = apply_effects(self.profile, (RecordSession(record),), self.dialog.today)
        self.state = None

    def answer(self, event: Event) -> Answer:
        reply = handle(self.state, event, self.context)
        self.profile = apply_effects(self.profile, reply.effects, self.dialog.today)
        self.state = None if reply.ended else reply.state
        ask = reply.ask
        card = (
            {"type": "Simple", "title": reply.card.title, "content": reply.card.text}
            if reply.card
            else None
        )
        return Answer(
            speech=Speech(reply_text(reply), ()),
            reprompt=Speech(normalise(ask.reprompt) if ask else "", ()),
            session_ends=reply.ended,
            card=card,
            attributes={},
            directives=[],
        )


def run_text_dialog(dialog: Dialog, max_chunk_seconds: int | None) -> DialogResult:
    """Replay a dialog through the tutor's channel; voice-only turns and checks are skipped."""
    channel = TextChannel(dialog, max_chunk_seconds)
    results: list[TurnResult] = []
    for index, turn in enumerate(dialog.turns):
        result = TurnResult(index, turn, None, None, None)
        results.append(result)
        if turn.kind == "session_end":
            channel.end_session()
            continue
        if turn.kind == "request":  # a raw recorded request is voice-only
            continue
        try:
            answer = channel.answer(channel.event_for(turn))
        except DialogError as error:
            result.error = str(error)
            continue
        expect = {k: v for k, v in turn.expect.items() if k not in VOICE_ONLY}
        result.failures = check(expect, answer)
        result.status = 200
    return DialogResult(dialog, results)
