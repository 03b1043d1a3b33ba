"""The dialog benchmark runs and prints its figure (no timing is asserted: machines differ)."""

from __future__ import annotations

import re

import pytest

from bench import bench_dialogs


def test_the_dialog_benchmark_prints_dialogs_per_second(capsys: pytest.CaptureFixture[str]) -> None:
    bench_dialogs.main(["--quick"])
    out = capsys.readouterr().out
    assert out.startswith(
        f"Benchmark 5: {len(bench_dialogs.library())} library dialogs, in-process"
    )
    rows = re.findall(r"^a dialog, .*?([\d.]+) ms +(\d+)/s", out, re.MULTILINE)
    assert len(rows) == 2 and all(float(ms) > 0 and int(rate) > 0 for ms, rate in rows)
    assert re.search(r"^build one app and its SQLite store +[\d.]+ ms", out, re.MULTILINE)
    assert re.search(r"^target: at least 100 dialogs/s -> (meets target|MISSES TARGET)$", out, re.M)


def test_the_figures_are_ratios_of_what_was_measured() -> None:
    figures = bench_dialogs.Figures(dialogs=20, build=0.010, old=0.020, new=0.005)
    assert figures.per_second == 200
    text = bench_dialogs.report(figures)
    assert "20.00 ms    50/s" in text and "5.00 ms     200/s    4.00x" in text
    assert text.endswith("-> meets target")
    assert bench_dialogs.report(bench_dialogs.Figures(20, 0.01, 0.02, 0.02)).endswith(
        "MISSES TARGET"
    )
