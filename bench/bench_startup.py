"""Benchmark 3: cold start to the first answered request, and tutor start to its first prompt.

Each is a fresh process, timed from spawn; the baseline is a bare `python -c pass` in the same run,
so interpreter start-up is visible separately. Target: under 1 s each.
Run: python -m bench.bench_startup
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import machine_line, median, table, verdict

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0
RUNS = 5
FIRST_REQUEST = """
from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.requests import RequestFactory, Session
app = create_app(SkillConfig(verify=False, database_url={url!r}))
answer = app.test_client().post("/alexa", json=RequestFactory().launch(Session()))
assert answer.status_code == 200
"""


def _timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def _tutor_first_prompt(folder: Path) -> float:
    """From spawn to the safety question on the tutor's output (plain mode, through a pipe)."""
    tutor = Path(sys.executable).parent / "backstretch-tutor"
    command = [str(tutor), "--plain", "--db", str(folder / "tutor.sqlite3")]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stdin is not None
    for line in process.stdout:
        if b"Please say yes or no." in line:
            break
    elapsed = time.perf_counter() - start
    process.stdin.close()
    process.wait(timeout=10)
    return elapsed


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'cold.sqlite3'}"
        bare = [_timed([sys.executable, "-c", "pass"]) for _ in range(RUNS)]
        skill = [
            _timed([sys.executable, "-c", FIRST_REQUEST.format(url=url)], env) for _ in range(RUNS)
        ]
        tutor = [_tutor_first_prompt(Path(folder)) for _ in range(RUNS)]
    rows = []
    for name, samples in (
        ("python -c pass (baseline)", bare),
        ("skill: cold start to first answer", skill),
        ("tutor: start to first prompt", tutor),
    ):
        ratio = median(samples) / median(bare)
        rows.append(
            [
                name,
                f"{median(samples) * 1e3:.0f} ms",
                f"{max(samples) * 1e3:.0f} ms",
                f"{ratio:.1f}x",
            ]
        )
    print(f"Benchmark 3: start-up, median of {RUNS} fresh processes ({machine_line()})")
    print(table(["what", "median", "slowest", "ratio"], rows))
    for name, samples in (("skill", skill), ("tutor", tutor)):
        print(f"{name}: under {TARGET_SECONDS:.0f} s -> {verdict(max(samples) < TARGET_SECONDS)}")


if __name__ == "__main__":
    main()
