"""Replaying dialogs through the tutor's real session, the way click's CliRunner runs a command.

Each conversation is a `tutor.session.TutorSession` over a `MemoryStore` that starts with the
dialog's profile, so typed words go through the tutor's matcher (instead of the voice interaction
model), effects go to its store, and a cut-short session is saved as the tutor saves it. Answers
are the reply's plain text, with the cues the tutor shows during a hold, instead of SSML. The same
expectations must hold, which proves voice and text follow one conversation. Break, attribute and
directive expectations are voice-only and are not checked here. The session is paced with the
chunk size given (the voice one), not the tutor's one repetition a reply, so turns line up.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.events import Event, EventKind
from shared.intents import event_for_intent
from shared.model import load_model
from shared.profile import Profile
from shared.reply import Reply
from shared.reply_text import reply_text
from skill.dialogs.expect import Answer, HeardSpeech, check, normalise
from skill.dialogs.model import Dialog, DialogError, Turn
from skill.dialogs.runner import DialogResult, TurnResult
from tutor.session import TutorSession
from tutor.store import MemoryStore, local_user_key

VOICE_ONLY = ("breaks", "attributes", "directives", "screen")
DIALOG_USER = "local"


@dataclass
class TextTurnResult(TurnResult):
    """A text turn's result, with the answer as the tutor gave it (there is no response JSON):
    the reports show the conversation from it."""

    answer: Answer | None = None


def answer_for(reply: Reply) -> Answer:
    """What a dialog checks, from a reply as the tutor shows it."""
    ask = reply.ask
    card = (
        {"type": "Simple", "title": reply.card.title, "content": reply.card.text}
        if reply.card
        else None
    )
    return Answer(
        speech=HeardSpeech(normalise(reply_text(reply, cues=True)), ()),
        reprompt=HeardSpeech(normalise(ask.reprompt) if ask else "", ()),
        session_ends=reply.ended,
        card=card,
        attributes={},
        directives=[],
    )


class TextChannel:
    """A dialog's tutor sessions, one after another over one in-memory store: when a session ends
    (the engine said goodbye, or a `session_end` turn cut it short), the next turn opens a new one,
    which loads the profile from the store as the tutor does when it starts."""

    def __init__(self, dialog: Dialog, max_chunk_seconds: int | None) -> None:
        self.dialog = dialog
        self.max_chunk_seconds = max_chunk_seconds
        profile = Profile.from_dict(dialog.profile) if dialog.profile else None
        self.store = MemoryStore({local_user_key(DIALOG_USER): profile} if profile else None)
        self.session = self._new_session()

    def _new_session(self) -> TutorSession:
        return TutorSession(
            self.store,
            self.dialog.today,
            user=DIALOG_USER,
            locale=self.dialog.locale,
            chunk_seconds=self.max_chunk_seconds,
        )

    def reply_to(self, turn: Turn) -> Reply:
        """The session's reply to a launch, say or intent turn."""
        if self.session.finished:
            self.session = self._new_session()
        if turn.kind == "say":
            return self.session.feed_text(turn.text or "")
        return self.session.feed(self._event(turn))

    def _event(self, turn: Turn) -> Event:
        if turn.kind == "launch":
            return Event(EventKind.LAUNCH)
        if turn.kind == "intent":
            return event_for_intent(turn.intent or "", self._resolved(turn))
        if turn.kind == "touch":  # the tutor's keys and words are the same engine events
            from skill.apl.touch import touch_event

            return touch_event([turn.action])
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
        """The user walked away: the tutor saves what was done, as on Ctrl-C or a lost terminal."""
        self.session.save_partial()

    def replay(self) -> DialogResult:
        """Every turn in order; voice-only turns and checks are skipped."""
        results: list[TurnResult] = []
        for index, turn in enumerate(self.dialog.turns):
            result = TextTurnResult(index, turn, None, None, None)
            results.append(result)
            if turn.kind == "session_end":
                self.end_session()
                continue
            if turn.kind == "request":  # a raw recorded request is voice-only
                continue
            try:
                answer = answer_for(self.reply_to(turn))
            except DialogError as error:
                result.error = str(error)
                continue
            expect = {k: v for k, v in turn.expect.items() if k not in VOICE_ONLY}
            result.failures = check(expect, answer)
            result.status, result.answer = 200, answer
        return DialogResult(self.dialog, results)


def run_text_dialog(dialog: Dialog, max_chunk_seconds: int | None) -> DialogResult:
    """Replay a dialog through the tutor's session, paced with `max_chunk_seconds`."""
    return TextChannel(dialog, max_chunk_seconds).replay()
