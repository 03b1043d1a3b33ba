"""`backstretch-skill`: serve the endpoint in development, build the ASK package, replay dialogs."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from skill.config import SkillConfig

PRODUCTION_HINT = (
    "For production run several workers under gunicorn, for example:\n"
    "  gunicorn -w 2 -b 0.0.0.0:8443 --certfile cert.pem --keyfile key.pem 'skill.app:create_app()'"
)


def _serve(args: argparse.Namespace) -> int:
    from skill.app import create_app

    config = SkillConfig.from_env()
    if args.no_verify:
        config = replace(config, verify=False)
        print(
            "WARNING: request verification is OFF. Never expose this server to the internet.",
            file=sys.stderr,
        )
    if args.record:
        config = replace(config, record_dir=Path(args.record))
        print(f"Recording each session as a dialog in {args.record}", file=sys.stderr)
    if config.verify and not config.skill_ids:
        print(
            "Set BACKSTRETCH_SKILL_IDS to your skill id, or use --no-verify for local testing.",
            file=sys.stderr,
        )
        return 2
    app = create_app(config)
    print(PRODUCTION_HINT, file=sys.stderr)
    try:
        app.run(host=args.host, port=args.port)
    finally:
        recorder = app.extensions.get("backstretch.recorder")
        if recorder is not None:
            recorder.flush()
    return 0


def _package(args: argparse.Namespace) -> int:
    from skill.package import build_skill_package

    path = build_skill_package(Path(args.out), args.endpoint, args.ssl_certificate_type)
    print(f"Wrote {path}. Deploy it with: ask deploy")
    return 0


def _replay(args: argparse.Namespace) -> int:
    from skill.dialogs.replay import run

    return run(args)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="backstretch-skill", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the Alexa endpoint for development")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument(
        "--no-verify", action="store_true", help="turn request verification off (development only)"
    )
    serve.add_argument(
        "--record", metavar="DIR", help="write each session as a replayable dialog in DIR"
    )
    serve.set_defaults(run=_serve)
    package = commands.add_parser("package", help="assemble an ASK CLI skill-package/ folder")
    package.add_argument("--out", default=".", help="folder to write skill-package/ into")
    package.add_argument("--endpoint", help="the HTTPS endpoint URL of your server")
    package.add_argument(
        "--ssl-certificate-type", default="Trusted", choices=("Trusted", "SelfSigned", "Wildcard")
    )
    package.set_defaults(run=_package)
    replay = commands.add_parser("replay", help="replay dialog files and check their expectations")
    from skill.dialogs.replay import add_arguments

    add_arguments(replay)
    replay.set_defaults(run=_replay)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
