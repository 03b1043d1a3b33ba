"""Recordings that round-trip and read well: sessions recorded from a really served endpoint
(`backstretch-skill serve --no-verify --record DIR`), each replayed green at once, in-process and
over HTTP; turns readable as `say:` only when the words give the same request back."""

from __future__ import annotations

import re
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from served import ServedSkill

from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.model import Dialog, load_dialog
from skill.dialogs.readable import readable_turn
from skill.dialogs.replay import FlaskTransport, run_on_channel
from skill.dialogs.requests import RequestFactory, Session
from skill.dialogs.runner import HttpTransport, Transport, run_over_http

REAL_USER = "amzn1.ask.account.REAL-PERSON-42"
DAY = datetime(2026, 2, 10, 8, 30, tzinfo=UTC)
Turn = Callable[[RequestFactory, Session], dict[str, Any]]


def _clock(start: datetime) -> Callable[[], datetime]:
    ticks = iter(range(1_000_000))
    return lambda: start + timedelta(seconds=7 * next(ticks))


def _say(text: str) -> Turn:
    return lambda factory, session: factory.utterance(session, text)


def _launch(factory: RequestFactory, session: Session) -> dict[str, Any]:
    return factory.launch(session)


def _fallback(factory: RequestFactory, session: Session) -> dict[str, Any]:
    return factory.intent(session, "AMAZON.FallbackIntent", {})


def _no_reply(factory: RequestFactory, session: Session) -> dict[str, Any]:
    return factory.session_ended(session, "EXCEEDED_MAX_REPROMPTS", None)


# A new user: screened, a set of neck flexion, how it felt, stop (the session is saved).
NEW_USER = [_launch, *map(_say, ["no", "no", "neck", "no", "no", "ready", "it felt easy", "stop"])]
# The same user again: greeted as returning, asks about last time, stops.
RETURNING = [_launch, _say("what did i do last time"), _say("stop")]
# Alexa ends this one: the user mumbles (FallbackIntent), then never answers the reprompt.
ENDED_BY_ALEXA = [_launch, _fallback, _no_reply]


def _play(
    transport: Transport, factory: RequestFactory, session: Session, turns: list[Turn]
) -> None:
    for make in turns:
        status, answer = transport.send(make(factory, session))
        assert status == 200, answer
        ended = make is _no_reply or bool((answer.get("response") or {}).get("shouldEndSession"))
        session.after(answer, ended)


def _new_folders(record_dir: Path, known: set[Path]) -> list[Path]:
    found = sorted(p for p in record_dir.iterdir() if p not in known)
    known.update(found)
    return found


def _green(result: Any) -> bool:
    return bool(result.ok) and len(result.turns) == len(result.dialog.turns)


def _failures(result: Any) -> list[Any]:
    return [(t.index + 1, t.failures, t.error) for t in result.turns if not t.ok]


def _exact(recording: Path) -> Path:
    """The recording with every readable turn swapped for the request file named beside it."""
    text = (recording / "dialog.yaml").read_text(encoding="utf-8")
    files = re.findall(r"  - \w+: .*# request: (requests/turn-\d\d\.json)", text)
    document = yaml.safe_load(text)
    assert len(files) == len(document["turns"])
    for turn, name in zip(document["turns"], files, strict=True):
        expect = turn.get("expect")
        turn.clear()
        turn["request"] = name
        if expect:
            turn["expect"] = expect
    path = recording / "exact.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_sessions_recorded_from_a_served_endpoint_replay_green_in_process_and_over_http(
    tmp_path: Path,
) -> None:
    record_dir = tmp_path / "recorded"
    known: set[Path] = set()
    with ServedSkill(tmp_path / "serve.log", "--no-verify", "--record", str(record_dir)) as server:
        transport = HttpTransport(server.url)
        factory = RequestFactory(user_id=REAL_USER, clock=_clock(DAY))
        recordings = []
        for number, turns in enumerate((NEW_USER, RETURNING, ENDED_BY_ALEXA)):
            _play(transport, factory, Session(stem=f"amzn1.echo-api.session.REAL-{number}"), turns)
            (folder,) = _new_folders(record_dir, known)  # written as the session ended
            recordings.append(folder)

        new_user, returning, ended = (load_dialog(f / "dialog.yaml") for f in recordings)
        _check_new_user(new_user)
        _check_returning(returning)
        assert [t.label for t in ended.turns] == [
            "launch",
            "intent: AMAZON.FallbackIntent",  # no sample gives it: the intent, written out
            "session_end: EXCEEDED_MAX_REPROMPTS",
        ]
        for folder in recordings:
            text = "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.*"))
            assert "REAL-PERSON" not in text and "REAL-" not in text
            dialog = load_dialog(folder / "dialog.yaml")
            in_process = run_on_channel(dialog, "voice")
            assert _green(in_process), (folder, _failures(in_process))
            over_http = run_over_http(dialog, server.url)
            assert _green(over_http), (folder, _failures(over_http))
            exact = run_on_channel(load_dialog(_exact(folder)), "voice")
            assert _green(exact), (folder, _failures(exact))


def _check_new_user(dialog: Dialog) -> None:
    assert dialog.profile is None and dialog.today.isoformat() == "2026-02-10"
    assert [t.label for t in dialog.turns] == [
        "launch",
        "say: no",
        "say: no",
        "say: neck",
        "say: no",
        "say: no",
        "say: continue",  # ContinueIntent's first sample: Alexa never sends the words
        "say: easy",  # CheckInIntent {feeling: easy}, as "it felt easy" sent it
        "say: stop",
    ]
    assert "Today you did neck flexion" in dialog.turns[-1].expect["speech"]
    text = dialog.path.read_text(encoding="utf-8")
    assert 'say: "no"  # request: requests/turn-02.json' in text
    assert (dialog.path.parent / "requests" / "turn-09.json").is_file()


def _check_returning(dialog: Dialog) -> None:
    """The profile as the session began: screened, one neck session, on the recorded day."""
    profile = dialog.profile or {}
    assert profile["screened_on"] == "2026-02-10"
    (session,) = profile["sessions"]
    assert session["day"] == "2026-02-10" and session["area"] == "neck"
    assert session["stretches"] == ["neck_flexion"]
    assert dialog.turns[0].expect["speech"].startswith("Welcome back")
    assert "three quick safety questions" not in dialog.turns[0].expect["speech"]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_open_sessions_are_written_when_the_server_is_stopped(
    tmp_path: Path, how: signal.Signals
) -> None:
    record_dir = tmp_path / "recorded"
    server = ServedSkill(tmp_path / "serve.log", "--no-verify", "--record", str(record_dir))
    try:
        factory = RequestFactory(user_id=REAL_USER, clock=_clock(DAY))
        _play(HttpTransport(server.url), factory, Session(), [_launch, _say("no")])
        assert not record_dir.exists() or not list(record_dir.iterdir())
    finally:
        assert server.stop(how) == 0, server.log
    (folder,) = record_dir.iterdir()
    dialog = load_dialog(folder / "dialog.yaml")
    assert [t.label for t in dialog.turns] == ["launch", "say: no"]


def test_sessions_that_begin_with_the_same_id_are_recorded_apart(tmp_path: Path) -> None:
    record_dir = tmp_path / "recorded"
    app = create_app(
        SkillConfig(verify=False, record_dir=record_dir, database_url=str(tmp_path / "p.db"))
    )
    transport = FlaskTransport(app)
    factory = RequestFactory(user_id=REAL_USER, clock=_clock(DAY))
    for _ in range(3):  # three sessions, each new, all with the id DIALOG-SESSION-0
        _play(transport, factory, Session(), [_launch, _say("no")])
    written = sorted(record_dir.iterdir())
    assert len(written) == 2  # each earlier one as the next began; the last is still open
    recorder = app.extensions["backstretch.recorder"]
    written += [path.parent for path in recorder.flush()]
    assert len(written) == 3
    for folder in written:
        dialog = load_dialog(folder / "dialog.yaml")
        assert [t.label for t in dialog.turns] == ["launch", "say: no"]


def _intent(name: str, **slots: str) -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "intent": {"name": name, "slots": {k: {"name": k, "value": v} for k, v in slots.items()}},
    }


@pytest.mark.parametrize(
    ("request_body", "turn"),
    [
        ({"type": "LaunchRequest"}, {"launch": True}),
        (_intent("AMAZON.YesIntent"), {"say": "yes"}),
        (_intent("ChooseAreaIntent", area="lower back"), {"say": "lower back"}),
        (_intent("SetHoldIntent", seconds="20"), {"say": "hold for 20 seconds"}),
        # no sample turns these words into this intent: written as intent and slots
        (
            _intent("ChooseAreaIntent", area="elbow"),
            {"intent": "ChooseAreaIntent", "slots": {"area": "elbow"}},
        ),
        (_intent("AMAZON.FallbackIntent"), {"intent": "AMAZON.FallbackIntent"}),
        (
            {
                "type": "SessionEndedRequest",
                "reason": "ERROR",
                "error": {"type": "INVALID_RESPONSE", "message": "x"},
            },
            {"session_end": "ERROR", "error": {"type": "INVALID_RESPONSE", "message": "x"}},
        ),
        # only the recorded file can replay these
        (_intent("NoSuchIntent"), None),
        (_intent("ChooseAreaIntent", colour="blue"), None),
        ({"type": "AudioPlayer.PlaybackStarted"}, None),
        ({"type": "SessionEndedRequest", "reason": "SOMETHING_NEW"}, None),
    ],
)
def test_a_request_reads_as_the_turn_that_sends_it_again(
    request_body: dict[str, Any], turn: dict[str, Any] | None
) -> None:
    assert readable_turn("en-US", request_body) == turn


def test_say_is_written_only_when_the_words_give_the_same_request_back() -> None:
    factory = RequestFactory()
    for words in ("start my shoulders stretches", "it felt easy", "hold for 20 seconds", "no"):
        sent = factory.utterance(Session(), words)["request"]
        readable = readable_turn("en-US", sent)
        assert readable is not None and "say" in readable, words
        again = factory.utterance(Session(), readable["say"])["request"]
        assert again["intent"] == sent["intent"], words


@pytest.mark.parametrize("device", ["echo", "echo_show", "echo_spot", "fire_tv"])
def test_a_recording_names_the_device_so_screens_and_taps_replay_on_one(
    tmp_path: Path, device: str
) -> None:
    record_dir = tmp_path / "recorded"
    app = create_app(
        SkillConfig(verify=False, record_dir=record_dir, database_url=str(tmp_path / "p.db"))
    )
    factory = RequestFactory(user_id=REAL_USER, clock=_clock(DAY), device=device)
    _play(FlaskTransport(app), factory, Session(), [_launch, _say("no")])
    (folder,) = [path.parent for path in app.extensions["backstretch.recorder"].flush()]
    dialog = load_dialog(folder / "dialog.yaml")
    assert dialog.device == device
    assert ("device:" in (folder / "dialog.yaml").read_text()) is (device != "echo")
