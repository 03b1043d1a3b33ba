"""Which file a SQLite store has open, and noticing when the file at its path is another one.

A SQLite file deleted or replaced while servers use it does not fail them: each keeps reading and
writing the file it opened (a deleted inode lives on while open), so all history vanishes
silently, and a worker restarted meanwhile makes a new file at the path while the others go on
writing to the old one: two workers, two files. So the store remembers the file's identity
(device and inode) when it opens it, and before each call compares it with the file now at the
path (one stat, about a microsecond); a difference raises FileReplaced, and SafeStore reopens
the path, saying so in the log.

A file's -wal and -shm companions are the danger: SQLite leaves them in place when the file they
belong to is deleted or replaced under it, and a new file at the path would read the old file's
pages from them. So opening is serialised between processes by a lock file beside the database:
a worker that finds the file missing removes the companions the deleted one left and creates the
new file while the others wait, so they all open that one; and a worker whose file was replaced
removes the companions only if they are still the very files its own file had (same inodes):
those of a new file, made by another worker, are left alone.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

LEFT_BEHIND = ("-wal", "-shm")


class FileReplaced(OSError):
    """The SQLite file at the store's path is not the one it has open (replaced or deleted)."""


class FileIdentity:
    """The (device, inode) of the file a store opened at `path`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.identity = _identity(path)
        self.companions = _companions(path)  # the -wal and -shm the open file has

    def check(self) -> None:
        """Raise FileReplaced when the file at the path is another one, or none."""
        now = _identity(self.path)
        if now != self.identity:
            what = "deleted" if now is None else "replaced"
            raise FileReplaced(f"the database file {self.path} was {what} while in use")

    def remove_leftovers(self) -> None:
        """After the file was replaced or deleted (and the store closed): the -wal and -shm at
        the path, if they are still the ones the old file had, are removed."""
        with opening(self.path):
            if any(self.companions) and _companions(self.path) == self.companions:
                for suffix in LEFT_BEHIND:
                    with suppress(FileNotFoundError):
                        os.remove(self.path + suffix)


def _companions(path: str) -> tuple[tuple[int, int] | None, ...]:
    return tuple(_identity(path + suffix) for suffix in LEFT_BEHIND)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


@contextmanager
def opening(path: str) -> Iterator[None]:
    """Hold the lock that serialises opening the file at `path`; inside it, a missing file's
    leftovers are removed, so the file about to be made starts clean."""
    try:
        descriptor = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a folder we may not write to: SQLite will say what it makes of it
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        if not os.path.exists(path):
            for suffix in LEFT_BEHIND:
                with suppress(FileNotFoundError):
                    os.remove(path + suffix)
        yield
    finally:
        os.close(descriptor)  # and with it the lock
