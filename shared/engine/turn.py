"""One turn being built: the steps and effects collected so far, and the state as it changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from shared import messages
from shared.engine.context import Context
from shared.engine.phase import Phase
from shared.engine.state import State
from shared.exercise_catalog import Exercise, ExerciseCatalog
from shared.profile import Profile, SessionRecord
from shared.reply import Ask, Card, Effect, End, RecordSession, Reply, Say, Step
from shared.routine import Pacing

if TYPE_CHECKING:
    from shared.engine.phases import PhaseSpec


class Turn:
    """Builds one reply: collects steps and effects while moving the state on."""

    def __init__(
        self,
        state: State,
        context: Context,
        catalog: ExerciseCatalog,
        stored_profile: Callable[[], Profile | None],
        phases: Mapping[Phase, PhaseSpec],
    ) -> None:
        self.st = state
        self.ctx = context
        self.catalog = catalog
        self.stored_profile = stored_profile
        self.phases = phases
        self.steps: list[Step] = []
        self.effects: list[Effect] = []
        self.card: Card | None = None

    # -- the state ------------------------------------------------------------------------------

    def update(self, **changes: Any) -> None:
        self.st = replace(self.st, **changes)

    @property
    def spec(self) -> PhaseSpec:
        """What the current phase asks and accepts."""
        return self.phases[self.st.phase]

    def ask_current(self) -> None:
        """Ask the current phase's question (help, repeat and unknown input all come back here)."""
        self.spec.ask(self)

    # -- output ---------------------------------------------------------------------------------

    def msg(self, key: str, **params: Any) -> str:
        return messages.text(key, self.ctx.locale, **params)

    def say(self, key: str, **params: Any) -> None:
        self.steps.append(Say(key, self.msg(key, **params)))

    def say_text(self, key: str, text: str) -> None:
        self.steps.append(Say(key, text))

    def ask(
        self,
        key: str,
        reprompt_key: str,
        kind: Literal["question", "continue"] = "question",
        **params: Any,
    ) -> None:
        text, reprompt = self.msg(key, **params), self.msg(reprompt_key, **params)
        self.steps.append(Ask(key, text, reprompt, kind))

    def end(self, key: str, **params: Any) -> None:
        self.update(phase=Phase.DONE)
        self.steps.append(End(key, self.msg(key, **params)))

    def plural(self, key: str, n: int) -> str:
        return self.msg(f"{key}.one" if n == 1 else f"{key}.many", n=n)

    def minutes(self, seconds: float) -> str:
        """A duration to announce, to the nearest half minute ("about 6 and a half minutes")."""
        halves = max(1, round(seconds / 30))
        whole, half = divmod(halves, 2)
        if not half:
            return self.plural("unit.minutes", whole)
        if whole == 0:
            return self.msg("unit.minutes.half")
        key = "unit.minutes.one_half" if whole == 1 else "unit.minutes.many_half"
        return self.msg(key, n=whole)

    def reply(self) -> Reply:
        return Reply(tuple(self.steps), self.st.to_json(), tuple(self.effects), self.card)

    # -- derived facts --------------------------------------------------------------------------

    @property
    def pacing(self) -> Pacing:
        return Pacing(hold_seconds=self.st.hold, reps=self.st.reps)

    @property
    def profile(self) -> Profile | None:
        return None if self.st.profile_deleted else self.stored_profile()

    @property
    def routine(self) -> tuple[Exercise, ...]:
        area = self.st.area
        return self.catalog.for_area(area) if area else ()

    @property
    def exercise(self) -> Exercise | None:
        routine, index = self.routine, self.st.exercise
        return routine[index] if index < len(routine) else None

    def area_name(self, area: str) -> str:
        return self.msg(f"area.name.{area}")

    def save_record(self, completed: bool, stopped_for: str | None = None) -> None:
        record = session_record_of(self.st, self.ctx, completed, stopped_for)
        if record is not None:
            self.effects.append(RecordSession(record))

    def ask_again(self) -> None:
        """The current question in its short form (after help or an answer not understood)."""
        (self.spec.ask_again or self.spec.ask)(self)


def session_record_of(
    state: State, context: Context, completed: bool, stopped_for: str | None = None
) -> SessionRecord | None:
    """What this conversation adds to the user's history: None until a stretch was done, pain
    was reported or a symptom stopped a chosen routine."""
    if not state.area or not (state.stretches_done or state.pains or stopped_for):
        return None
    return SessionRecord(
        day=context.today,
        area=state.area,
        stretches=state.stretches_done,
        pain_reports=state.pains,
        completed=completed,
        pain_stretch=state.pain_stretch,
        feelings=state.feelings,
        stopped_for=stopped_for,
        levels=_levels_played(state),
    )


def _levels_played(state: State) -> tuple[tuple[str, int, int], ...]:
    """The level of each stretch the session did or rated (progression reads it next time)."""
    involved = {*state.stretches_done, *(stretch for stretch, _ in state.feelings)}
    return tuple(level for level in state.levels if level[0] in involved)
