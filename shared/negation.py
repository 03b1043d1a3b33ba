"""Which words of typed text a negation covers, so "no pain" is never read as a pain report.

Negated pain ("no pain", "it doesn't hurt", "nothing hurts") is the most common good answer at a
check-in, and a matcher that spots pain words anywhere reads it as pain. The rule is deliberately
narrow, because reading real pain as "fine" is the worse mistake: a negation covers the words that
carry it to what it negates ("didn't feel any pain", "no lower back pain") and then the first word
that says something; "it", "my", "that", "but" and the like start a new clause, so "no, it hurts"
and "no, that hurts" stay pain reports. When in doubt the words stay un-negated.
"""

from __future__ import annotations

from collections.abc import Sequence

NEGATORS = frozenset(
    {
        "no",
        "not",
        "never",
        "nothing",
        "none",
        "without",
        "nor",
        "neither",
        "nope",
        "nah",
        "didn't",
        "doesn't",
        "don't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "won't",
        "hasn't",
        "haven't",
        "hadn't",
        "didnt",
        "doesnt",
        "dont",
        "isnt",
        "wasnt",
    }
)
# Words that start a new clause: a negation before them does not reach past them.
RESETS = frozenset(
    {
        "it",
        "it's",
        "its",
        "this",
        "that",
        "that's",
        "my",
        "i'm",
        "im",
        "there's",
        "but",
        "though",
        "although",
        "except",
        "yet",
        "however",
        "and",
        "now",
        "until",
        "then",
        "when",
        "because",
        "if",
    }
)
# Words a negation passes through to reach what it negates ("didn't feel any pain").
CARRIERS = frozenset(
    {
        "feel",
        "felt",
        "feels",
        "feeling",
        "any",
        "have",
        "has",
        "had",
        "get",
        "got",
        "getting",
        "much",
        "at",
        "all",
        "too",
        "the",
        "to",
        "be",
        "been",
        "is",
        "was",
        "are",
        "cause",
        "caused",
        "causing",
        "seem",
        "seems",
        "seemed",
        "in",
        "even",
        "more",
        "as",
        "there",
        "or",
        "real",
        "sharp",
        "shooting",
        "serious",
        "major",
        "big",
        "new",
    }
)
# Body words inside a negated noun phrase ("no lower back pain", "no neck pain").
BODY_WORDS = frozenset(
    {
        "neck",
        "back",
        "lower",
        "upper",
        "shoulder",
        "shoulders",
        "spine",
        "hip",
        "hips",
        "leg",
        "legs",
        "arm",
        "arms",
        "knee",
        "knees",
        "muscle",
        "muscles",
    }
)


def negated_positions(words: Sequence[str]) -> frozenset[int]:
    """The indexes of `words` a negation covers (the negation words themselves are not covered).

    After a negator, carriers and body words are covered and the scope goes on; the first other
    word is covered and ends it, unless "or"/"nor" follows ("not painful or sore"). A reset word
    ends the scope uncovered.
    """
    covered: set[int] = set()
    in_scope = False
    for index, word in enumerate(words):
        if word in NEGATORS:
            in_scope = True
            continue
        if not in_scope:
            continue
        if word in RESETS:
            in_scope = False
            continue
        covered.add(index)
        if word in CARRIERS or word in BODY_WORDS:
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        in_scope = following in ("or", "nor")
    return frozenset(covered)
