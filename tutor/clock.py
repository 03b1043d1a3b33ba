"""Time for the tutor, injectable: a real monotonic clock, or a fake one that tests advance.

The countdown never sums sleeps: it always computes remaining time from the clock, so a slow frame
or a late wake-up cannot make a hold drift.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...

    def today(self) -> date: ...


class RealClock:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def today(self) -> date:
        return date.today()


class FakeClock:
    """Time that moves only when slept through: whole routines run in milliseconds, exactly."""

    def __init__(self, start: float = 1000.0, day: date = date(2026, 1, 15)) -> None:
        self.now = start
        self.day = day
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        step = max(0.0, seconds)
        self.now += step
        self.slept += step
        await asyncio.sleep(0)

    def today(self) -> date:
        return self.day
