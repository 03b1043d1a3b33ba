"""Benchmark 3: cold start, and the tutor's start to its first prompt.

Each figure is a fresh process with bytecode cached (a first, untimed run of each writes it).
The skill's cold start is timed inside the process from its first import to its first answer
(bench/first_answer.py), on the Lambda entry (skill/lambda_function.py, the SQLite store of
DATABASE_URL) and through create_app (Flask, the same store, verification off), beside the bare
ask-sdk-core hello skill on Lambda in the same run; from spawn, `python -c pass` shows what the
interpreter itself takes. Targets: first import to first answer at most 150 ms on the Lambda
entry and through create_app; the tutor's first prompt under 1 s.
Other processes' load is read before and during the run; with too much of it, no verdict.
Run: python -m bench.bench_startup
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import LoadWatch, judged, machine_line, median, other_load_now, table
from skill.dialogs.requests import RequestFactory, Session

ROOT = Path(__file__).resolve().parent.parent
FIRST_ANSWER_MS = 150.0
TUTOR_SECONDS = 1.0
RUNS = 7
ENTRIES = ("bare_sdk", "lambda", "create_app", "sqlalchemy", "flask")
NAMES = {
    "bare_sdk": "bare ask-sdk skill on Lambda (baseline)",
    "lambda": "skill: Lambda entry, first import to first answer",
    "create_app": "skill: create_app, first import to first answer",
    "sqlalchemy": "for reference: import sqlalchemy (SQLite dialect)",
    "flask": "for reference: import flask",
}


def _spawned(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def _first_answer(entry: str, request: Path, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.first_answer", entry, str(request)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise RuntimeError(f"the {entry} cold start failed: {lines[-1]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _tutor_first_prompt(folder: Path, timeout: float = 30.0) -> float:
    """From spawn to the first safety question on the tutor's output (plain mode, a pipe)."""
    tutor = Path(sys.executable).parent / "backstretch-tutor"
    command = [str(tutor), "--plain", "--db", str(folder / "tutor.sqlite3")]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stdin is not None
    try:
        for line in process.stdout:
            if line.rstrip().endswith(b"?"):  # the first question: the tutor waits for it
                break
            if time.perf_counter() - start > timeout:
                raise RuntimeError("the tutor asked no question in time")
        elapsed = time.perf_counter() - start
    finally:
        process.stdin.close()
        process.wait(timeout=10)
        process.stdout.close()
    return elapsed


def main() -> None:
    before = other_load_now()
    watch = LoadWatch()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'cold.sqlite3'}",
        }
        request = Path(folder) / "launch.json"
        request.write_text(json.dumps(RequestFactory().launch(Session())))
        for entry in ENTRIES:  # bytecode written, the SQLite file made: as a warm deployment
            _first_answer(entry, request, env)
        bare = [_spawned([sys.executable, "-c", "pass"], env) * 1e3 for _ in range(RUNS)]
        runs = {
            entry: [_first_answer(entry, request, env) for _ in range(RUNS)] for entry in ENTRIES
        }
        tutor = [_tutor_first_prompt(Path(folder)) for _ in range(RUNS)]
    during = watch.other()
    loads = [before, during]
    rows: list[list[object]] = [["python -c pass, from spawn", f"{median(bare):.0f} ms", "", ""]]
    for entry in ENTRIES:
        wall = [run["ms"] for run in runs[entry]]
        cpu = [run["cpu_ms"] for run in runs[entry]]
        rows.append(
            [NAMES[entry], f"{median(wall):.0f} ms", f"{max(wall):.0f} ms", f"{median(cpu):.0f} ms"]
        )
    tutor_ms = [seconds * 1e3 for seconds in tutor]
    rows.append(
        [
            "tutor: spawn to first prompt",
            f"{median(tutor_ms):.0f} ms",
            f"{max(tutor_ms):.0f} ms",
            "",
        ]
    )
    print(f"Benchmark 3: start-up, median of {RUNS} fresh processes ({machine_line()})")
    print(f"other load: {before} before the run, {during} during it")
    print(table(["what", "median", "slowest", "CPU (median)"], rows))
    baseline = median([run["ms"] for run in runs["bare_sdk"]])
    for entry in ("lambda", "create_app"):
        found = median([run["ms"] for run in runs[entry]])
        ok = judged(found <= FIRST_ANSWER_MS, loads)
        print(
            f"{entry}: {found:.0f} ms, {found / baseline:.2f}x the bare ask-sdk skill's"
            f" (target at most {FIRST_ANSWER_MS:.0f} ms) -> {ok}"
        )
    print(f"tutor: under {TUTOR_SECONDS:.0f} s -> {judged(max(tutor) < TUTOR_SECONDS, loads)}")
    for entry in ("lambda", "create_app"):
        print(f"{entry} imported: {' '.join(runs[entry][-1]['modules'])}")


if __name__ == "__main__":
    main()
