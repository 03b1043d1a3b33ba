"""The Node.js peer of benchmark 2: the ASK SDK's own hello skill (ask-sdk-core behind
ask-sdk-express-adapter) in WORKERS processes, the way Alexa's Node developers serve a skill.

Its npm packages are installed by the bench, once, into a cache folder of its own
(bench/.node-peer/, git-ignored), at the versions pinned here; bench/node_hello.js is the app.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

from bench.servers import BACKLOG, WORKERS, Server, free_port, serve

APP = Path(__file__).with_name("node_hello.js")
CACHE = Path(__file__).with_name(".node-peer")
PACKAGES = (
    "ask-sdk-core@2.14.0",
    "ask-sdk-model@1.86.0",
    "ask-sdk-express-adapter@2.14.0",
    "express@4.22.1",
)
STAMP = CACHE / "installed.txt"  # the package list last installed, one a line


def node_missing() -> str | None:
    """Why the Node peer cannot run here, or None."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install nodejs npm)"
    return None


def install(cache: Path = CACHE) -> str | None:
    """Install the peer's packages into `cache` unless the same list already is; returns why
    that failed (npm's last line), or None."""
    stamp = cache / STAMP.name
    wanted = "\n".join(PACKAGES)
    if stamp.exists() and stamp.read_text() == wanted:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    command = ["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund"]
    command += ["--loglevel=error", "--save-exact", *PACKAGES]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return f"npm install failed: {lines[-1] if lines else done.returncode}"
    stamp.write_text(wanted)
    return None


def node_peer() -> contextlib.AbstractContextManager[Server]:
    """The peer on a free loopback port (install() first)."""
    port = free_port()
    env = {
        "NODE_PATH": str(CACHE / "node_modules"),
        "NODE_ENV": "production",
        "PORT": str(port),
        "WORKERS": str(WORKERS),
        "BACKLOG": str(BACKLOG),
    }
    return serve("node", ["node", str(APP)], port, env)
