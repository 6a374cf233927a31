"""``siaran init`` and ``siaran channel …``."""

from __future__ import annotations

import argparse
import sys

from orchestrator.cli import slot_commands
from orchestrator.cli.credentials import read_credentials
from orchestrator.cli.output import count, emit_json, table
from orchestrator.cli.parser import Commands
from orchestrator.cli.parsing import rate_limits
from orchestrator.runtime.config import Settings


def register(sub: Commands) -> None:
    p = sub.add_parser("init", help="create the data directory and the database schema")
    p.set_defaults(handler=cmd_init)

    channel = sub.add_parser("channel", help="channels: accounts on the platforms")
    csub = channel.add_subparsers(dest="action", required=True, metavar="ACTION")
    slot_commands.add_slots(csub)
    p = csub.add_parser("add", help="add a channel")
    p.add_argument("name")
    p.add_argument("--platform", required=True)
    p.add_argument("--api-base", help="https:// base URL replacing the platform's host "
                                      "(staging; http:// only for loopback, e.g. the sandbox)")
    _credential_arguments(p)
    p.add_argument("--rate-limit", action="append", metavar="COUNT/PERIOD",
                   help="posting limit, e.g. 100/15m (repeatable; 'none' for no limit; "
                        "default: the platform's known caps)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_channel_add)
    p = csub.add_parser("update", help="new credentials (after re-authorising; operators "
                                       "may), API base or posting limits (admins)")
    p.add_argument("name")
    _credential_arguments(p)
    p.add_argument("--api-base")
    p.add_argument("--rate-limit", action="append", metavar="COUNT/PERIOD")
    p.add_argument("--timezone", metavar="ZONE",
                   help="zone of its posting slots, e.g. Asia/Makassar (default: the office's)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_channel_update)
    p = csub.add_parser("list", help="channels with their state and posting limits")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_channel_list, logs=False)
    p = csub.add_parser("show", help="one channel: platform, state, the hosts its credentials "
                                     "go to, posting limits")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_channel_show, logs=False)
    for name, helptext in (("pause", "stop publishing to a channel (deliveries are held)"),
                           ("resume", "publish again (after pause or re-authorisation)"),
                           ("check", "ask the platform whether the credentials work")):
        p = csub.add_parser(name, help=helptext)
        p.add_argument("name")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_channel_state, action=name)



def _credential_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--credential", action="append", default=[], metavar="KEY=VALUE",
                   help="one credential; KEY=- asks for its value (no echo). A value given "
                        "here is visible in the process list and shell history")
    p.add_argument("--credentials-file", action="append", metavar="FILE",
                   help="credentials as a JSON object or KEY=VALUE lines ('-': standard "
                        "input)")
    p.add_argument("--allow-insecure-host", action="store_true",
                   help="send the credentials over plain http to a host that is not "
                        "loopback (test hosts only; recorded in the audit log)")


def cmd_init(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.channels import admin
    from orchestrator.runtime.context import open_context
    from orchestrator.runtime.installation import initialise

    done = initialise(settings)
    print(f"initialised {settings.data_dir} ({done.database})")
    made = "created; back it up with the database" if done.key_created else "in use"
    print(f"secret key {done.key_source}: fingerprint {done.fingerprint} ({made})")
    for warning in admin.insecure_hosts(open_context(settings)):
        print(f"siaran: warning: {warning}", file=sys.stderr)


def cmd_channel_add(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.channels import admin
    from orchestrator.channels.views import channel_view
    from orchestrator.runtime.context import open_context

    limits = rate_limits(args.rate_limit)
    credentials = read_credentials(args.credential, args.credentials_file)
    ctx = open_context(settings)
    channel = admin.add_channel(
        ctx, name=args.name, platform=args.platform, api_base=args.api_base,
        credentials=credentials, rate_limits=limits,
        allow_insecure_host=args.allow_insecure_host)
    if args.json:
        emit_json(channel_view(channel))
    else:
        print(f"channel {channel.name} ({channel.platform}) added")


def cmd_channel_update(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.channels import admin
    from orchestrator.channels.views import channel_view
    from orchestrator.domain.states import ChannelState
    from orchestrator.runtime.context import open_context

    limits = rate_limits(args.rate_limit)
    credentials = read_credentials(args.credential, args.credentials_file)
    ctx = open_context(settings)
    channel = admin.update_channel(
        ctx, args.name, credentials=credentials, api_base=args.api_base, rate_limits=limits,
        allow_insecure_host=args.allow_insecure_host, timezone=args.timezone)
    if args.json:
        emit_json(channel_view(channel))
        return
    print(f"channel {channel.name} updated")
    if channel.state is not ChannelState.ACTIVE:
        print(f"it {channel.state.described}: `siaran channel check {channel.name}`, then "
              f"`siaran channel resume {channel.name}` publishes its held deliveries")


def cmd_channel_list(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.channels.views import channel_view, list_channels
    from orchestrator.runtime.context import open_context

    shown = [channel_view(c) for c in list_channels(open_context(settings))]
    if args.json:
        emit_json(shown)
        return
    table([{**c, "rate_limits": ", ".join(c["rate_limits"]) or "none"} for c in shown],
          ["name", "platform", "state", "rate_limits", "api_base"])


def cmd_channel_show(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.channels import admin
    from orchestrator.channels.views import channel_view
    from orchestrator.runtime.context import open_context

    shown = channel_view(admin.get_channel(open_context(settings), args.name))
    if args.json:
        emit_json(shown)
        return
    for field in ("name", "platform", "state", "api_base", "site_url"):
        print(f"{field}: {shown[field] or '-'}")
    print(f"rate_limits: {', '.join(shown['rate_limits']) or 'none'}")


def cmd_channel_state(settings: Settings, args: argparse.Namespace) -> int:
    from orchestrator.channels import admin
    from orchestrator.channels.views import channel_view
    from orchestrator.runtime.context import open_context

    ctx = open_context(settings)
    if args.action == "check":
        result = admin.check(ctx, args.name)
        if args.json:
            emit_json(result)
        else:
            state = "ok" if result["ok"] else "NOT OK"
            print(f"{args.name}: {state} {result['account']} {result['detail']}".rstrip())
        return 0 if result["ok"] else 1
    if args.action == "pause":
        channel, released = admin.pause(ctx, args.name), 0
    else:
        from orchestrator.pipeline.outbox import relay_now

        channel, released = admin.resume(ctx, args.name)
        relay_now(ctx)
    if args.json:
        emit_json({**channel_view(channel), "released": released})
    else:
        print(f"channel {channel.name}: {channel.state.value}"
              + (f", {count(released, 'delivery', 'deliveries')} released" if released else ""))
    return 0
