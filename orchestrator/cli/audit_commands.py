"""``siaran audit``: who did what, when — people and the system alike."""

from __future__ import annotations

import argparse

from connectors.errors import ValidationError
from orchestrator.cli.output import emit_json
from orchestrator.cli.parser import Commands
from orchestrator.runtime.config import Settings


def register(sub: Commands) -> None:
    p = sub.add_parser("audit", help="the audit trail: every write, by people and the system "
                                     "(scheduler, reconciliation)")
    p.add_argument("--post", type=int, metavar="ID", help="events of a post and its deliveries")
    p.add_argument("--channel", metavar="NAME",
                   help="events of a channel and its deliveries")
    p.add_argument("--user", dest="actor", metavar="NAME",
                   help="events by this user (or 'scheduler', 'reconciliation')")
    p.add_argument("--since", metavar="TIME", help="events since this day or time")
    p.add_argument("--limit", type=int, default=200,
                   help="the newest this many (default 200), oldest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_audit, logs=False)


def cmd_audit(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.cli.post_show import event_line
    from orchestrator.editorial import views
    from orchestrator.runtime.context import open_context
    from schedules.timeparse import parse_bound

    if args.limit < 1:
        raise ValidationError("--limit must be at least 1")
    tz = settings.timezone
    events = views.audit_trail(open_context(settings), post_id=args.post,
                               channel=args.channel, user=args.actor,
                               since=parse_bound(args.since, tz) if args.since else None,
                               limit=args.limit)
    if args.json:
        emit_json(events)
        return
    for event in events:
        print(event_line(event, tz))
    if not events:
        print("(none)")
