"""A hold of N seconds lasts N seconds as heard (#14), in audio: every hold of the lower-back
routine played through the real skill, at each hold length and cue level, timed from the end of
its start cue to the start of its release cue with the cues spoken in between."""

from __future__ import annotations

import pytest

from shared.events import CueLevel

from .heard import Espeak, HeardHold, heard_steps
from .talk import Talk

HOLD_TOLERANCE_SECONDS = 1.0


def routine_holds(espeak: Espeak, talk: Talk, seconds: int, level: CueLevel) -> list[HeardHold]:
    """The lower-back routine at this hold and cue level, set by voice, and its holds as heard."""
    talk.to_area_question()
    talk.say("lower back")
    assert f"{seconds} seconds" in talk.say(f"hold for {seconds} seconds").ssml
    talk.say(f"{level.value} cues")
    talk.say("no")  # no tips: the first stretch's introduction
    held: list[HeardHold] = []
    for turn in talk.play_routine():
        if not turn.holds:
            continue
        found, _ = heard_steps(espeak.timeline(turn.ssml), turn.reply.steps)
        assert len(found) == len(turn.holds)
        held += found
    assert all(h.hold.seconds == seconds for h in held)
    return held


@pytest.mark.parametrize("level", list(CueLevel), ids=lambda level: f"{level.value}-cues")
@pytest.mark.parametrize("seconds", [20, 30, 10, 60], ids=lambda s: f"{s}s")
def test_every_hold_lasts_its_seconds_from_start_cue_to_release_as_heard(
    espeak: Espeak, talk: Talk, seconds: int, level: CueLevel
) -> None:
    held = routine_holds(espeak, talk, seconds, level)
    assert len(held) == 15  # knee to chest on each leg, then back flexion: 5 repetitions each
    errors = [h.seconds - seconds for h in held]
    worst = max(held, key=lambda h: abs(h.seconds - seconds))
    print(
        f"\n{seconds} s holds, {level.value} cues: {len(held)} holds heard "
        f"{min(h.seconds for h in held):.2f}-{max(h.seconds for h in held):.2f} s, error "
        f"{min(errors):+.2f} to {max(errors):+.2f} s (mean {sum(errors) / len(errors):+.2f})"
    )
    assert abs(worst.seconds - seconds) <= HOLD_TOLERANCE_SECONDS, (
        f"{worst.hold.exercise_id} rep {worst.hold.rep} ({worst.hold.side}) is heard "
        f"{worst.seconds:.2f} s for {seconds} s: cues {[c.text for c in worst.hold.cues]}"
    )
