"""``siaran init``, ``siaran channel …`` and ``siaran user …``."""

from __future__ import annotations

import argparse

from orchestrator.access import roles
from orchestrator.access.roles import ROLES
from orchestrator.channels import admin as channel_admin
from orchestrator.cli.output import emit_json, table
from orchestrator.cli.parsing import pairs, rate_limits
from orchestrator.editorial import views
from orchestrator.pipeline.outbox import relay_now
from orchestrator.runtime.config import Settings
from orchestrator.runtime.context import open_context
from orchestrator.runtime.secrets import credential_box
from orchestrator.store.db import Database


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
    p.add_argument("--timezone", metavar="ZONE",
                   help="zone of its posting slots, e.g. Asia/Makassar (default: the office's)")
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


def cmd_init(settings: Settings, args: argparse.Namespace) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    credential_box(settings)
    db = Database(settings.database_url)
    db.migrate()
    db.dispose()
    print(f"initialised {settings.data_dir} ({db.engine.url.render_as_string()})")


def cmd_channel_add(settings: Settings, args: argparse.Namespace) -> None:
    limits = rate_limits(args.rate_limit)
    ctx = open_context(settings)
    channel = channel_admin.add_channel(
        ctx, name=args.name, platform=args.platform, api_base=args.api_base,
        credentials=pairs(args.credential, "--credential"), rate_limits=limits)
    if args.json:
        emit_json(views.channel_view(channel))
    else:
        print(f"channel {channel.name} ({channel.platform}) added")


def cmd_channel_update(settings: Settings, args: argparse.Namespace) -> None:
    limits = rate_limits(args.rate_limit)
    ctx = open_context(settings)
    channel = channel_admin.update_channel(
        ctx, args.name, credentials=pairs(args.credential, "--credential"),
        api_base=args.api_base, rate_limits=limits, timezone=args.timezone)
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


def cmd_user_add(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    with ctx.db.write() as conn:
        roles.add_user(conn, acting=ctx.user, name=args.name, roles=args.role, now=ctx.now())
    if args.json:
        emit_json({"name": args.name, "roles": sorted(set(args.role))})
    else:
        print(f"user {args.name}: {', '.join(sorted(set(args.role)))}")


def cmd_user_list(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    with ctx.db.read() as conn:
        found = roles.all_users(conn)
    if args.json:
        emit_json(found)
    elif not found:
        print("no users: open mode, every named user may do everything")
    else:
        table([{"name": u["name"], "roles": ", ".join(u["roles"])} for u in found],
              ["name", "roles"])
