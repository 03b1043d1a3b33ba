"""Understanding typed text through the interaction model, so one model drives voice and text.

`match_exact` accepts what the model covers (a sample with its slots filled, or a built-in phrase),
as Alexa would; `match` is more forgiving for a person typing ("my neck is really stiff"): it drops
filler words, spots a symptom, a pain word, an area or a feeling anywhere, and falls back to the
closest sample. Safety decides the order: a nerve symptom or dizziness wins over everything, then
pain, but a negated pain word ("no pain", "it didn't hurt") is a good check-in answer, never pain.
A cue level next to a word for cues ("could you give me fewer cues") asks for that level.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shared.events import STOP_FEELINGS, Event, EventKind, Feeling
from shared.intents import (
    AREA_SLOT,
    CUE_LEVEL_SLOT_TYPE,
    FEELING_SLOT,
    FEELING_SLOT_TYPE,
    LEVEL_SLOT,
    event_for_intent,
)
from shared.locales import DEFAULT_LOCALE
from shared.model import InteractionModel, load_model
from shared.negation import negated_positions

BUILTIN_PHRASES = Path(__file__).with_name("builtin_phrases.toml")
_SLOT = re.compile(r"\{(\w+)\}")
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
FILLERS = frozenset(
    [
        "um",
        "uh",
        "er",
        "erm",
        "please",
        "i",
        "think",
        "really",
        "so",
        "well",
        "just",
        "like",
        "actually",
        "kind",
        "of",
        "a",
        "bit",
        "very",
        "quite",
        "pretty",
        "little",
        "hmm",
        "oh",
    ]
)
PAIN_WORDS = frozenset(
    {
        "hurts",
        "hurt",
        "hurting",
        "painful",
        "pain",
        "pains",
        "ouch",
        "ow",
        "aches",
        "ache",
        "aching",
        "achy",
        "sore",
        "paining",
        "agony",
    }
)
# Pain said as an exclamation is never negated: "no, ouch" is still pain.
PAIN_EXCLAMATIONS = frozenset({"ouch", "ow"})
# Feelings that are pain or a stop symptom; a negated one leaves the answer "good".
_ALARMING = STOP_FEELINGS | {Feeling.PAINFUL}
CHECK_IN_INTENT = "CheckInIntent"
PAIN_INTENT = "PainIntent"
CUES_INTENT = "CuesIntent"
# Words that say the coach's cues are meant, so a level said with one asks for that level.
CUE_WORDS = frozenset(
    {"cue", "cues", "coaching", "reminders", "prompts", "guidance", "talk", "talking"}
)
START_WORDS = frozenset({"start", "begin", "stretch", "stretches", "stretching", "routine"})
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
_UNITS += "fifteen sixteen seventeen eighteen nineteen"
UNITS = {word: n for n, word in enumerate(_UNITS.split())}
TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}
OVERLAP_THRESHOLD = 0.6


@dataclass(frozen=True, slots=True)
class SlotMatch:
    name: str
    value: str
    resolved_id: str | None
    resolved_name: str | None


@dataclass(frozen=True, slots=True)
class IntentMatch:
    intent: str
    slots: dict[str, SlotMatch]
    exact: bool


def normalise(text: str) -> str:
    """Lowercase words without punctuation (apostrophes kept); a lone "?" stays, meaning help."""
    if text.strip() == "?":
        return "?"
    return " ".join(_NOT_WORD.sub(" ", text.lower().replace("\u2019", "'")).split())


# A time of day as typed, once normalised: "8", "8 am", "7 30" (7:30), "6 45 p m", "noon".
_TIME = re.compile(
    r"^(\d{1,2}( \d{2})?( ?[ap] ?m)?|noon|midnight|morning|afternoon|evening|night)$"
)


def words_to_number(text: str) -> int | None:
    """ "25", "twenty five", "twenty-five" -> 25; anything else -> None."""
    words = text.replace("-", " ").split()
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    if len(words) == 1 and words[0] in UNITS:
        return UNITS[words[0]]
    if len(words) == 1 and words[0] in TENS:
        return TENS[words[0]]
    if len(words) == 2 and words[0] in TENS and words[1] in UNITS and 0 < UNITS[words[1]] < 10:
        return TENS[words[0]] + UNITS[words[1]]
    return None


class Matcher:
    """Matches text against one locale's model; indexes are built once."""

    def __init__(self, model: InteractionModel) -> None:
        self.model = model
        self._literal: dict[str, str] = {}
        self._patterns: list[tuple[re.Pattern[str], str, dict[str, str]]] = []
        self._samples: list[tuple[frozenset[str], str]] = []
        for intent in model.intents.values():
            for sample in intent.samples:
                self._index_sample(normalise_sample(sample), intent.name, intent.slots)
        for intent_name, phrases in _builtin_phrases().items():
            for phrase in phrases:
                self._literal.setdefault(normalise(phrase), intent_name)
        self._areas = sorted(
            (
                (normalise(p), v.id, v.name)
                for v in model.slot_types.get("AreaType", ())
                for p in v.phrases
            ),
            key=lambda item: -len(item[0]),
        )
        self._feelings = self._feeling_phrases(model)
        self._cue_levels = sorted(
            (
                (words, value.id, value.name)
                for value in model.slot_types.get(CUE_LEVEL_SLOT_TYPE, ())
                for phrase in value.phrases
                if (words := tuple(w for w in normalise(phrase).split() if w not in FILLERS))
            ),
            key=lambda item: -len(item[0]),
        )

    def _feeling_phrases(
        self, model: InteractionModel
    ) -> list[tuple[tuple[str, ...], Feeling, str]]:
        """The FeelingType phrases as filler-free word tuples, longest first; phrases that are
        whole built-in answers ("okay" is yes) are left to those."""
        phrases: dict[tuple[str, ...], tuple[Feeling, str]] = {}
        for value in model.slot_types.get(FEELING_SLOT_TYPE, ()):
            if value.id not in set(Feeling):
                continue
            for phrase in value.phrases:
                said = normalise(phrase)
                words = tuple(w for w in said.split() if w not in FILLERS)
                if words and said not in self._literal:
                    phrases.setdefault(words, (Feeling(value.id), value.name))
        return sorted(((w, f, n) for w, (f, n) in phrases.items()), key=lambda item: -len(item[0]))

    @classmethod
    def for_locale(cls, locale: str = DEFAULT_LOCALE) -> Matcher:
        return _matcher_for(locale)

    def _index_sample(self, sample: str, intent: str, slots: dict[str, str]) -> None:
        if not _SLOT.search(sample):
            self._literal.setdefault(sample, intent)
        else:
            parts = _SLOT.split(sample)
            regex = "".join(
                f"(?P<{part}>.+?)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
            )
            self._patterns.append((re.compile(f"^{regex}$"), intent, slots))
        self._samples.append((frozenset(_SLOT.sub(" ", sample).split()), intent))

    def _slot(self, name: str, slot_type: str, spoken: str) -> SlotMatch | None:
        if slot_type == "AMAZON.NUMBER":
            number = words_to_number(spoken)
            return None if number is None else SlotMatch(name, str(number), None, None)
        if slot_type == "AMAZON.TIME":  # as said ("8 am"): only the skill reads it (reminders)
            return SlotMatch(name, spoken, None, None) if _TIME.match(spoken) else None
        value = self.model.resolve(slot_type, spoken)
        if value is None:
            return None
        return SlotMatch(name, spoken, value.id, value.name)

    def match_exact(self, text: str) -> IntentMatch | None:
        """Only what the model covers: a sample (slots filled with known values) or a built-in."""
        said = normalise(text)
        if said in self._literal:
            return IntentMatch(self._literal[said], {}, True)
        for pattern, intent, slot_types in self._patterns:
            found = pattern.match(said)
            if not found:
                continue
            slots = {n: self._slot(n, slot_types[n], v) for n, v in found.groupdict().items()}
            if all(slots.values()):
                return IntentMatch(intent, {n: s for n, s in slots.items() if s}, True)
        return None

    def _area_in(self, words: list[str]) -> SlotMatch | None:
        padded = f" {' '.join(words)} "
        for phrase, value_id, value_name in self._areas:
            if f" {phrase} " in padded:
                return SlotMatch("area", phrase, value_id, value_name)
        return None

    def _cues_in(self, words: list[str], negated: set[int]) -> IntentMatch | None:
        """A request for cues said loosely: a cue word and a level anywhere. A negated level ("no
        more cues") is no level: the engine then says which there are."""
        if not CUE_WORDS & set(words):
            return None
        for phrase, value_id, value_name in self._cue_levels:
            size = len(phrase)
            for start in range(len(words) - size + 1):
                if tuple(words[start : start + size]) != phrase:
                    continue
                if start in negated:
                    return IntentMatch(CUES_INTENT, {}, False)
                slot = SlotMatch(LEVEL_SLOT, " ".join(phrase), value_id, value_name)
                return IntentMatch(CUES_INTENT, {LEVEL_SLOT: slot}, False)
        return None

    def match(self, text: str) -> IntentMatch | None:
        """Forgiving: exact first, then without fillers, pain or area words anywhere, then the
        closest sample by shared words; None when nothing is close enough."""
        exact = self.match_exact(text)
        if exact:
            return exact
        words = [w for w in normalise(text).split() if w not in FILLERS]
        if not words:
            return None
        trimmed = self.match_exact(" ".join(words))
        if trimmed:
            return IntentMatch(trimmed.intent, trimmed.slots, False)
        return self._forgiving(words)

    def _feelings_in(self, words: list[str], negated: set[int]) -> list[tuple[Feeling, bool]]:
        """Feelings said anywhere, each with whether a negation covers it; a negated phrase's
        words all count as negated ("no shooting pain" is not pain)."""
        found: list[tuple[Feeling, bool]] = []
        taken: set[int] = set()
        for phrase, feeling, _name in self._feelings:
            size = len(phrase)
            for start in range(len(words) - size + 1):
                span = set(range(start, start + size))
                if tuple(words[start : start + size]) != phrase or span & taken:
                    continue
                taken |= span
                is_negated = start in negated
                if is_negated:
                    negated |= span
                found.append((feeling, is_negated))
        return found

    def _forgiving(self, words: list[str]) -> IntentMatch | None:
        """Symptoms first, then un-negated pain, then negated pain (a good answer), cues with a
        level, an area, the closest sample, and last a feeling said anywhere."""
        negated = set(negated_positions(words))
        feelings = self._feelings_in(words, negated)
        heard = [feeling for feeling, is_negated in feelings if not is_negated]
        symptom = next((f for f in heard if f in STOP_FEELINGS), None)
        if symptom is not None:
            return self._feeling_match(symptom)
        pain_at = [i for i, word in enumerate(words) if word in PAIN_WORDS]
        if any(i not in negated or words[i] in PAIN_EXCLAMATIONS for i in pain_at):
            area = self._area_in(words)
            return IntentMatch(PAIN_INTENT, {AREA_SLOT: area} if area else {}, False)
        if pain_at or any(is_negated and f in _ALARMING for f, is_negated in feelings):
            # "it doesn't hurt, just tight" says more than "good"
            mild = [f for f in heard if f not in _ALARMING]
            told = next((f for f in mild if f is not Feeling.GOOD), Feeling.GOOD)
            return self._feeling_match(told)
        cues = self._cues_in(words, negated)
        if cues is not None:
            return cues
        area = self._area_in(words)
        if area is not None:
            intent = "StartRoutineIntent" if START_WORDS & set(words) else "ChooseAreaIntent"
            return IntentMatch(intent, {AREA_SLOT: area}, False)
        closest = self._closest(set(words))
        if closest is not None and closest.intent != CHECK_IN_INTENT:
            return closest
        if heard:
            return self._feeling_match(heard[0])
        return closest

    def _feeling_match(self, feeling: Feeling) -> IntentMatch:
        value = self.model.resolve(FEELING_SLOT_TYPE, feeling.value)
        name = value.name if value is not None else feeling.value
        slot = SlotMatch(FEELING_SLOT, name, feeling.value, name)
        return IntentMatch(CHECK_IN_INTENT, {FEELING_SLOT: slot}, False)

    def _closest(self, words: set[str]) -> IntentMatch | None:
        best, best_score = None, 0.0
        for sample_words, intent in self._samples:
            if not sample_words:
                continue
            score = len(words & sample_words) / len(words | sample_words)
            if score > best_score:
                best, best_score = intent, score
        if best is None or best_score < OVERLAP_THRESHOLD:
            return None
        return IntentMatch(best, {}, False)

    def to_event(self, text: str) -> Event:
        """The engine event for typed text; UNKNOWN (with the text) when nothing matched."""
        found = self.match(text)
        if found is None:
            return Event(EventKind.UNKNOWN, text=text)
        slots = {name: slot.resolved_id or slot.value for name, slot in found.slots.items()}
        return event_for_intent(found.intent, slots, text)


def normalise_sample(sample: str) -> str:
    """A sample as typed text would be normalised, keeping its {slot} references."""
    return (
        " ".join(
            part if _SLOT.fullmatch(part) else normalise(part)
            for part in re.split(r"(\{\w+\})", sample)
        )
        .replace("  ", " ")
        .strip()
    )


@cache
def _builtin_phrases() -> dict[str, tuple[str, ...]]:
    data = tomllib.loads(BUILTIN_PHRASES.read_text(encoding="utf-8"))
    return {intent: tuple(phrases) for intent, phrases in data.items()}


@cache
def _matcher_for(locale: str) -> Matcher:
    return Matcher(load_model(locale))
