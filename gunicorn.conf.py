"""gunicorn settings for the skill endpoint:

    gunicorn -c gunicorn.conf.py -w 2 -b 0.0.0.0:443 --certfile cert.pem --keyfile key.pem \
        'skill.app:create_app()'

- /metrics sums every worker: prometheus-client's multi-process mode keeps each worker's figures
  in PROMETHEUS_MULTIPROC_DIR. Unset, it is a fresh temporary folder, removed at exit; set, the
  folder is emptied of old figures at start (prometheus-client requires it). A worker that exits
  is marked dead, so its figures stay counted but its live gauges go.
- gunicorn's own refusals (request line or headers too large, too many headers, invalid HTTP)
  are JSON 4xx like the app's, not HTML: skill/gunicorn_worker.py.
- With BACKSTRETCH_LOG_FORMAT=json, gunicorn's own log lines are JSON lines too.

Options given on the command line (workers, bind, certificates, log level) apply as usual.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from typing import Any

METRICS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
MADE_HERE = "BACKSTRETCH_METRICS_DIR_MADE"  # this file made the folder (read again on reload)

worker_class = "skill.gunicorn_worker.JsonErrorWorker"


def _metrics_folder() -> tuple[str, bool]:
    """The multi-process folder, and whether it is ours to remove. Set here, before any worker
    imports prometheus_client: it reads the variable once, at import."""
    given = os.environ.get(METRICS_VARIABLE)
    if given:
        os.makedirs(given, exist_ok=True)
        return given, given == os.environ.get(MADE_HERE)
    made = tempfile.mkdtemp(prefix="backstretch-metrics-")
    os.environ[METRICS_VARIABLE] = os.environ[MADE_HERE] = made
    return made, True


_FOLDER, _OURS = _metrics_folder()


def on_starting(server: Any) -> None:
    """Figures left by an earlier run would be summed with this one's: remove them."""
    for old in glob.glob(os.path.join(_FOLDER, "*.db")):
        os.remove(old)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    if _OURS:
        shutil.rmtree(_FOLDER, ignore_errors=True)


if os.environ.get("BACKSTRETCH_LOG_FORMAT", "").strip().lower() == "json":
    from skill.logs import gunicorn_log_config

    logconfig_dict = gunicorn_log_config()
