"""The arithmetic behind the benchmarks' figures: percentiles, how busy the machine was, and what
wrk reports; and the baselines they are measured against."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from bench import clients
from bench.common import busy_between, machine_ticks, percentile
from bench.hello import create_hello_app, create_sdk_hello_app
from skill.dialogs.requests import RequestFactory, Session


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


def _fake_wrk(folder: Path, output: str) -> None:
    """A stand-in wrk on PATH that prints `output` and keeps its arguments."""
    script = folder / "wrk"
    script.write_text(f'#!/bin/sh\necho "$@" > "{folder}/args"\ncat <<"END"\n{output}\nEND\n')
    script.chmod(0o755)


def test_wrk_figures_are_read_from_its_json_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = (
        'WRK {"requests": 3000, "duration_us": 2000000, "p50_us": 12500, "p99_us": 41000, '
        '"non_2xx": 2, "failures": 1}'
    )
    _fake_wrk(tmp_path, f"Running 2s test\n{line}")
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert clients.wrk_missing() is None
    figures = clients.run("wrk", 8080, [b'{"a": 1}', b'{"b": 2}'], 64, 2.0)
    assert figures == clients.Figures(3000, 1500.0, 0.0125, 0.041, 3)
    args = (tmp_path / "args").read_text().split()
    assert args[:6] == ["--threads", "2", "--connections", "64", "--duration", "2s"]
    assert args[7] == str(clients.WRK_SCRIPT) and args[8] == "http://127.0.0.1:8080/alexa"


def test_wrk_without_figures_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_wrk(tmp_path, "unable to connect")
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    with pytest.raises(RuntimeError, match="wrk printed no figures"):
        clients.run("wrk", 8080, [b"{}"], 16, 1.0)


@pytest.mark.parametrize("create", [create_hello_app, create_sdk_hello_app])
def test_the_http_baselines_answer_a_real_request(create: Callable[[], Flask]) -> None:
    body = json.dumps(RequestFactory().utterance(Session(), "neck")).encode()
    answer = create().test_client().post("/alexa", data=body)
    assert answer.status_code == 200
    speech = answer.get_json()["response"]["outputSpeech"]
    assert speech.get("text", speech.get("ssml")) in ("Hello.", "<speak>Hello.</speak>")
