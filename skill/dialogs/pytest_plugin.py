"""A pytest plugin: every dialog YAML under a `dialogs` folder of the tests becomes test items.

Each dialog runs twice, through the Alexa skill in-process ("voice") and through the tutor's text
channel ("text"), and a failure shows the same per-turn report as `backstretch-skill replay`.
Installed as a pytest11 entry point, so `--junitxml` and `-k` work as for any test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skill.dialogs.model import Dialog, DialogError, load_dialogs
from skill.dialogs.report import format_result
from skill.dialogs.runner import DialogResult

CHANNELS = ("voice", "text")


class DialogFailed(Exception):
    def __init__(self, result: DialogResult) -> None:
        super().__init__(result.dialog.name)
        self.result = result


def _is_dialog_file(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and "dialogs" in path.parts[:-1]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if _is_dialog_file(file_path):
        return DialogFile.from_parent(parent, path=file_path)
    return None


class DialogFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            dialogs = load_dialogs(self.path)  # one per locale the file runs in
        except DialogError as error:
            raise self.CollectError(str(error)) from error
        for dialog in dialogs:
            for channel in CHANNELS:
                yield DialogItem.from_parent(
                    self, name=f"{dialog.name} [{channel}]", dialog=dialog, channel=channel
                )


class DialogItem(pytest.Item):
    def __init__(self, *, dialog: Dialog, channel: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dialog = dialog
        self.channel = channel

    def runtest(self) -> None:
        from skill.dialogs.replay import run_on_channel

        result = run_on_channel(self.dialog, self.channel)
        if not result.ok:
            raise DialogFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, DialogFailed):
            return format_result(excinfo.value.result)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"dialog: {self.name}"
