"""``siaran status``: ready to publish? Each check of ``/readyz``, the embargo, and every
channel's state with its held deliveries. Exit status 1 when not ready."""

from __future__ import annotations

import argparse

from orchestrator.cli.calendar_commands import print_embargo
from orchestrator.cli.output import emit_json, table
from orchestrator.runtime.config import Settings

#: Exit status when a check fails.
NOT_READY = 1


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    from ops.status import status
    from orchestrator.runtime.context import open_context

    ctx = open_context(settings)
    try:
        shown = status(ctx)
    finally:
        ctx.db.dispose()
    if args.json:
        emit_json(shown)
    else:
        _print(shown)
    return 0 if shown["ready"] else NOT_READY


def _print(shown: dict) -> None:
    print("ready" if shown["ready"] else "NOT READY")
    width = max(len(c["name"]) for c in shown["checks"])
    for check in shown["checks"]:
        mark = "ok  " if check["ok"] else "FAIL"
        print(f"  {mark}  {check['name'].ljust(width)}  {check['detail']}")
    if shown["embargo"] is not None:
        print_embargo(shown["embargo"])
    if shown["channels"] is not None:
        print("channels:")
        table(shown["channels"], ["name", "platform", "state", "held"])
