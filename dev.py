"""Developer entry point that needs nothing but Python 3.11+.

`python3 dev.py tutor [ARGS]` and `python3 dev.py test [PYTEST ARGS]` create `.venv`, install the
project into it (again only when pyproject.toml changed) and run the tutor or the whole test suite.
Kept to the standard library so the README's quick start works on a fresh machine.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".backstretch-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _requirements_digest() -> str:
    """Hash what decides the install, so a changed pyproject triggers a reinstall."""
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    """Create `.venv` and install the project with its test extra, once per pyproject change."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("Back Stretch Coach needs Python 3.11 or newer.")
    if not (BIN / "python").exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = _requirements_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    print("Installing Back Stretch Coach and its test tools into .venv ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(digest)


def main(argv: list[str]) -> int:
    commands = {
        "tutor": [str(BIN / "backstretch-tutor")],
        "test": [str(BIN / "python"), "-m", "pytest"],
        "skill": [str(BIN / "backstretch-skill")],
    }
    if not argv or argv[0] not in commands:
        print("usage: python3 dev.py {tutor|test|skill} [ARGS...]", file=sys.stderr)
        return 2
    try:
        ensure_venv()
    except subprocess.CalledProcessError as error:
        print(
            f"Installing failed (exit {error.returncode}); see the messages above.", file=sys.stderr
        )
        return 1
    return subprocess.call([*commands[argv[0]], *argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
