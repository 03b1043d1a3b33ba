"""Benchmark 1: in-process cost per request of the whole skill path, as a ratio to a bare
ask-sdk-core "hello" skill measured in the same run. Target: at most 3x.

The path: verification (with the certificate chain cached), deserialising, the engine, SSML,
persistence on SQLite, serialising. Both answer the same requests: a whole neck routine's turns,
replayed in a loop.

Then the cost of a user's history (bench/history.py): the same routine for a new user, and for
users with 10 and 400 stored sessions. Target: at 400 at most 10% above a new user's.
Run: python -m bench.bench_inprocess
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

from ask_sdk_core.serialize import DefaultSerializer

from bench import history
from bench.common import LoadWatch, judged, machine_line, other_load_now, per_call_seconds, table
from bench.conversation import conversation_requests
from bench.hello import hello_invoke, hello_skill
from skill.app import AlexaEndpoint
from skill.config import SkillConfig
from skill.dialogs.requests import SKILL_ID
from skill.testing import NOW, headers, make_ca, make_leaf, pem

TARGET_RATIO = 3.0


def _endpoint(folder: Path) -> AlexaEndpoint:
    ca = make_ca()
    chain = pem(make_leaf(ca))
    config = SkillConfig(
        skill_ids=frozenset({SKILL_ID}),
        database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
        clock=lambda: NOW,
        fetch_cert=lambda _url: chain,
        trust_roots=[ca.cert],
    )
    return AlexaEndpoint(config)


def main() -> None:
    before = other_load_now()
    watch = LoadWatch()
    with tempfile.TemporaryDirectory() as folder:
        endpoint = _endpoint(Path(folder))

        def answer(request: dict) -> dict:
            body = json.dumps(request).encode()
            status, reply = endpoint.answer(headers(body), body)
            assert status == 200, reply
            return reply

        signed = [
            (headers(body), body)
            for body in (
                json.dumps(r).encode() for r in conversation_requests(answer, clock=lambda: NOW)
            )
        ]
        turns = itertools.cycle(signed)

        def ours() -> None:
            request_headers, body = next(turns)
            endpoint.answer(request_headers, body)

        skill, serializer = hello_skill(), DefaultSerializer()
        same_turns = itertools.cycle(body for _headers, body in signed)
        baseline = per_call_seconds(lambda: hello_invoke(skill, serializer, next(same_turns)))
        whole = per_call_seconds(ours)
    during = watch.other()
    ratio = whole / baseline
    print(f"Benchmark 1: in-process cost per request ({machine_line()})")
    print(f"other load: {before} before the run, {during} during it")
    print(
        table(
            ["path", "per request", "ratio"],
            [
                ["bare ask-sdk-core hello skill", f"{baseline * 1e3:.3f} ms", "1.00x"],
                ["whole Back Stretch Coach path", f"{whole * 1e3:.3f} ms", f"{ratio:.2f}x"],
            ],
        )
    )
    print(
        f"target: at most {TARGET_RATIO:.0f}x -> {judged(ratio <= TARGET_RATIO, [before, during])}"
    )
    print()
    history.report()


if __name__ == "__main__":
    main()
