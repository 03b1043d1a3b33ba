"""The bottom toolbar: the keys that work during a hold, or that the timer is paused."""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples

from shared import messages


def hold_toolbar(*, paused: bool, show_help: bool, locale: str = "en-US") -> StyleAndTextTuples:
    if paused:
        return [("class:toolbar.paused", f" {messages.text('tutor.paused', locale)} ")]
    key = "tutor.keys_help" if show_help else "tutor.keys"
    return [("class:toolbar", f" {messages.text(key, locale)} ")]
