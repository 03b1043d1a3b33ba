"""`backstretch-skill dialogs import`: other tools' test files converted into dialog YAML.

Two sources are read: the ASK CLI's files (`ask dialog --save-skill-io`, the answer of
`ask smapi invoke-skill` or `simulate-skill`, and `ask dialog` replay files) in ask.py, and
Bespoken's skill-testing-ml YAML in bespoken.py. Both build `Draft`s (draft.py) from the same
turn and expectation helpers (words.py), and writer.py writes them. Whatever a source holds that
this format cannot express is reported as a `Problem` naming the file and the item, and the rest
of the file still converts.
"""

from skill.dialogs.importers.command import add_arguments, run

__all__ = ["add_arguments", "run"]
