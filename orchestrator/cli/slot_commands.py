"""``siaran channel slots …``: a channel's posting slots and its next free ones."""

from __future__ import annotations

import argparse

from orchestrator.cli.output import emit_json, table
from orchestrator.runtime.config import Settings


def add_slots(csub: argparse._SubParsersAction) -> None:
    """Adds ``slots`` to the subcommands of ``channel``."""
    p = csub.add_parser("slots", help="posting slots in the channel's zone: show, --set, "
                                      "--clear, --next N")
    p.add_argument("name")
    change = p.add_mutually_exclusive_group()
    change.add_argument("--set", action="append", metavar="RULE", dest="rules",
                        help="replace the slots, e.g. 'mon-fri 09:00,12:00,19:00' "
                             "(repeatable: --set 'sat 10:00')")
    change.add_argument("--clear", action="store_true", help="remove every slot")
    p.add_argument("--next", type=int, metavar="N", dest="count",
                   help="list the next N free slots (within 90 days)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_channel_slots)


def cmd_channel_slots(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.runtime.context import open_context
    from schedules import slots

    ctx = open_context(settings)
    if args.rules is not None:
        found = slots.set_slots(ctx, args.name, args.rules)
    elif args.clear:
        found = slots.set_slots(ctx, args.name, [])
    else:
        found = slots.slots_of(ctx, args.name)
    upcoming = slots.next_free(ctx, args.name, args.count) if args.count is not None else None
    shown = slots.slots_view(found, settings.timezone, upcoming)
    if args.json:
        emit_json(shown)
        return
    rules = "; ".join(shown["slots"]) or "no slots"
    print(f"channel {shown['channel']} ({shown['timezone']}): {rules}")
    if upcoming is not None:
        table(shown["next"], ["at", "local"])
