"""Timing and table helpers shared by the benchmarks.

Every figure a benchmark reports is paired with a baseline measured in the same process and run,
so the ratio means something on any machine; absolute numbers are printed for context only.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


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


# Other processes may keep this much of a core busy, on average, during a measurement before its
# ratio means nothing: a neighbour's test run once flipped a verdict between "meets" and "misses".
OTHER_LOAD_LIMIT = 0.15


def _busy_seconds() -> float:
    """CPU time every core spent on anything but idling since boot, the hypervisor's steal
    (another machine on the same host) included."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(field) for field in stat.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _process_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # gone in between
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with contextlib.suppress(OSError):
                children = [int(child) for child in (task / "children").read_text().split()]
                found += children
                pending += children
    return found


def own_seconds() -> float:
    """CPU time of this process and of everything it started: the servers and load clients
    still running, and those that ended (once waited for)."""
    times = os.times()
    ended = times.user + times.system + times.children_user + times.children_system
    return ended + sum(_process_seconds(pid) for pid in _descendants(os.getpid()))


@dataclass(frozen=True, slots=True)
class OtherLoad:
    """What the rest of the machine did during a measurement: the cores other processes kept
    busy on average (machine busy time less this benchmark's own), and the load average."""

    cores: float
    load_average: float

    @property
    def quiet(self) -> bool:
        return self.cores <= OTHER_LOAD_LIMIT

    def __str__(self) -> str:
        return f"{self.cores:.2f} cores (load average {self.load_average:.2f})"


class LoadWatch:
    """Started before a measurement, read after it: how busy other processes kept the machine."""

    def __init__(self) -> None:
        self.started = (time.monotonic(), _busy_seconds(), own_seconds())

    def other(self) -> OtherLoad:
        wall, busy, own = time.monotonic(), _busy_seconds(), own_seconds()
        elapsed = max(wall - self.started[0], 1e-9)
        others = (busy - self.started[1]) - (own - self.started[2])
        return OtherLoad(max(0.0, others / elapsed), os.getloadavg()[0])


def other_load_now(seconds: float = 1.0) -> OtherLoad:
    """The other load over `seconds` of this benchmark doing nothing: read before a run."""
    watch = LoadWatch()
    time.sleep(seconds)
    return watch.other()


def judged(ok: bool, loads: Sequence[OtherLoad]) -> str:
    """A target's verdict, or why there is none: other processes kept the machine too busy
    during one of the measurements it compares for the ratio to mean anything."""
    noisy = max(loads, key=lambda load: load.cores, default=None)
    if noisy is not None and not noisy.quiet:
        return (
            f"NO VERDICT: other processes kept {noisy} busy during the run (at most"
            f" {OTHER_LOAD_LIMIT:.2f} allowed); run again on a quiet machine"
        )
    return verdict(ok)


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
