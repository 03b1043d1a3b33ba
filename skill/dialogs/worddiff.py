"""Word-level differences between an expected text and what was heard, shortened for reading.

A failed speech expectation is most often one or two words off in a long response: a reader needs
to see those words, not two walls of text. The diff is computed on words (difflib), long stretches
that agree are cut down to a few words of context either side of a difference, and a `*` pattern is
checked part by part. The pieces are rendered by the text report
(`[-old-]{+new+}`) and the HTML report (`<del>`/`<ins>`) alike.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

CONTEXT_WORDS = 6
GAP = "…"

PieceKind = Literal["same", "old", "new", "gap"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of words that agree ("same"), are only expected ("old") or only heard ("new"), or
    words left out for brevity ("gap", with no words)."""

    kind: PieceKind
    words: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _window(old: list[str], new: list[str]) -> tuple[int, int] | None:
    """Where in the heard words the expected words most likely sit: around their longest common
    run, with some slack for inserted or dropped words. None when no word is in common."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    match = matcher.find_longest_match(0, len(old), 0, len(new))
    if not match.size:
        return None
    slack = max(3, len(old) // 3)
    start = max(0, match.b - match.a - slack)
    return start, min(len(new), match.b - match.a + len(old) + slack)


Change = tuple[list[str], list[str], list[str]]


def _edge(tag: str, old: list[str], new: list[str], leading: bool) -> Change:
    """At the edges of a substring's window, heard words beyond the expected ones are context:
    the change split into (context words, words only expected, words only heard)."""
    if tag == "insert":
        return new, [], []
    if tag == "replace" and len(old) == 1 and new:  # a substring may start or end inside a word
        word = new[-1] if leading else new[0]
        if word.endswith(old[0]) if leading else word.startswith(old[0]):
            return new, [], []
    if tag == "replace" and len(new) > len(old):
        extra = len(new) - len(old)
        if leading:
            return new[:extra], old, new[extra:]
        return new[len(old) :], old, new[: len(old)]
    return [], old, new


def _pieces(old: list[str], new: list[str], anywhere: bool) -> tuple[list[Piece], int]:
    """The pieces of the diff, and how many words agree."""
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    pieces: list[Piece] = []
    agreed = 0
    last = len(opcodes) - 1
    for position, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            agreed += j2 - j1
            pieces.append(Piece("same", tuple(new[j1:j2])))
            continue
        context: list[str] = []
        expected, heard = old[i1:i2], new[j1:j2]
        if anywhere and position in (0, last):
            leading = position == 0 and last > 0
            context, expected, heard = _edge(tag, expected, heard, leading)
        changed = [Piece("old", tuple(expected)), Piece("new", tuple(heard))]
        around = [Piece("same", tuple(context))]
        pieces += [*around, *changed] if position == 0 else [*changed, *around]
    return pieces, agreed


def _merged(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.words and piece.kind != "gap":
            continue
        if merged and merged[-1].kind == piece.kind != "gap":
            merged[-1] = Piece(piece.kind, merged[-1].words + piece.words)
        else:
            merged.append(piece)
    return merged


def _shorten(pieces: list[Piece], context: int) -> list[Piece]:
    """Long agreeing runs keep `context` words next to each difference; the rest is a gap.
    A very long change keeps its first and last words."""
    shortened: list[Piece] = []
    for index, piece in enumerate(pieces):
        words = piece.words
        if piece.kind in ("old", "new"):
            if len(words) > 3 * context:
                words = (*words[:context], GAP, *words[-context:])
            shortened.append(Piece(piece.kind, words))
            continue
        keep_head = index > 0  # words right after a difference
        keep_tail = index < len(pieces) - 1  # words right before one
        if piece.kind != "same" or len(words) <= context * (keep_head + keep_tail) + 1:
            shortened.append(piece)
            continue
        if keep_head:
            shortened.append(Piece("same", words[:context]))
        shortened.append(Piece("gap"))
        if keep_tail:
            shortened.append(Piece("same", words[-context:]))
    return shortened


def _substring_diff(expected: str, heard: str, anywhere: bool) -> list[Piece] | None:
    old, new = expected.split(), heard.split()
    window = _window(old, new) if anywhere else (0, len(new))
    if window is None:
        return None
    start, end = window
    pieces, agreed = _pieces(old, new[start:end], anywhere)
    if not agreed:
        return None
    return [Piece("same", tuple(new[:start])), *pieces, Piece("same", tuple(new[end:]))]


def _wildcard_diff(pattern: str, heard: str) -> list[Piece] | None:
    """A `*` pattern matches the whole text, its literal parts in order: the first part that
    is not found where it should be is diffed against the rest of the text."""
    parts = pattern.split("*")
    position = 0
    for index, part in enumerate(parts):
        if not part.strip():
            continue
        if index == 0:
            found = 0 if heard.startswith(part) else -1
        elif index == len(parts) - 1:
            found = len(heard) - len(part) if heard.endswith(part) else -1
            found = found if found >= position else -1
        else:
            found = heard.find(part, position)
        if found < 0:
            rest = _substring_diff(part.strip(), heard[position:], anywhere=True)
            if rest is None:
                return None
            return [Piece("same", tuple(heard[:position].split())), *rest]
        position = found + len(part)
    return []


def word_diff(expected: str, heard: str, *, context: int = CONTEXT_WORDS) -> list[Piece] | None:
    """The differences between `expected` and `heard`, word by word, or None when not a single
    word agrees (a diff would then be noise: show both texts instead). A plain expectation is a
    part of what was heard, so words heard around it are context; a `*` pattern is matched whole.
    An empty list: no difference."""
    if "*" in expected:
        pieces = _wildcard_diff(expected, heard)
    else:
        pieces = _substring_diff(expected, heard, anywhere=True)
    if pieces is None:
        return None
    merged = _merged(pieces)
    if all(piece.kind != "old" and piece.kind != "new" for piece in merged):
        return []
    return _shorten(merged, context)


def render_text(pieces: list[Piece]) -> str:
    """`[-expected-]{+heard+}` markers, as `git diff --word-diff` prints them."""
    parts: list[str] = []
    for piece in pieces:
        if piece.kind == "same":
            parts.append(piece.text)
        elif piece.kind == "old":
            parts.append(f"[-{piece.text}-]")
        elif piece.kind == "new":
            parts.append(f"{{+{piece.text}+}}")
        else:
            parts.append(GAP)
    return " ".join(parts)


def shorten_words(text: str, limit: int = 40) -> str:
    """The first `limit` words of a long text, then how many more there were."""
    words = text.split()
    if len(words) <= limit:
        return text
    return " ".join(words[:limit]) + f" {GAP} (+{len(words) - limit} words)"


def closest(patterns: list[str], heard: str) -> str:
    """Of several acceptable texts, the one most like what was heard (to diff against)."""
    words = heard.split()

    def likeness(pattern: str) -> float:
        tokens = pattern.replace("*", " ").split()
        return difflib.SequenceMatcher(None, tokens, words, autojunk=False).ratio()

    return max(patterns, key=likeness)
