"""``siaran demo``'s arguments; the demo itself (:mod:`orchestrator.cli.demo`) is loaded
only when it runs."""

from __future__ import annotations

import argparse

from orchestrator.cli.parser import Commands
from orchestrator.cli.processes import WEB_PORT
from orchestrator.runtime.config import Settings


def register(sub: Commands) -> None:
    p = sub.add_parser("demo", help="run everything against the sandbox with a sample calendar")
    p.add_argument("--keep-running", action="store_true",
                   help="keep serving after the sample calendar is published (Ctrl-C stops)")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds to wait for the calendar (default 120)")
    p.add_argument("--port", type=int, default=WEB_PORT,
                   help=f"port of the HTTP API (default {WEB_PORT})")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from orchestrator.cli import demo

    return demo.cmd_demo(settings, args)
