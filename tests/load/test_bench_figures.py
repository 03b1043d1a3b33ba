"""The arithmetic behind the benchmarks' figures: percentiles, how busy the machine was."""

from __future__ import annotations

import math

from bench.common import busy_between, machine_ticks, percentile


def test_percentile_is_the_nearest_rank() -> None:
    samples = [float(n) for n in range(1000, 0, -1)]  # order does not matter
    assert percentile(samples, 0.99) == 990.0
    assert percentile(samples, 0.5) == 500.0
    assert percentile([7.0], 0.99) == 7.0
    assert math.isnan(percentile([], 0.99))


def test_busy_share_is_the_ticks_not_spent_idle() -> None:
    assert busy_between((1000, 400), (1200, 440)) == 0.8
    assert busy_between((1000, 400), (1200, 600)) == 0.0
    assert math.isnan(busy_between((1000, 400), (1000, 400)))


def test_machine_ticks_read_this_machine() -> None:
    total, idle = machine_ticks()
    assert total > 0 and 0 <= idle <= total
    later = machine_ticks()
    assert later[0] >= total and later[1] >= idle
