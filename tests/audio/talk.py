"""Talking to the real skill in process, keeping for each turn the engine's reply and the Speech it
was rendered to (the renderer is wrapped, not replaced), so a test can say which words are which
hold's start and release while timing the SSML the skill actually sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

import skill.handlers
from shared.reply import Hold, Reply, Rest
from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.requests import RequestFactory, Session
from skill.ssml import Speech, render
from skill.testing import NOW

_ABOUT = re.compile(r"it takes about (\d+)( and a half)? minutes?")


@dataclass(frozen=True)
class Turn:
    said: str | None  # the user's words (None for the launch)
    reply: Reply
    speech: Speech
    body: dict[str, Any]

    @property
    def ssml(self) -> str:
        ssml: str = self.body["response"]["outputSpeech"]["ssml"]
        return ssml

    @property
    def holds(self) -> list[Hold]:
        return [s for s in self.reply.steps if isinstance(s, Hold)]

    @property
    def rests(self) -> list[Rest]:
        return [s for s in self.reply.steps if isinstance(s, Rest)]

    @property
    def ended(self) -> bool:
        return bool(self.body["response"].get("shouldEndSession"))


def announced_seconds(text: str) -> float:
    """ "it takes about 9 minutes" / "about 7 and a half minutes" in seconds."""
    match = _ABOUT.search(text)
    if match is None:
        raise LookupError(f"no duration announced in {text!r}")
    return (int(match.group(1)) + (0.5 if match.group(2) else 0.0)) * 60


class Talk:
    """One new user (no stored profile) talking to the Flask app by voice, every turn kept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.client = create_app(SkillConfig(verify=False)).test_client()
        self.factory = RequestFactory(clock=lambda: NOW)
        self.session = Session()
        self.turns: list[Turn] = []
        self._rendered: list[tuple[Reply, Speech]] = []

        def recording_render(reply: Reply) -> Speech:
            speech = render(reply)
            self._rendered.append((reply, speech))
            return speech

        monkeypatch.setattr(skill.handlers, "render", recording_render)

    def _send(self, said: str | None, request: dict[str, Any]) -> Turn:
        self._rendered.clear()
        response = self.client.post("/alexa", json=request)
        assert response.status_code == 200, response.get_data()[:300]
        body = response.get_json()
        assert len(self._rendered) == 1, f"{said!r} was rendered {len(self._rendered)} times"
        reply, speech = self._rendered[0]
        turn = Turn(said, reply, speech, body)
        assert turn.ssml == speech.ssml
        self.session.after(body, turn.ended)
        self.turns.append(turn)
        return turn

    def launch(self) -> Turn:
        return self._send(None, self.factory.launch(self.session))

    def say(self, text: str) -> Turn:
        return self._send(text, self.factory.utterance(self.session, text))

    def to_area_question(self) -> Turn:
        """Launch, then no to both parts of the safety screen."""
        self.launch()
        self.say("no")
        return self.say("no")

    def play_routine(self, max_turns: int = 120) -> list[Turn]:
        """From the first stretch's introduction to the goodbye, as the duration estimate plays
        it: "ready" to every question that goes on, "good" at each check-in."""
        for _ in range(max_turns):
            last = self.turns[-1]
            if last.ended:
                return self.turns
            answer = "good" if last.reply.state.get("phase") == "checkin" else "ready"
            turn = self.say(answer)
            assert "didn't catch" not in turn.ssml, turn.ssml
        raise AssertionError(f"the routine did not end within {max_turns} turns")
