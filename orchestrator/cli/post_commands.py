"""``siaran post …`` and ``siaran calendar``."""

from __future__ import annotations

import argparse
import sys

from connectors.errors import ValidationError
from orchestrator.cli import post_options
from orchestrator.cli.output import emit_json, table
from orchestrator.cli.parsing import pairs
from orchestrator.editorial import publishing, views, workflow
from orchestrator.pipeline.outbox import relay_now
from orchestrator.runtime.config import Settings
from orchestrator.runtime.context import open_context
from schedules import approval, calendar, planning
from schedules.timeparse import parse_day, parse_time

DELIVERY_COLUMNS = ["id", "post_id", "channel", "platform", "status", "attempts", "error_kind",
                    "error", "permalink"]


def register(sub: argparse._SubParsersAction) -> None:
    post = sub.add_parser("post", help="posts: write, review, approve, publish")
    psub = post.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = psub.add_parser("create", help="write a draft post")
    p.add_argument("--title", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--pillar", required=True)
    p.add_argument("--channel", action="append", required=True, dest="channels")
    p.add_argument("--at", help="publication time: ISO 8601 or 'YYYY-MM-DD HH:MM' (office zone)")
    post_options.add_create_options(p)
    p.add_argument("--variant", action="append", default=[], metavar="PLATFORM=TEXT",
                   help="the text one platform shows instead of --text")
    p.add_argument("--variant-title", action="append", default=[], metavar="PLATFORM=TITLE",
                   help="the title one platform shows (WordPress)")
    p.add_argument("--hashtags", action="append", default=[], metavar="PLATFORM=TAGS",
                   help="hashtags appended on one platform, e.g. x='#LayananPublik #Info'")
    p.add_argument("--media", action="append", default=[], metavar="PATH",
                   help="an image or video (repeatable); each needs its --alt")
    p.add_argument("--alt", action="append", default=[], metavar="TEXT",
                   help="alt text of the --media at the same position")
    p.add_argument("--thread", action="store_true",
                   help="X may publish a text longer than one post as a thread")
    p.add_argument("--excerpt", help="WordPress excerpt")
    p.add_argument("--category", action="append", default=[], help="WordPress category")
    p.add_argument("--tag", action="append", default=[], help="WordPress tag")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_create)
    for name, func, helptext in (
        ("submit", approval.submit, "send a draft to review"),
        ("approve", approval.approve, "approve a post under review"),
        ("reject", workflow.reject, "reject a post under review"),
        ("cancel", workflow.cancel, "cancel a post and its unsent deliveries"),
        ("publish-now", publishing.publish_now, "publish an approved post immediately (or "
                                               "what missed its window)"),
    ):
        p = psub.add_parser(name, help=helptext)
        p.add_argument("id", type=int)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=_post_action(name, func))
        if name == "publish-now":
            post_options.add_override_options(p)
    p = psub.add_parser("show", help="a post with its deliveries and attempts")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_show)

    p = sub.add_parser("calendar", help="posts in a date range with their delivery states")
    p.add_argument("--from", dest="start", metavar="DATE")
    p.add_argument("--to", dest="end", metavar="DATE", help="exclusive")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_calendar)



def _variants(args: argparse.Namespace) -> dict[str, dict[str, str]]:
    variants: dict[str, dict[str, str]] = {}
    for flag, field in (("variant", "text"), ("variant_title", "title"),
                        ("hashtags", "hashtags")):
        for platform, value in pairs(getattr(args, flag), f"--{flag.replace('_', '-')}"
                                      ).items():
            variants.setdefault(platform, {})[field] = value
    return variants


def _options(args: argparse.Namespace) -> dict:
    options: dict = {}
    if args.thread:
        options["thread"] = True
    if args.excerpt:
        options["excerpt"] = args.excerpt
    if args.category:
        options["categories"] = args.category
    if args.tag:
        options["tags"] = args.tag
    return options


def cmd_post_create(settings: Settings, args: argparse.Namespace) -> None:
    at = parse_time(args.at, settings.timezone) if args.at else None
    if len(args.alt) > len(args.media):
        raise ValidationError(f"{len(args.alt)} --alt for {len(args.media)} --media")
    media = [(path, args.alt[i] if i < len(args.alt) else "")
             for i, path in enumerate(args.media)]
    ctx = open_context(settings)
    made = planning.create(ctx, title=args.title, text=args.text, pillar=args.pillar,
                           channels=args.channels, at=at, variants=_variants(args),
                           media=media, options=_options(args),
                           **post_options.create_options(args))
    if args.json:
        emit_json(post_options.created_view(made, settings.timezone))
    else:
        print(made.post_id)


def _post_action(name: str, func):
    def handler(settings: Settings, args: argparse.Namespace) -> None:
        ctx = open_context(settings)
        result = func(ctx, args.id, **post_options.override_options(args))
        if func is publishing.publish_now:
            relay_now(ctx)
        for warning in result if isinstance(result, list) else []:
            print(f"siaran: warning: {warning}", file=sys.stderr)
        view = views.show_post(ctx, args.id)
        if args.json:
            emit_json({"id": args.id, "status": view["status"]})
        else:
            print(f"post {args.id}: {view['status']}")
    handler.__name__ = f"cmd_post_{name.replace('-', '_')}"
    return handler


def cmd_post_show(settings: Settings, args: argparse.Namespace) -> None:
    view = views.show_post(open_context(settings), args.id)
    if args.json:
        emit_json(view)
        return
    print(f"post {view['id']}: {view['title']}  [{view['status']}]")
    print(f"pillar {view['pillar']}, scheduled {view['scheduled_at'] or 'not scheduled'}, "
          f"author {view['author']}, approver {view['approver'] or '-'}")
    table(view["deliveries"], DELIVERY_COLUMNS[:1] + DELIVERY_COLUMNS[2:])


def cmd_calendar(settings: Settings, args: argparse.Namespace) -> None:
    tz = settings.timezone
    start = parse_day(args.start, tz) if args.start else None
    end = parse_day(args.end, tz) if args.end else None
    if start and end and end <= start:
        raise ValidationError("--to must be after --from")
    shown = calendar.calendar(open_context(settings), start, end)
    if args.json:
        emit_json(shown)
        return
    rows = [{"id": p["id"], "scheduled_at": p["scheduled_at"], "status": p["status"],
             "pillar": p["pillar"], "title": p["title"],
             "deliveries": ", ".join(f"{d['channel']}:{d['status']}" for d in p["deliveries"])}
            for p in shown]
    table(rows, ["id", "scheduled_at", "status", "pillar", "title", "deliveries"])
    for p in shown:  # why a delivery did not go out: missed its window, held
        for d in p["deliveries"]:
            if d["status"] in ("missed", "held") and d["error"]:
                print(f"post {p['id']} {d['channel']}: {d['status']}: {d['error']}")
