"""Echo Show screens through the whole endpoint: a RenderDocument on devices that draw APL and
none on those that do not, each screen's data, the countdown in step with the speech, and
every touch button answered as the words it stands for."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from alexa_requests import Conversation, ended, reprompt_of, speech_of

from shared.reply import Hold
from shared.speech_timing import HeardClock
from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.requests import RequestFactory
from skill.testing import NOW

RENDER = "Alexa.Presentation.APL.RenderDocument"


def _talk(tmp_path: Path, device: str) -> Conversation:
    url = f"sqlite:///{tmp_path}/{device}.sqlite3"
    client = create_app(SkillConfig(verify=False, database_url=url)).test_client()
    return Conversation(client, RequestFactory(clock=lambda: NOW, device=device))


def screen(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The one RenderDocument of an answer: its token and its datasource's properties."""
    directives = body["response"].get("directives") or []
    renders = [d for d in directives if d["type"] == RENDER]
    assert len(renders) == 1, directives
    (render,) = renders
    assert render["document"]["type"] == "APL" and render["document"]["graphics"]
    return render["token"], render["datasources"]["coach"]["properties"]


def to_first_intro(talk: Conversation) -> dict[str, Any]:
    talk.launch()
    talk.pass_screen()
    talk.say("neck")
    talk.say("no")  # no neck warning signs
    return talk.say("no")  # no tips: neck flexion's introduction


def test_a_device_without_a_screen_gets_no_screen(tmp_path: Path) -> None:
    talk = _talk(tmp_path, "echo")
    talk.play_first_neck_set()
    talk.finish_routine()
    assert all("directives" not in body["response"] for body in talk.answers)


@pytest.mark.parametrize("device", ["echo_show", "echo_spot", "fire_tv"])
def test_every_answer_on_a_screen_device_sends_its_screen(tmp_path: Path, device: str) -> None:
    talk = _talk(tmp_path, device)
    talk.play_first_neck_set()
    talk.finish_routine()
    tokens = [screen(body)[0] for body in talk.answers]
    assert tokens[0] == "message" and tokens[-1] == "wrapup"
    assert {"intro", "hold"} <= set(tokens)


def test_the_introduction_shows_the_stretch(tmp_path: Path) -> None:
    talk = _talk(tmp_path, "echo_show")
    token, data = screen(to_first_intro(talk))
    assert token == "intro"
    assert data["heading"] == "Stretch 1 of 2" and data["title"] == "Neck flexion"
    assert data["figure"] == "neck_flexion"
    assert data["steps"][0] == "Slowly lower your chin toward your chest."
    assert "ready" in data["hint"]
    assert [b["action"] for b in data["buttons"]] == ["ready", "skip", "pain"]
    # a stretch with sides shows its first side's instruction and figure
    talk.say("skip")
    token, data = screen(talk.answers[-1])
    assert token == "intro" and data["figure"] == "lateral_flexion"
    assert data["steps"][-1] == "Tilt your right ear toward your right shoulder."


def _heard_start(hold: Hold) -> float:
    """When a hold's timed part begins as heard: after its start cues are said."""
    clock = HeardClock()
    for cue in hold.cues:
        if cue.at <= 0:
            clock.say(cue.text)
    return clock.seconds


def test_the_hold_counts_down_in_step_with_the_speech(tmp_path: Path) -> None:
    talk = _talk(tmp_path, "echo_show")
    body = talk.play_first_neck_set()
    token, data = screen(body)
    assert token == "hold" and data["title"] == "Neck flexion"
    holds = [s for s in data["segments"] if s["kind"] == "hold"]
    rests = [s for s in data["segments"] if s["kind"] == "rest"]
    assert len(holds) == 5 and len(rests) == 4  # five reps, a rest between each
    assert [h["label"] for h in holds] == [f"Rep {n} of 5" for n in range(1, 6)]
    for segment in data["segments"]:
        assert segment["end"] - segment["start"] == segment["seconds"] * 1000
    # one after another, each shown from where the last one ended
    shown = [(s["showFrom"], s["showUntil"]) for s in data["segments"]]
    assert shown[0][0] == 0 and all(a[1] == b[0] for a, b in itertools.pairwise(shown))
    assert data["after"]["showFrom"] == shown[-1][1]
    # the first hold's count starts when its start cue has been said ("1 of 5. Ease in...")
    first = holds[0]
    assert first["start"] > 0 and first["seconds"] == 20
    spoken = speech_of(body).text
    assert spoken.startswith("1 of 5.")
    # the progress bar moves across the routine: 2 stretches, 5 + 10 repetitions
    assert (first["progressFrom"], first["progressTo"]) == (0, 1 / 15)
    assert holds[-1]["progressTo"] == pytest.approx(5 / 15)
    assert rests[0]["progressFrom"] == rests[0]["progressTo"] == pytest.approx(1 / 15)
    assert spoken.endswith(data["after"]["text"]) and data["after"]["text"] == "How did that feel?"
    assert [b["action"] for b in data["after"]["buttons"]] == ["pain"]
    assert [b["action"] for b in data["buttons"]] == ["pause", "skip", "pain"]


def test_the_segments_follow_the_rendered_timeline(tmp_path: Path) -> None:
    """The start of the first hold is the heard length of its start cue, in milliseconds."""
    from shared.engine import Context, handle
    from shared.events import Event, EventKind
    from skill.apl.screens import screen_for
    from skill.ssml import render

    state = None
    context = Context(today=NOW.date(), profile=None, max_chunk_seconds=240)
    for event in [
        Event(EventKind.START, area="neck"),
        Event(EventKind.NO),
        Event(EventKind.NO),
        Event(EventKind.NO),
        Event(EventKind.NO),
        Event(EventKind.CONTINUE),
    ]:
        reply = handle(state, event, context)
        state = reply.state
    hold = next(s for s in reply.steps if isinstance(s, Hold))
    built = screen_for(reply, render(reply), "en-US")
    assert built.token == "hold"
    assert built.data["segments"][0]["start"] == round(_heard_start(hold) * 1000)


def test_sides_show_the_side_and_its_figure(tmp_path: Path) -> None:
    talk = _talk(tmp_path, "echo_show")
    to_first_intro(talk)
    talk.say("skip")  # to lateral neck flexion
    token, data = screen(talk.say("ready"))
    assert token == "hold"
    holds = [s for s in data["segments"] if s["kind"] == "hold"]
    assert holds[0]["label"] == "Rep 1 of 5 · right side"
    assert holds[0]["figure"] == "lateral_flexion"
    # the set goes on with the left side, mirrored, after a side switch
    body = talk.say("yes") if "left" in reprompt_of(talk.answers[-1]) else talk.answers[-1]
    token, data = screen(body)
    segments = data["segments"]
    switches = [s for s in segments if s["kind"] == "rest" and s["title"] == "Switch sides"]
    lefts = [s for s in segments if s["kind"] == "hold" and "left side" in s["label"]]
    assert switches and lefts and lefts[0]["figure"] == "lateral_flexion_left"
    assert switches[0]["figure"] == "lateral_flexion_left"


def test_the_check_in_and_the_wrap_up(tmp_path: Path) -> None:
    talk = _talk(tmp_path, "echo_show")
    talk.play_first_neck_set()
    body = talk.intent("AMAZON.FallbackIntent")  # asked again
    token, data = screen(body)
    assert token == "checkin" and data["title"] == "How did it feel?"
    assert data["text"].startswith("Sorry, how did that stretch feel?")
    assert speech_of(body).text.endswith(data["text"]) and data["figure"] == "neck_flexion"
    assert [b["action"] for b in data["buttons"]] == ["pain"]
    body = talk.finish_routine()
    token, data = screen(body)
    assert token == "wrapup" and ended(body)
    assert data["title"] == "Well done"
    assert data["done"] == ["Neck flexion", "Lateral neck flexion"]
    assert "weeks or months" in data["text"]
    assert data["streak"] == ""  # a first session is no streak yet


def _touch(talk: Conversation, action: str) -> dict[str, Any]:
    token = screen(talk.answers[-1])[0]
    return talk.send(lambda s: talk.factory.touch(s, action, token))


@pytest.mark.parametrize(
    ("at", "action", "words"),
    [
        ("intro", "ready", "ready"),
        ("intro", "skip", "skip"),
        ("intro", "pain", "it hurts"),
        ("checkin", "pain", "it hurts"),
        ("hold", "pause", "pause"),
        ("paused", "resume", "resume"),
    ],
)
def test_each_button_is_answered_as_its_words(
    tmp_path: Path, at: str, action: str, words: str
) -> None:
    answers = []
    for how in ("touch", "voice"):
        talk = _talk(tmp_path / how, "echo_show")
        to_first_intro(talk)
        if at in ("checkin", "hold", "paused"):
            talk.say("ready")
        if at == "paused":
            talk.say("pause")
        body = _touch(talk, action) if how == "touch" else talk.say(words)
        answers.append(body)
    touched, said = answers
    assert speech_of(touched) == speech_of(said)
    assert touched["sessionAttributes"] == said["sessionAttributes"]
    assert screen(touched) == screen(said)


def test_pause_and_resume_by_touch(tmp_path: Path) -> None:
    talk = _talk(tmp_path, "echo_show")
    talk.play_first_neck_set()
    body = _touch(talk, "pause")
    token, data = screen(body)
    assert token == "paused" and speech_of(body).text.startswith("Paused.")
    assert [b["action"] for b in data["buttons"]] == ["resume"]
    body = _touch(talk, "resume")  # a paused set starts again from its last part, as by voice
    assert (
        screen(body)[0] == "hold"
        and "start that part of the set again. 1 of 5." in speech_of(body).text
    )


def test_a_button_the_skill_does_not_know_is_not_understood(tmp_path: Path) -> None:
    talk = _talk(tmp_path, "echo_show")
    to_first_intro(talk)
    before = talk.answers[-1]["sessionAttributes"]["engine"]["phase"]
    body = _touch(talk, "dance")
    assert not ended(body) and reprompt_of(body)
    assert body["sessionAttributes"]["engine"]["phase"] == before


def test_a_touch_without_a_session_starts_afresh(tmp_path: Path) -> None:
    talk = _talk(tmp_path, "echo_show")
    request = talk.factory.touch(talk.session, "pause", "hold")
    request.pop("session")
    response = talk.client.post("/alexa", json=request)
    assert response.status_code == 200
    assert response.get_json()["response"]["outputSpeech"]["ssml"]
