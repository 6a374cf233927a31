"""``siaran deliveries …``: the operations view of deliveries."""

from __future__ import annotations

import argparse

from connectors import registry
from connectors.errors import ValidationError
from orchestrator.cli.output import emit_json, table, when
from orchestrator.cli.parser import Commands
from orchestrator.cli.post_commands import DELIVERY_COLUMNS
from orchestrator.domain.states import DeliveryStatus
from orchestrator.runtime.config import Settings


def register(sub: Commands) -> None:
    p = sub.add_parser("deliveries", help="deliveries, newest first; `deliveries retry ID`, "
                                          "`deliveries resolve ID`")
    p.add_argument("--status", choices=[s.value for s in DeliveryStatus])
    p.add_argument("--channel", help="deliveries to this channel")
    p.add_argument("--post", type=int, metavar="ID", help="deliveries of this post")
    p.add_argument("--platform", choices=registry.names())
    p.add_argument("--since", metavar="TIME", help="changed since this day or time")
    p.add_argument("--limit", type=int, default=1000, help="at most this many (default 1000)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deliveries, logs=False)
    dsub = p.add_subparsers(dest="action", metavar="ACTION")
    r = dsub.add_parser("retry", help="queue a failed or waiting (retry_wait) delivery again, "
                                      "now")
    r.add_argument("id", type=int)
    r.add_argument("--force", action="store_true",
                   help="also retry an 'unknown' delivery (check the platform first)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_delivery_retry, logs=True)
    r = dsub.add_parser("resolve", help="settle an 'unknown' delivery after checking the platform")
    r.add_argument("id", type=int)
    outcome = r.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--published", action="store_true", help="the post is there")
    outcome.add_argument("--failed", action="store_true", help="the post is not there")
    r.add_argument("--permalink")
    r.add_argument("--external-id")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_delivery_resolve, logs=True)
    r = dsub.add_parser("cancel", help="stop one delivery not yet sent")
    r.add_argument("id", type=int)
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_delivery_cancel, logs=True)


def cmd_deliveries(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.editorial import views
    from orchestrator.runtime.context import open_context
    from schedules.timeparse import parse_bound

    if args.limit < 1:
        raise ValidationError("--limit must be at least 1")
    tz = settings.timezone
    shown = views.list_deliveries(
        open_context(settings), status=DeliveryStatus(args.status) if args.status else None,
        channel=args.channel, post_id=args.post, platform=args.platform,
        since=parse_bound(args.since, tz) if args.since else None, limit=args.limit)
    if args.json:
        emit_json(shown)
    else:
        table([{**d, "last_attempt_at": when(d["last_attempt_at"], tz),
                "next_attempt_at": when(d["next_attempt_at"], tz)} for d in shown],
              DELIVERY_COLUMNS, below="error")


def cmd_delivery_retry(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.editorial import retrying
    from orchestrator.editorial.views import show_delivery
    from orchestrator.pipeline.outbox import relay_now
    from orchestrator.runtime.context import open_context

    ctx = open_context(settings)
    outcome = retrying.retry_checked(ctx, args.id, force=args.force)
    relay_now(ctx)
    if args.json:
        emit_json({"id": args.id, "status": show_delivery(ctx, args.id)["status"],
                   "outcome": outcome})
    else:
        print(f"delivery {args.id}: {retrying.MEANINGS.get(outcome, outcome)}")


def cmd_delivery_resolve(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.editorial import publishing
    from orchestrator.runtime.context import open_context

    publishing.resolve_delivery(open_context(settings), args.id, published=args.published,
                                permalink=args.permalink, external_id=args.external_id)
    status = "published" if args.published else "failed"
    if args.json:
        emit_json({"id": args.id, "status": status})
    else:
        print(f"delivery {args.id}: {status}")


def cmd_delivery_cancel(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.editorial import publishing
    from orchestrator.runtime.context import open_context

    publishing.cancel_delivery(open_context(settings), args.id)
    if args.json:
        emit_json({"id": args.id, "status": "cancelled"})
    else:
        print(f"delivery {args.id}: cancelled")
