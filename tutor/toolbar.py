"""The bottom toolbar: the keys that work during a hold, or that the timer is paused."""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples

from shared import messages
from shared.locales import DEFAULT_LOCALE
from tutor.wrap import split_items, wrap, wrap_items

DEFAULT_WIDTH = 80


def hold_toolbar(
    *, paused: bool, show_help: bool, locale: str = DEFAULT_LOCALE, width: int = DEFAULT_WIDTH
) -> StyleAndTextTuples:
    """One padded line, or several wrapped to fit `width` columns: the key line between keys,
    sentences at word boundaries."""
    room = width - 2  # a space of padding each side
    if paused:
        style, lines = "class:toolbar.paused", wrap(messages.text("tutor.paused", locale), room)
    elif show_help:
        style, lines = "class:toolbar", wrap(messages.text("tutor.keys_help", locale), room)
    else:
        style, lines = (
            "class:toolbar",
            wrap_items(split_items(messages.text("tutor.keys", locale)), room),
        )
    return [(style, "\n".join(f" {line} " for line in lines))]
