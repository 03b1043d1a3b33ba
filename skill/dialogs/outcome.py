"""What a replay run tells its user: each dialog's report as it finishes, then one summary line,
and on request the HTML page (`--html FILE`) and what the run covered (`--coverage`).

While the run lasts, the skill's own logging is kept to what matters to someone reading the
report: warnings and errors only, each distinct warning once (the in-process skill may be built
more than once in a run, and "REQUEST VERIFICATION IS OFF" is worth saying once).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from shared import messages
from skill.dialogs.coverage import Coverage, watching_engine
from skill.dialogs.report import format_result, summary
from skill.dialogs.runner import DialogResult

SKILL_LOGGER = "skill"
APP_LOGGER = "skill.app"  # says "REQUEST VERIFICATION IS OFF" each time an app is built


class _OnceEach(logging.Filter):
    """Lets each distinct warning through once; everything else as it comes."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING:
            return True
        key = (record.name, record.getMessage())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


@contextmanager
def quiet_skill_logs() -> Iterator[None]:
    """The skill's INFO lines (a session ended, a request refused) are for a server's log, not a
    test report: for the run, warnings and errors only, and the app's warnings once each."""
    logger, app_logger = logging.getLogger(SKILL_LOGGER), logging.getLogger(APP_LOGGER)
    level, once = logger.level, _OnceEach()
    logger.setLevel(max(level, logging.WARNING))
    app_logger.addFilter(once)
    try:
        yield
    finally:
        logger.setLevel(level)
        app_logger.removeFilter(once)


class RunOutcome:
    """Collects a run's results and prints them for a reader."""

    def __init__(
        self,
        *,
        verbose: bool = False,
        html: Path | None = None,
        coverage: bool = False,
        in_process: bool = True,
    ) -> None:
        self.verbose = verbose
        self.html = html
        self.coverage = Coverage() if coverage else None
        self.in_process = in_process
        self.results: list[DialogResult] = []
        self.unreadable: list[tuple[Path, str]] = []

    @contextmanager
    def running(self) -> Iterator[RunOutcome]:
        """Around the whole run: quiet logs, and the engine watched when coverage is asked for
        (in-process only: a served endpoint's engine is in another process)."""
        with ExitStack() as stack:
            stack.enter_context(quiet_skill_logs())
            if self.coverage is not None and self.in_process:
                stack.enter_context(watching_engine(self.coverage))
            yield self

    def dialog(self, result: DialogResult) -> None:
        self.results.append(result)
        if self.coverage is not None:
            self.coverage.add(result)
        print(format_result(result, verbose=self.verbose))

    def did_not_run(self, path: Path, error: str) -> None:
        """A file that does not load, or a dialog that could not be sent (already on stderr)."""
        self.unreadable.append((path, error))

    def finish(self) -> None:
        """The summary line, then the page and the coverage when asked for."""
        print(summary(self.results, len(self.unreadable)))
        if self.html is not None:
            from skill.dialogs.html_report import write_html

            try:
                write_html(self.html, self.results, self.unreadable)
            except OSError as error:
                print(
                    messages.text("report.html_failed", path=self.html, error=error),
                    file=sys.stderr,
                )
            else:
                print(messages.text("report.html_written", path=self.html))
        if self.coverage is not None:
            print(self.coverage.report())


__all__ = ["RunOutcome", "quiet_skill_logs"]
