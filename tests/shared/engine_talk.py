"""A small driver for conversations with the engine, shared by the engine's tests."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from shared.engine import Context, handle
from shared.events import Event, EventKind
from shared.profile import Profile
from shared.reply import Ask, End, Hold, Reply, Rest, Say

TODAY = date(2026, 11, 24)


class Talk:
    """Feeds events to the engine the way a front end does, keeping the state between turns."""

    def __init__(self, profile: Profile | None = None, max_chunk_seconds: int | None = None):
        self.context = Context(today=TODAY, profile=profile, max_chunk_seconds=max_chunk_seconds)
        self.state: dict[str, Any] | None = None
        self.replies: list[Reply] = []

    def __call__(self, kind: EventKind, **fields: Any) -> Reply:
        reply = handle(self.state, Event(kind, **fields), self.context)
        json.dumps(reply.state)  # every state must survive a JSON round trip
        self.state = json.loads(json.dumps(reply.state))
        self.replies.append(reply)
        return reply

    @property
    def phase(self) -> str:
        assert self.state is not None
        return self.state["phase"]

    def to_area_question(self) -> Reply:
        """Launch and answer no to both parts of the safety screen (emergency, then urgent)."""
        self(EventKind.LAUNCH)
        self(EventKind.NO)
        return self(EventKind.NO)

    def to_first_intro(self, area: str = "neck", tips: bool = False) -> Reply:
        """To the first stretch's introduction; the neck part of the screen answered no."""
        self.to_area_question()
        return self.to_first_intro_from_area(area, tips)

    def to_first_intro_from_area(self, area: str = "neck", tips: bool = False) -> Reply:
        """From the area question to the first stretch's introduction."""
        self(EventKind.CHOOSE_AREA, area=area)
        if self.phase == "screen_neck":
            self(EventKind.NO)
        if not tips:
            return self(EventKind.NO)
        self(EventKind.YES)  # the tips come in two short turns
        return self(EventKind.YES)


def keys(reply: Reply) -> list[str]:
    return [step.key for step in reply.steps if isinstance(step, Say | Ask | End | Rest)]


def holds(reply: Reply) -> list[Hold]:
    return [step for step in reply.steps if isinstance(step, Hold)]


def timed_seconds(reply: Reply) -> int:
    return sum(s.seconds for s in reply.steps if isinstance(s, Hold | Rest))


__all__ = ["TODAY", "Ask", "End", "Hold", "Rest", "Say", "Talk", "holds", "keys", "timed_seconds"]
