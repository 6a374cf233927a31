"""``siaran deliveries …``: the operations view of deliveries."""

from __future__ import annotations

import argparse

from orchestrator.cli.output import emit_json, table
from orchestrator.cli.post_commands import DELIVERY_COLUMNS
from orchestrator.domain.states import DeliveryStatus
from orchestrator.editorial import listing, publishing
from orchestrator.pipeline.outbox import relay_now
from orchestrator.runtime.config import Settings
from orchestrator.runtime.context import open_context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deliveries", help="deliveries by status; `deliveries retry ID`")
    p.add_argument("--status", choices=[s.value for s in DeliveryStatus])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deliveries)
    dsub = p.add_subparsers(dest="action", metavar="ACTION")
    r = dsub.add_parser("retry", help="queue a failed or waiting (retry_wait) delivery again, "
                                      "now")
    r.add_argument("id", type=int)
    r.add_argument("--force", action="store_true",
                   help="also retry an 'unknown' delivery (check the platform first)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_delivery_retry)
    r = dsub.add_parser("resolve", help="settle an 'unknown' delivery after checking the platform")
    r.add_argument("id", type=int)
    outcome = r.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--published", action="store_true", help="the post is there")
    outcome.add_argument("--failed", action="store_true", help="the post is not there")
    r.add_argument("--permalink")
    r.add_argument("--external-id")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_delivery_resolve)
    r = dsub.add_parser("cancel", help="stop one delivery not yet sent")
    r.add_argument("id", type=int)
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_delivery_cancel)


def cmd_deliveries(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    status = DeliveryStatus(args.status) if args.status else None
    shown = listing.deliveries(ctx, status=status)
    if args.json:
        emit_json(shown)
    else:
        table(shown, DELIVERY_COLUMNS)


def cmd_delivery_retry(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    publishing.retry_delivery(ctx, args.id, force=args.force)
    relay_now(ctx)
    if args.json:
        emit_json({"id": args.id, "status": "queued"})
    else:
        print(f"delivery {args.id}: queued")


def cmd_delivery_resolve(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    publishing.resolve_delivery(ctx, args.id, published=args.published,
                                permalink=args.permalink, external_id=args.external_id)
    status = "published" if args.published else "failed"
    if args.json:
        emit_json({"id": args.id, "status": status})
    else:
        print(f"delivery {args.id}: {status}")


def cmd_delivery_cancel(settings: Settings, args: argparse.Namespace) -> None:
    publishing.cancel_delivery(open_context(settings), args.id)
    if args.json:
        emit_json({"id": args.id, "status": "cancelled"})
    else:
        print(f"delivery {args.id}: cancelled")
