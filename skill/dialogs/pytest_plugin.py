"""A pytest plugin: every dialog YAML under a `dialogs` folder of the tests becomes test items.

Each dialog runs on two channels, through the Alexa skill ("voice": in-process, or against a
served endpoint with `--dialog-url URL`) and through the tutor's text channel ("text"). Each turn
on each channel is its own test item (`file::dialog name::turn 2: say: no [voice]`), so
`--junitxml` has one testcase per turn and a failure names the turn; the dialog runs once per
channel, when the first of its turns is tested. A failure shows the same
report as `backstretch-skill replay`: what was heard, what differs, and the file:line of each
failed expectation. What the text channel cannot test (a recorded Alexa request; a turn whose
expectations are all voice-only) is skipped with the reason, never passed unchecked.
Installed as a pytest11 entry point, so `-k` and `--junitxml` work as for any test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import messages
from skill.dialogs.model import Dialog, DialogError, load_dialogs
from skill.dialogs.report import format_turn
from skill.dialogs.runner import DialogResult, TurnResult

CHANNELS = ("voice", "text")
TEXT_UNCHECKED = ("breaks", "attributes", "directives", "path")  # voice-only expectations


def _say(message: str, **params: Any) -> str:
    return messages.text(f"pytest.{message}", **params)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dialogs", "dialog tests (backstretch-skill)")
    group.addoption("--dialog-url", metavar="URL", default=None, help=_say("url_option"))


class TurnFailed(Exception):
    def __init__(self, result: TurnResult) -> None:
        super().__init__(result.turn.label)
        self.result = result


def _is_dialog_file(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and "dialogs" in path.parts[:-1]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if _is_dialog_file(file_path):
        return DialogFile.from_parent(parent, path=file_path)
    return None


def _node_name(name: str) -> str:
    """A dialog's name as a node: pytest reads `[...]` as a parameter id (and JUnit splits
    there), so a locale's brackets become parentheses."""
    return name.replace("[", "(").replace("]", ")")


class DialogFile(pytest.File):
    """A dialog file: a collector per dialog (one per locale it runs in)."""

    def collect(self) -> Iterator[pytest.Collector]:
        try:
            dialogs = load_dialogs(self.path)
        except DialogError as error:
            raise self.CollectError(str(error)) from error
        for dialog in dialogs:
            yield DialogCase.from_parent(self, name=_node_name(dialog.name), dialog=dialog)


def text_channel_obstacle(dialog: Dialog) -> str | None:
    """Why the text channel cannot test this dialog at all, or None: a recorded request is an
    Alexa request the tutor has no equivalent for, and the turns after it depend on it."""
    for index, turn in enumerate(dialog.turns):
        if turn.kind == "request":
            return _say("recorded_request", number=index + 1, label=turn.label)
    return None


class DialogCase(pytest.Collector):
    """One dialog; its items are its turns on each channel (`turn 2: say: no [voice]`). Each
    channel runs the dialog once, when the first of its turns is tested."""

    def __init__(self, *, dialog: Dialog, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dialog = dialog
        self._results: dict[str, DialogResult | str] = {}  # per channel: result or error

    def collect(self) -> Iterator[pytest.Item]:
        for channel in CHANNELS:
            for index, turn in enumerate(self.dialog.turns):
                name = f"turn {index + 1}: {turn.label} [{channel}]"
                yield TurnItem.from_parent(self, name=name, index=index, channel=channel)

    def skip_reason(self, channel: str, index: int) -> str | None:
        """Why turn `index` cannot be tested on `channel`, or None."""
        if channel != "text":
            return None
        obstacle = text_channel_obstacle(self.dialog)
        if obstacle:
            return obstacle
        expect = self.dialog.turns[index].expect
        if expect and all(key in TEXT_UNCHECKED for key in expect):
            return _say("voice_only", keys=", ".join(expect))
        return None

    def result(self, channel: str) -> DialogResult:
        """The dialog's result on `channel`, run the first time one of its turns asks."""
        if channel not in self._results:
            from skill.dialogs.replay import run_on_channel

            url = self.config.getoption("dialog_url", None)
            try:
                self._results[channel] = run_on_channel(self.dialog, channel, url)
            except DialogError as error:
                self._results[channel] = str(error)
        found = self._results[channel]
        if isinstance(found, str):
            raise DialogError(found)
        return found


class TurnItem(pytest.Item):
    """One turn of a dialog on a channel: passes when every expectation of the turn held."""

    def __init__(self, *, index: int, channel: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.channel = channel

    @property
    def case(self) -> DialogCase:
        assert isinstance(self.parent, DialogCase)
        return self.parent

    def runtest(self) -> None:
        reason = self.case.skip_reason(self.channel, self.index)
        if reason:
            pytest.skip(reason)
        result = self.case.result(self.channel)
        if self.index >= len(result.turns):  # the run stopped early, saying why in turn 1
            first = result.turns[0]
            pytest.fail(_say("not_sent", reason=first.error or ""), pytrace=False)
        turn = result.turns[self.index]
        if not turn.ok:
            raise TurnFailed(turn)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        dialog = self.case.dialog
        if isinstance(excinfo.value, TurnFailed):
            head = _say(
                "failed",
                name=dialog.name,
                channel=self.channel,
                number=self.index + 1,
                turns=len(dialog.turns),
            )
            lines = format_turn(excinfo.value.result, dialog.path, verbose=True)
            return "\n".join([head, *lines])
        if isinstance(excinfo.value, DialogError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        line = self.case.dialog.turns[self.index].line or 1
        return self.path, line - 1, f"dialog: {self.case.name}: {self.name}"
