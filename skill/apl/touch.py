"""Touch on a screen: an Alexa.Presentation.APL.UserEvent becomes the engine event of the words.

The documents' buttons send one argument, their action; "pause" is the same event as saying
"pause", so the conversation cannot tell a tap from a word. Anything else (an old document, a
hand-made request) is an event the engine answers as not understood.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.events import Event, EventKind

TOUCH_EVENTS = {
    "ready": EventKind.CONTINUE,
    "pause": EventKind.PAUSE,
    "resume": EventKind.RESUME,
    "skip": EventKind.SKIP,
    "pain": EventKind.PAIN,
}


def touch_event(arguments: Sequence[Any] | None) -> Event:
    action = arguments[0] if arguments else None
    kind = TOUCH_EVENTS.get(action) if isinstance(action, str) else None
    if kind is None:
        return Event(EventKind.UNKNOWN, text=str(action))
    return Event(kind)
