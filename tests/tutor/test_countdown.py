"""The countdown: exact elapsed time from a monotonic clock, pauses excluded, cues once each."""

from __future__ import annotations

import pytest

from tutor.countdown import Countdown


def test_elapsed_and_remaining_follow_the_clock_exactly() -> None:
    countdown = Countdown(30, started_at=100.0)
    assert countdown.remaining(100.0) == 30
    assert countdown.elapsed(112.25) == 12.25
    assert countdown.whole_seconds_left(112.25) == 18
    assert countdown.whole_seconds_left(100.0) == 30
    assert countdown.whole_seconds_left(129.5) == 1
    assert countdown.finished(130.0) and not countdown.finished(129.999)
    assert countdown.remaining(500.0) == 0  # never negative


def test_pauses_are_excluded() -> None:
    countdown = Countdown(30, started_at=0.0)
    countdown.pause(10.0)
    assert countdown.elapsed(25.0) == 10.0 and countdown.paused
    countdown.resume(25.0)
    assert countdown.elapsed(30.0) == 15.0
    countdown.toggle(31.0)
    countdown.toggle(40.0)
    assert countdown.elapsed(40.0) == 16.0
    assert countdown.finished(54.0) and not countdown.finished(53.9)
    assert countdown.real_seconds_until(30, 40.0) == 14.0


def test_speed_runs_coach_time_faster() -> None:
    countdown = Countdown(30, started_at=0.0, speed=10)
    assert countdown.elapsed(1.5) == 15.0
    assert countdown.real_seconds_until(30, 1.5) == pytest.approx(1.5)


def test_cues_are_reported_once_when_due() -> None:
    countdown = Countdown(20, started_at=0.0)
    assert countdown.due([0, 5, 10, 15, 20], 0.0) == [0]
    assert countdown.due([0, 5, 10, 15, 20], 11.0) == [5, 10]
    assert countdown.due([0, 5, 10, 15, 20], 11.0) == []
    assert countdown.real_seconds_until(15, 11.0) == 4.0
    countdown.pause(11.0)
    assert countdown.real_seconds_until(15, 12.0) == float("inf")
