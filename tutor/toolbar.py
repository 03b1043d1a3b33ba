"""The bottom toolbar: the keys that work during a hold, or that the timer is paused."""

from __future__ import annotations

import textwrap

from prompt_toolkit.formatted_text import StyleAndTextTuples

from shared import messages
from shared.locales import DEFAULT_LOCALE

DEFAULT_WIDTH = 80


def hold_toolbar(
    *, paused: bool, show_help: bool, locale: str = DEFAULT_LOCALE, width: int = DEFAULT_WIDTH
) -> StyleAndTextTuples:
    """One padded line, or several wrapped at word boundaries to fit `width` columns."""
    if paused:
        style, key = "class:toolbar.paused", "tutor.paused"
    else:
        style, key = "class:toolbar", "tutor.keys_help" if show_help else "tutor.keys"
    lines = textwrap.wrap(messages.text(key, locale), max(10, width - 2))
    return [(style, "\n".join(f" {line} " for line in lines))]
