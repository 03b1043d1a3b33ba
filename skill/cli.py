"""`backstretch-skill`: serve the endpoint in development, build the ASK package, replay dialogs."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType

from shared import messages
from skill import logs
from skill.config import SkillConfig


def _serve(args: argparse.Namespace) -> int:
    config = SkillConfig.from_env()
    if args.no_verify:
        config = replace(config, verify=False)
        logs.notice(messages.text("cli.verification_off"))
    if not config.verify:
        logs.notice(messages.text("cli.seed_hook_on"))
    if args.record:
        config = replace(config, record_dir=Path(args.record))
        logs.notice(messages.text("cli.recording", folder=args.record))
    if config.verify and not config.skill_ids:
        logs.notice(messages.text("cli.needs_skill_id"))
        return 2
    _run_server(config, args.host, args.port)
    return 0


def _run_server(config: SkillConfig, host: str, port: int) -> None:
    """Serve until Ctrl-C or SIGTERM, then write the sessions still being recorded."""
    from skill.app import create_app

    app = create_app(config)
    logs.notice(messages.text("cli.production"))
    before = signal.signal(signal.SIGTERM, _interrupt)
    try:
        app.run(host=host, port=port)
    finally:
        signal.signal(signal.SIGTERM, before)
        recorder = app.extensions.get("backstretch.recorder")
        if recorder is not None:
            recorder.flush()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (kill, docker stop, systemd) stops the server as Ctrl-C does, cleanly."""
    raise KeyboardInterrupt


def _package(args: argparse.Namespace) -> int:
    from skill.package import build_skill_package

    for url in (args.privacy_url, args.terms_url):
        if url and not url.lower().startswith("https://"):
            print(messages.text("cli.package_needs_https", url=url), file=sys.stderr)
            return 2
    if not args.privacy_url:  # the skill keeps personal information: Amazon wants a policy
        print(messages.text("cli.package_no_privacy_url"), file=sys.stderr)
    path = build_skill_package(
        Path(args.out),
        args.endpoint,
        args.ssl_certificate_type,
        privacy_url=args.privacy_url,
        terms_url=args.terms_url,
    )
    print(messages.text("cli.packaged", path=path))
    return 0


def _replay(args: argparse.Namespace) -> int:
    from skill.dialogs.replay import run

    return run(args)


def _dialogs_import(args: argparse.Namespace) -> int:
    from skill.dialogs.importers import run

    return run(args)


def parser() -> argparse.ArgumentParser:
    def say(key: str) -> str:
        return messages.text(f"cli.{key}")

    root = argparse.ArgumentParser(prog="backstretch-skill", description=say("description"))
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help=say("serve"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--no-verify", action="store_true", help=say("no_verify"))
    serve.add_argument("--record", metavar="DIR", help=say("record"))
    serve.set_defaults(run=_serve)
    package = commands.add_parser("package", help=say("package"))
    package.add_argument("--out", default=".", help=say("out"))
    package.add_argument("--endpoint", help=say("endpoint"))
    package.add_argument(
        "--ssl-certificate-type", default="Trusted", choices=("Trusted", "SelfSigned", "Wildcard")
    )
    package.add_argument("--privacy-url", help=say("privacy_url"))
    package.add_argument("--terms-url", help=say("terms_url"))
    package.set_defaults(run=_package)
    replay = commands.add_parser("replay", help=say("replay"))
    from skill.dialogs.replay import add_arguments

    add_arguments(replay)
    replay.set_defaults(run=_replay)
    pruning = commands.add_parser("prune", help=say("prune"), description=say("prune"))
    from skill import prune

    prune.add_arguments(pruning)
    pruning.set_defaults(run=prune.run)
    dialogs = commands.add_parser("dialogs", help=say("dialogs"))
    tools = dialogs.add_subparsers(dest="dialogs_command", metavar="COMMAND", required=True)
    importing = tools.add_parser(
        "import", help=say("dialogs_import"), description=say("dialogs_import")
    )
    from skill.dialogs.importers import add_arguments as add_import_arguments

    add_import_arguments(importing)
    importing.set_defaults(run=_dialogs_import)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    logs.configure_command_line()  # text, or JSON lines with BACKSTRETCH_LOG_FORMAT=json
    args = parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
