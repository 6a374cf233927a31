"""Commands that read or change the calendar: init, channel, post, deliveries, calendar."""

from __future__ import annotations

import argparse
import sys

from orchestrator import access, channel_admin, editorial, publishing, views
from orchestrator.access import ROLES
from orchestrator.cli.output import emit_json, table
from orchestrator.config import Settings
from orchestrator.context import open_context
from orchestrator.domain.limits import RateLimit, parse_rate_limit
from orchestrator.domain.states import DeliveryStatus
from orchestrator.errors import ConfigError, ValidationError
from orchestrator.outbox import relay_now
from orchestrator.secrets import credential_box
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store.db import Database
from schedules.timeparse import parse_day, parse_time

DELIVERY_COLUMNS = ["id", "post_id", "channel", "platform", "status", "attempts", "error_kind",
                    "error", "permalink"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create the data directory and the database schema")
    p.set_defaults(handler=cmd_init)

    channel = sub.add_parser("channel", help="channels: accounts on the platforms")
    csub = channel.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = csub.add_parser("add", help="add a channel")
    p.add_argument("name")
    p.add_argument("--platform", required=True)
    p.add_argument("--api-base", help="base URL replacing the platform's host (staging, sandbox)")
    p.add_argument("--credential", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--rate-limit", action="append", metavar="COUNT/PERIOD",
                   help="posting limit, e.g. 100/15m (repeatable; 'none' for no limit; "
                        "default: the platform's known caps)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_channel_add)
    p = csub.add_parser("update", help="new credentials (after re-authorising), API base or "
                                       "posting limits")
    p.add_argument("name")
    p.add_argument("--credential", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--api-base")
    p.add_argument("--rate-limit", action="append", metavar="COUNT/PERIOD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_channel_update)
    p = csub.add_parser("list", help="list channels")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_channel_list)
    for name, helptext in (("pause", "stop publishing to a channel (deliveries are held)"),
                           ("resume", "publish again (after pause or re-authorisation)"),
                           ("check", "ask the platform whether the credentials work")):
        p = csub.add_parser(name, help=helptext)
        p.add_argument("name")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_channel_state, action=name)

    user = sub.add_parser("user", help="users and their roles")
    usub = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = usub.add_parser("add", help="add a user (the first one must be an admin)")
    p.add_argument("name")
    p.add_argument("--role", action="append", required=True, choices=ROLES)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_user_add)
    p = usub.add_parser("list", help="users and roles (none: everyone may do everything)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_user_list)

    post = sub.add_parser("post", help="posts: write, review, approve, publish")
    psub = post.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = psub.add_parser("create", help="write a draft post")
    p.add_argument("--title", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--pillar", required=True)
    p.add_argument("--channel", action="append", required=True, dest="channels")
    p.add_argument("--at", help="publication time: ISO 8601 or 'YYYY-MM-DD HH:MM' (office zone)")
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
        ("submit", editorial.submit, "send a draft to review"),
        ("approve", editorial.approve, "approve a post under review"),
        ("reject", editorial.reject, "reject a post under review"),
        ("cancel", editorial.cancel, "cancel a post and its unsent deliveries"),
        ("publish-now", publishing.publish_now, "publish an approved post immediately"),
    ):
        p = psub.add_parser(name, help=helptext)
        p.add_argument("id", type=int)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=_post_action(name, func))
    p = psub.add_parser("show", help="a post with its deliveries and attempts")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_show)

    p = sub.add_parser("deliveries", help="deliveries by status; `deliveries retry ID`")
    p.add_argument("--status", choices=[s.value for s in DeliveryStatus])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deliveries)
    dsub = p.add_subparsers(dest="action", metavar="ACTION")
    r = dsub.add_parser("retry", help="queue a failed delivery again")
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

    p = sub.add_parser("calendar", help="posts in a date range with their delivery states")
    p.add_argument("--from", dest="start", metavar="DATE")
    p.add_argument("--to", dest="end", metavar="DATE", help="exclusive")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_calendar)


def cmd_init(settings: Settings, args: argparse.Namespace) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    credential_box(settings)
    db = Database(settings.database_url)
    db.migrate()
    db.dispose()
    print(f"initialised {settings.data_dir} ({db.engine.url.render_as_string()})")


def _pairs(items: list[str], what: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{what} must look like KEY=VALUE, got {item.split('=')[0]!r}...")
        found[key.strip()] = value
    return found


def _rate_limits(given: list[str] | None) -> tuple[RateLimit, ...] | None:
    if given is None:
        return None
    if given == ["none"]:
        return ()
    return tuple(parse_rate_limit(text) for text in given)


def cmd_channel_add(settings: Settings, args: argparse.Namespace) -> None:
    limits = _rate_limits(args.rate_limit)
    ctx = open_context(settings)
    channel = channel_admin.add_channel(
        ctx, name=args.name, platform=args.platform, api_base=args.api_base,
        credentials=_pairs(args.credential, "--credential"), rate_limits=limits)
    if args.json:
        emit_json(views.channel_view(channel))
    else:
        print(f"channel {channel.name} ({channel.platform}) added")


def cmd_user_add(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    with ctx.db.write() as conn:
        access.add_user(conn, acting=ctx.user, name=args.name, roles=args.role, now=ctx.now())
    if args.json:
        emit_json({"name": args.name, "roles": sorted(set(args.role))})
    else:
        print(f"user {args.name}: {', '.join(sorted(set(args.role)))}")


def cmd_user_list(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    with ctx.db.read() as conn:
        found = access.all_users(conn)
    if args.json:
        emit_json(found)
    elif not found:
        print("no users: open mode, every named user may do everything")
    else:
        table([{"name": u["name"], "roles": ", ".join(u["roles"])} for u in found],
              ["name", "roles"])


def cmd_channel_update(settings: Settings, args: argparse.Namespace) -> None:
    limits = _rate_limits(args.rate_limit)
    ctx = open_context(settings)
    channel = channel_admin.update_channel(
        ctx, args.name, credentials=_pairs(args.credential, "--credential"),
        api_base=args.api_base, rate_limits=limits)
    if args.json:
        emit_json(views.channel_view(channel))
    else:
        print(f"channel {channel.name} updated")


def cmd_channel_list(settings: Settings, args: argparse.Namespace) -> None:
    shown = [views.channel_view(c) for c in channel_admin.list_channels(open_context(settings))]
    if args.json:
        emit_json(shown)
    else:
        table(shown, ["name", "platform", "state", "api_base"])


def cmd_channel_state(settings: Settings, args: argparse.Namespace) -> int:
    ctx = open_context(settings)
    if args.action == "check":
        result = channel_admin.check(ctx, args.name)
        if args.json:
            emit_json(result)
        else:
            state = "ok" if result["ok"] else "NOT OK"
            print(f"{args.name}: {state} {result['account']} {result['detail']}".rstrip())
        return 0 if result["ok"] else 1
    if args.action == "pause":
        channel, released = channel_admin.pause(ctx, args.name), 0
    else:
        channel, released = channel_admin.resume(ctx, args.name)
        relay_now(ctx)
    if args.json:
        emit_json({**views.channel_view(channel), "released": released})
    else:
        print(f"channel {channel.name}: {channel.state.value}"
              + (f", {released} deliveries released" if released else ""))
    return 0


def _variants(args: argparse.Namespace) -> dict[str, dict[str, str]]:
    variants: dict[str, dict[str, str]] = {}
    for flag, field in (("variant", "text"), ("variant_title", "title"),
                        ("hashtags", "hashtags")):
        for platform, value in _pairs(getattr(args, flag), f"--{flag.replace('_', '-')}"
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
    post_id = editorial.create_post(ctx, title=args.title, text=args.text, pillar=args.pillar,
                                    channels=args.channels, at=at, variants=_variants(args),
                                    media=media, options=_options(args))
    if args.json:
        emit_json({"id": post_id})
    else:
        print(post_id)


def _post_action(name: str, func):
    def handler(settings: Settings, args: argparse.Namespace) -> None:
        ctx = open_context(settings)
        result = func(ctx, args.id)
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


def cmd_deliveries(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    status = DeliveryStatus(args.status) if args.status else None
    with ctx.db.read() as conn:
        found = delivery_rows.with_status(conn, status)
    shown = [views.delivery_view(d, settings.timezone) for d in found]
    if args.json:
        emit_json(shown)
    else:
        table(shown, DELIVERY_COLUMNS)


def cmd_delivery_retry(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    publishing.retry_delivery(ctx, args.id, force=args.force)
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


def cmd_calendar(settings: Settings, args: argparse.Namespace) -> None:
    tz = settings.timezone
    start = parse_day(args.start, tz) if args.start else None
    end = parse_day(args.end, tz) if args.end else None
    if start and end and end <= start:
        raise ValidationError("--to must be after --from")
    shown = views.calendar(open_context(settings), start, end)
    if args.json:
        emit_json(shown)
        return
    rows = [{"id": p["id"], "scheduled_at": p["scheduled_at"], "status": p["status"],
             "pillar": p["pillar"], "title": p["title"],
             "deliveries": ", ".join(f"{d['channel']}:{d['status']}" for d in p["deliveries"])}
            for p in shown]
    table(rows, ["id", "scheduled_at", "status", "pillar", "title", "deliveries"])
