"""``siaran``: the command line.

Building the parser imports no service code: each command imports what it needs when it
runs, so ``siaran --help`` or ``siaran channel list`` start without loading the platform
client libraries, Dramatiq or Redis.
"""

from __future__ import annotations

import argparse
import os
import sys

from connectors.errors import SiaranError
from orchestrator.cli import (
    account_commands,
    alert_commands,
    audit_commands,
    calendar_commands,
    channel_commands,
    delivery_commands,
    demo_command,
    engagement_commands,
    key_commands,
    post_commands,
    processes,
)
from orchestrator.cli.parser import Commands, Parser, VersionAction, command_word
from orchestrator.runtime import config

#: Exit status after the reader of standard output went away (as if killed by SIGPIPE).
BROKEN_PIPE = 141


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The ``siaran`` parser; given ``argv``, only the command it names is built in full."""
    parser = Parser(
        prog="siaran", description="Multichannel publishing for a public-relations office.")
    parser.add_argument("--user", help="who is acting (default: SIARAN_USER or login name)")
    parser.add_argument("--version", action=VersionAction, help="print the version and exit")
    parser.set_defaults(logs=True)  # commands that only read set logs=False
    selected = None if argv is None else command_word(parser, argv)
    sub = Commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"),
                   selected)
    for commands in (channel_commands, account_commands, post_commands, delivery_commands,
                     audit_commands, calendar_commands, key_commands, alert_commands, processes,
                     demo_command, engagement_commands):
        commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        code = _run(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader went away (`siaran post show 9 | head -3`): stop quietly, as other
        # command-line tools do, and keep the interpreter's last flush from failing too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE


def _run(argv: list[str] | None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else argv
        args = build_parser(argv).parse_args(argv)
    except SystemExit as done:  # --help and --version
        return done.code if isinstance(done.code, int) else 0
    except SiaranError as error:
        return _error(error)
    try:
        settings = config.load().with_user(args.user)
        if args.logs:
            import logging

            from orchestrator.runtime.logging import configure

            configure(settings.log_format, level=logging.WARNING)
        return args.handler(settings, args) or 0
    except SiaranError as error:
        return _error(error)
    except KeyboardInterrupt:
        return 130


def _error(error: SiaranError) -> int:
    print(f"siaran: error: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
