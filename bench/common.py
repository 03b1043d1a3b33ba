"""Timing and table helpers shared by the benchmarks.

Every figure a benchmark reports is paired with a baseline measured in the same process and run,
so the ratio means something on any machine; absolute numbers are printed for context only.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence


def machine_line() -> str:
    """One line naming the machine, for the README next to the figures."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python} on {cpu}, {os.cpu_count()} cores"


def machine_ticks() -> tuple[int, int]:
    """(all, idle) clock ticks of every core since boot, from /proc/stat: two readings tell how
    busy the machine was in between."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(field) for field in stat.readline().split()[1:]]
    return sum(fields), fields[3] + fields[4]  # idle and iowait


def busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of the machine's cores that were busy between two machine_ticks() readings."""
    total, idle = after[0] - before[0], after[1] - before[1]
    return 1 - idle / total if total else float("nan")


def per_call_seconds(
    function: Callable[[], object], *, repeat: int = 5, min_time: float = 0.3
) -> float:
    """The best (least disturbed) mean time per call over `repeat` batches of about `min_time`."""
    calls = 1
    while True:  # size one batch to take about min_time
        start = time.perf_counter()
        for _ in range(calls):
            function()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time / 4:
            break
        calls *= 2
    calls = max(1, int(calls * (min_time / max(elapsed, 1e-9))))
    batches = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        batches.append((time.perf_counter() - start) / calls)
    return min(batches)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p99 of 1000 samples is the 990th smallest)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table with aligned columns."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES TARGET"
