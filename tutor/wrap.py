"""Text wrapped at word boundaries to a terminal's width: the one rule for every line the tutor
prints, in plain and full-screen mode alike.

A terminal left to itself breaks a long line at its last column, inside whatever word is there
("phy / sical therapist"); these functions break only at spaces. A word wider than the whole line
(which no sentence of ours has) stays whole on a line of its own rather than being cut. Pure: the
caller passes the width it read from the terminal, so this is tested without one.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

# Narrower than this, wrapping makes a column of single words harder to read than the
# terminal's own breaks; it is also what a terminal that reports no size gets.
MIN_WIDTH = 10


def wrap(text: str, width: int | None) -> list[str]:
    """`text` as lines of at most `width` columns, broken only at spaces. Each line of `text` is
    wrapped on its own (its breaks are kept, blank lines too); `width` None: lines as they are."""
    if width is None:
        return text.split("\n")
    wrapper = textwrap.TextWrapper(
        width=max(MIN_WIDTH, width), break_long_words=False, break_on_hyphens=False
    )
    return [line for paragraph in text.split("\n") for line in wrapper.wrap(paragraph) or [""]]


def wrap_text(text: str, width: int | None) -> str:
    """`wrap`, joined with newlines: what to print."""
    return "\n".join(wrap(text, width))


def wrap_items(items: Sequence[str], width: int | None, separator: str = "   ") -> list[str]:
    """Items (such as "n skip stretch") laid out `separator` apart, a line broken only between
    items, so a key is never parted from what it does; an item wider than a line is wrapped."""
    if width is None:
        return [separator.join(items)]
    width = max(MIN_WIDTH, width)
    lines: list[str] = []
    current = ""
    for item in items:
        joined = f"{current}{separator}{item}" if current else item
        if len(joined) <= width:
            current = joined
            continue
        if current:
            lines.append(current)
        pieces = wrap(item, width)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current or not lines:
        lines.append(current)
    return lines


def split_items(text: str, separator: str = "   ") -> list[str]:
    """The items of a line laid out `separator` apart (as the key line in the catalog)."""
    return [item.strip() for item in text.split(separator) if item.strip()]
