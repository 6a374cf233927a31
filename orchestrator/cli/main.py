"""``siaran``: the command line."""

from __future__ import annotations

import argparse
import logging
import sys

from connectors.errors import SiaranError
from orchestrator.cli import (
    calendar_commands,
    channel_commands,
    delivery_commands,
    demo,
    post_commands,
    processes,
    slot_commands,
)
from orchestrator.runtime import config
from orchestrator.runtime.logging import configure


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="siaran", description="Multichannel publishing for a public-relations office.")
    parser.add_argument("--user", help="who is acting (default: SIARAN_USER or login name)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    channel_commands.register(sub)
    post_commands.register(sub)
    delivery_commands.register(sub)
    calendar_commands.register(sub)
    slot_commands.register(sub)
    processes.register(sub)
    demo.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = config.load().with_user(args.user)
        configure(settings.log_format, level=logging.WARNING)
        return args.handler(settings, args) or 0
    except SiaranError as error:
        print(f"siaran: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
