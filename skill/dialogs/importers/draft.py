"""A converted dialog before it is written, and what could not be converted.

A draft is plain data in the dialog file's own shape (the turns are the mappings the YAML will
hold), so the writer only has to dump it and every importer builds the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from shared import messages

NOTE = "note"  # converted, but differently from the source: worth a look
SKIPPED = "skipped"  # left out of the converted dialog


@dataclass(frozen=True, slots=True)
class Problem:
    """One item of a source file that did not convert as it stands there."""

    source: Path
    item: str  # which part of the file: "test 'Help' interaction 2 ('help')"
    message: str
    level: str = SKIPPED

    def __str__(self) -> str:
        return messages.text(
            f"cli.import.{self.level}", source=self.source, item=self.item, message=self.message
        )


@dataclass
class Draft:
    """One dialog to write: its turns, and the recorded requests its `request:` turns name."""

    source: Path
    stem: str  # the file name to write, without .yaml
    name: str
    locale: str
    today: date | None = None
    turns: list[dict[str, Any]] = field(default_factory=list)
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)  # file name -> envelope
    fallback: bool = False  # some words are not in the model: send them as Alexa would

    def keep_request(self, envelope: dict[str, Any]) -> str:
        """Keep a request that only its JSON can replay; the path a `request:` turn names."""
        name = f"{self.stem}-turn-{len(self.turns) + 1:02d}.json"
        self.requests[name] = envelope
        return f"requests/{name}"

    def document(self) -> dict[str, Any]:
        """The dialog file's mapping, keys in the order a person reads them."""
        document: dict[str, Any] = {"name": self.name, "locale": self.locale}
        if self.today is not None:
            document["today"] = self.today.isoformat()
        if self.fallback:
            document["nlu"] = "fallback"
        document["turns"] = self.turns
        return document
