"""`backstretch-tutor`: options, the choice between full screen and plain lines, and a clean exit.

Ctrl-C, Ctrl-D and a closed terminal all end the same way: what was done is saved, a short line is
printed, and no traceback is ever shown.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from shared import messages
from shared.events import AREAS, CueLevel
from shared.locales import DEFAULT_LOCALE
from shared.routine import HOLD_LIMITS, REPS_LIMITS
from shared.storage import default_sqlite_path
from tutor.clock import Clock, RealClock
from tutor.database import TutorDatabase, open_database
from tutor.driver import TutorUI, run_conversation, show_summary
from tutor.history import history_lines
from tutor.plain import PlainUI, terminal_width
from tutor.reminder import ReminderError
from tutor.session import Preferences, TutorSession
from tutor.signals import ClosingSignals, TerminalClosed
from tutor.store import local_user_key
from tutor.style import no_color
from tutor.summary import Tally
from tutor.wrap import wrap_text


def _check(value: str, key: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(messages.text(key, low=low, high=high))
    return number


def _hold(value: str) -> int:
    return _check(value, "tutor.option.bad_hold", *HOLD_LIMITS)


def _reps(value: str) -> int:
    return _check(value, "tutor.option.bad_reps", *REPS_LIMITS)


def _area(value: str) -> str:
    normal = value.strip().lower().replace(" ", "_").replace("-", "_")
    if normal not in AREAS:
        raise argparse.ArgumentTypeError(messages.text("tutor.option.bad_area", value=value))
    return normal


def _cues(value: str) -> CueLevel:
    try:
        return CueLevel(value.strip().lower())
    except ValueError:
        raise argparse.ArgumentTypeError(
            messages.text("tutor.option.bad_cues", value=value)
        ) from None


def _speed(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0.1 <= number <= 1000:
        raise argparse.ArgumentTypeError(messages.text("tutor.option.bad_speed"))
    return number


def parser() -> argparse.ArgumentParser:
    def say(key: str, **params: int | Path) -> str:
        return messages.text(f"tutor.cli.{key}", DEFAULT_LOCALE, **params)

    low_hold, high_hold = HOLD_LIMITS
    low_reps, high_reps = REPS_LIMITS
    root = argparse.ArgumentParser(prog="backstretch-tutor", description=say("description"))
    root.add_argument(
        "command",
        nargs="?",
        choices=("coach", "history", "remind"),
        default="coach",
        help=say("command"),
    )
    root.add_argument("--area", type=_area, help=say("area"))
    root.add_argument(
        "--hold", type=_hold, metavar="SECONDS", help=say("hold", low=low_hold, high=high_hold)
    )
    root.add_argument(
        "--reps", type=_reps, metavar="COUNT", help=say("reps", low=low_reps, high=high_reps)
    )
    root.add_argument("--cues", type=_cues, metavar="{fewer,normal,more}", help=say("cues"))
    root.add_argument("--speed", type=_speed, default=1.0, metavar="FACTOR", help=say("speed"))
    root.add_argument("--plain", action="store_true", help=say("plain"))
    root.add_argument("--bell", action="store_true", help=say("bell"))
    root.add_argument("--db", type=Path, metavar="PATH", help=say("db", path=default_sqlite_path()))
    root.add_argument("--profile", default="local", metavar="NAME", help=say("profile"))
    root.add_argument("--at", metavar="HH:MM", help=say("at"))
    root.add_argument("--days", metavar="mon,wed,fri", help=say("days"))
    root.add_argument("--remove", action="store_true", help=say("remove"))
    root.add_argument("--output", type=Path, metavar="FILE", help=say("output"))
    return root


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def make_ui(args: argparse.Namespace, clock: Clock) -> TutorUI:
    """Full screen on a capable terminal; plain lines when asked, into a pipe, or on a terminal
    that says it cannot move the cursor (TERM=dumb, as in Emacs shells and some CI logs)."""
    if args.plain or not _interactive() or os.environ.get("TERM", "") == "dumb":
        return PlainUI(clock, speed=args.speed)
    from tutor.app import TerminalUI

    return TerminalUI(clock, speed=args.speed, plain_style=no_color())


def _warn(text: str) -> None:
    with contextlib.suppress(OSError):
        print(wrap_text(text, terminal_width()), file=sys.stderr)


EXIT_CODES: dict[type[BaseException], int] = {KeyboardInterrupt: 130, EOFError: 0}


def coach(args: argparse.Namespace, clock: Clock, ui: TutorUI | None = None) -> int:
    database = open_database(args.db)
    store = database.kept
    prefs = Preferences(area=args.area, hold=args.hold, reps=args.reps, cues=args.cues)
    session = TutorSession(store, clock.today(), user=args.profile, preferences=prefs)
    if not database.usable:  # said before the session, not discovered after it
        _warn(database.explain())
    tally = Tally(clock)
    with ClosingSignals() as closing:  # a closed terminal must reach the save below, not kill us
        try:
            ui = ui or make_ui(args, clock)
            conversation = run_conversation(session, ui, bell=args.bell, tally=tally)
            saved = asyncio.run(closing.watch(conversation))
        except (KeyboardInterrupt, EOFError, OSError) as stopped:  # OSError: the terminal is gone
            if isinstance(stopped, KeyboardInterrupt) and not closing.signum:
                _print("")  # Ctrl-C leaves the cursor after "^C" on the prompt's line
            saved = session.save_partial()
            show_summary(session, tally, _print, session.locale)
            _goodbye(saved, database)
            if closing.signum or isinstance(stopped, OSError):
                silence_closed_terminal()
            return 128 + closing.signum if closing.signum else _exit_code(stopped)
        finally:
            store.close()
    if saved is not None:  # input ended at a question
        _goodbye(saved, database)
    return 0


def _exit_code(stopped: BaseException) -> int:
    """0 for Ctrl-D, 130 for Ctrl-C, 128 + the signal for a hang-up or a kill, 1 otherwise."""
    if isinstance(stopped, TerminalClosed):
        return stopped.exit_code
    return EXIT_CODES.get(type(stopped), 1)


def _print(text: str) -> None:
    """A line after the conversation, wrapped to the terminal if there still is one."""
    with contextlib.suppress(OSError):
        print(wrap_text(text, terminal_width()))


def _goodbye(saved: bool, database: TutorDatabase) -> None:
    if not saved and database.kept.kept:  # not lost: saved the next time the file takes it
        reason = database.problem or "unknown"
        _print(messages.text("tutor.goodbye_kept", path=database.path, reason=reason))
        return
    _print(messages.text("tutor.goodbye_saved" if saved else "tutor.goodbye_unsaved"))
    if not saved and database.problem:
        _warn(database.explain())


def history(args: argparse.Namespace, clock: Clock) -> int:
    database = open_database(args.db)
    try:
        profile = database.kept.load(local_user_key(args.profile))
    finally:
        database.close()
    if not database.usable:  # not "No sessions yet.": the file could not be read
        _warn(database.explain("tutor.history_unreadable"))
        return 1
    print("\n".join(history_lines(profile, clock.today())))
    return 0


def remind(args: argparse.Namespace, clock: Clock) -> int:
    """`remind --at 08:00 [--days mon,wed,fri]`: an iCalendar file to import; `--remove`: its
    cancellation, and how to take the reminder out of the calendar."""
    from tutor import reminder  # here: the icalendar import is for this command only

    path = args.output or reminder.default_path()
    try:
        if args.remove:
            reminder.write(path, reminder.cancellation(clock.today(), args.profile))
            print(wrap_text(messages.text("tutor.remind.removed", path=path), terminal_width()))
            return 0
        if not args.at:
            raise ReminderError(messages.text("tutor.remind.no_time"))
        days = reminder.parse_days(args.days) if args.days else tuple(range(7))
        wanted = reminder.Reminder(reminder.parse_time(args.at), days)
        reminder.write(path, reminder.calendar(wanted, clock.today(), args.profile))
    except ReminderError as error:
        _warn(str(error))
        return 2
    except OSError as error:
        _warn(messages.text("tutor.remind.unwritable", path=path, reason=error.strerror or error))
        return 1
    when = messages.text(
        "tutor.remind.written",
        path=path,
        at=wanted.at.strftime("%H:%M"),
        days=reminder.spoken_days(wanted),
    )
    print(wrap_text(when, terminal_width()))
    return 0


def silence_closed_terminal() -> None:
    """The terminal is gone: point standard output and error at /dev/null, so the interpreter's
    last flush at exit cannot fail with "Exception ignored ... OSError: [Errno 5]"."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                os.dup2(null, stream.fileno())
        os.close(null)


def main(argv: Sequence[str] | None = None, clock: Clock | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    args = parser().parse_args(argv)
    clock = clock or RealClock()
    try:
        if args.command == "remind":
            return remind(args, clock)
        return history(args, clock) if args.command == "history" else coach(args, clock)
    except (BrokenPipeError, OSError) as error:  # a closed terminal: nothing left to tell
        logging.getLogger(__name__).debug("output closed: %s", error)
        silence_closed_terminal()
        return 1
