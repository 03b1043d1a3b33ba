"""The summary shown when a session ends: stretches done, repetitions done and time spent.

Repetitions are the holds the screen counted down to the end (an interrupted hold is not one, a
hold done again is one more); stretches are those the saved session record counts, so the summary
never claims more than "what you did today is saved" does. Time comes from the injected clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared import messages
from shared.locales import DEFAULT_LOCALE
from shared.reply import Hold, Rest
from tutor.clock import Clock


@dataclass(frozen=True, slots=True)
class Summary:
    stretches: int
    reps: int
    seconds: float


class Tally:
    """What happened on screen in one session, from its start on `clock`."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.started_at = clock.monotonic()
        self.reps_done = 0
        self.timed_steps = 0

    def began(self, step: Hold | Rest) -> None:
        self.timed_steps += 1

    def finished(self, step: Hold | Rest) -> None:
        if isinstance(step, Hold):
            self.reps_done += 1

    @property
    def under_way(self) -> bool:
        """A routine got as far as a hold or a rest: only then is a summary worth showing."""
        return self.timed_steps > 0

    def summary(self, stretches: int) -> Summary:
        return Summary(stretches, self.reps_done, self.clock.monotonic() - self.started_at)


def duration_text(seconds: float, locale: str = DEFAULT_LOCALE) -> str:
    """Whole seconds, as minutes and seconds once there is a minute: "4 min 05 s", "35 s"."""
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes:
        return messages.text("tutor.summary.minutes", locale, minutes=minutes, seconds=rest)
    return messages.text("tutor.summary.seconds", locale, seconds=rest)


def summary_lines(summary: Summary, locale: str = DEFAULT_LOCALE) -> list[str]:
    return [
        messages.text("tutor.summary.title", locale),
        messages.text("tutor.summary.stretches", locale, count=summary.stretches),
        messages.text("tutor.summary.reps", locale, count=summary.reps),
        messages.text("tutor.summary.time", locale, time=duration_text(summary.seconds, locale)),
    ]
