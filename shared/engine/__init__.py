"""The conversation engine: one event in, a reply and the next state out.

No clock, no I/O: the caller passes today's date and the user's profile in a `Context` (or a
function of its own that reads the profile, called only on a turn that needs it), and applies the
reply's effects to its own store. The skill and the tutor are thin adapters around `handle`.

Inside, an explicit state machine: `Phase` (phase.py) and the frozen `State` (state.py); what
each phase asks and accepts (phases.py, with questions.py and answers.py); commands valid at every
step (commands.py); the order in which they are tried (dispatch.py); the coaching flow itself
(flow.py), built up one `Turn` at a time (turn.py).
"""

from shared.engine.context import Context
from shared.engine.core import handle, played_to_end, session_record
from shared.engine.phase import Phase
from shared.engine.state import STATE_VERSION, State

__all__ = [
    "STATE_VERSION",
    "Context",
    "Phase",
    "State",
    "handle",
    "played_to_end",
    "session_record",
]
