"""A pausable countdown for one hold or rest, driven by a monotonic clock.

Elapsed time is `now - start - paused`, recomputed on every read, so pauses are excluded exactly and
the hold ends on time however irregularly the display refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Countdown:
    """`seconds` of coach time at `speed` coach seconds per real second."""

    seconds: float
    started_at: float
    speed: float = 1.0
    paused_total: float = 0.0
    paused_at: float | None = None
    fired: set[int] = field(default_factory=set)

    def elapsed(self, now: float) -> float:
        """Coach seconds done, pauses excluded, never more than the whole countdown."""
        end = self.paused_at if self.paused_at is not None else now
        return min(self.seconds, max(0.0, (end - self.started_at - self.paused_total) * self.speed))

    def remaining(self, now: float) -> float:
        return self.seconds - self.elapsed(now)

    def finished(self, now: float) -> bool:
        return self.remaining(now) <= 1e-9

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def pause(self, now: float) -> None:
        if self.paused_at is None:
            self.paused_at = now

    def resume(self, now: float) -> None:
        if self.paused_at is not None:
            self.paused_total += now - self.paused_at
            self.paused_at = None

    def toggle(self, now: float) -> None:
        self.resume(now) if self.paused else self.pause(now)

    def due(self, moments: list[int], now: float) -> list[int]:
        """Moments (coach seconds) reached and not yet reported, each reported once."""
        reached = [m for m in moments if m not in self.fired and m <= self.elapsed(now) + 1e-9]
        self.fired.update(reached)
        return reached

    def real_seconds_until(self, moment: float, now: float) -> float:
        """Real time until coach time `moment` (infinite while paused)."""
        if self.paused:
            return float("inf")
        return max(0.0, (moment - self.elapsed(now)) / self.speed)

    def whole_seconds_left(self, now: float) -> int:
        """What the big display shows: 20 for the whole first second, 1 during the last."""
        remaining = self.remaining(now)
        return int(remaining) + (1 if remaining % 1 > 1e-9 else 0)
