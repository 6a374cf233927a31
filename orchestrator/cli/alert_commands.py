"""``siaran alert …``: where alerts go (webhook, Telegram, e-mail); ``siaran watch``
runs the watcher that sends them (orchestrator/cli/processes.py)."""

from __future__ import annotations

import argparse
import sys

from connectors.errors import ConfigError
from orchestrator.cli.output import emit_json, table
from orchestrator.runtime.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    alert = sub.add_parser("alert", help="alert targets: webhook, Telegram, e-mail (admins)")
    asub = alert.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = asub.add_parser("add", help="add a target that receives alerts")
    p.add_argument("name")
    p.add_argument("--target", required=True, choices=("webhook", "telegram", "email"))
    p.add_argument("--url", help="webhook: where the signed JSON is POSTed (https)")
    p.add_argument("--secret", help="webhook: the shared secret of the signature")
    p.add_argument("--bot-token", help="telegram: the bot's token")
    p.add_argument("--chat-id", help="telegram: the operations chat (-100… or @name)")
    p.add_argument("--api-base", help="telegram: the Bot API's address "
                                      "(default https://api.telegram.org)")
    p.add_argument("--smtp-host", help="email: the SMTP server")
    p.add_argument("--smtp-port", type=int, help="email: its port (587 with --starttls, "
                                                 "else 25)")
    p.add_argument("--starttls", action="store_true", help="email: STARTTLS before login")
    p.add_argument("--username", help="email: the SMTP login")
    p.add_argument("--password-stdin", action="store_true",
                   help="email: read the SMTP password from standard input")
    p.add_argument("--from", dest="sender", help="email: the sender address")
    p.add_argument("--to", action="append", default=[], metavar="ADDR",
                   help="email: a recipient (repeat for more)")
    p.add_argument("--digest", action="store_true",
                   help="also send the daily digest of yesterday to this target")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_alert_add)
    p = asub.add_parser("list", help="targets and their last message (never a secret)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_alert_list, logs=False)
    p = asub.add_parser("test", help="send a test message to a target now")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_alert_test)
    p = asub.add_parser("remove", help="stop sending alerts to a target")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_alert_remove)


def _password(args: argparse.Namespace) -> str | None:
    if not args.password_stdin:
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ConfigError("--password-stdin: standard input gave no password")
    return password


def cmd_alert_add(settings: Settings, args: argparse.Namespace) -> None:
    from ops.alerts import targets
    from orchestrator.runtime.context import open_context

    spec = targets.TargetSpec(
        kind=args.target, url=args.url, secret=args.secret, bot_token=args.bot_token,
        chat_id=args.chat_id, api_base=args.api_base, smtp_host=args.smtp_host,
        smtp_port=args.smtp_port, starttls=args.starttls, username=args.username,
        password=_password(args), sender=args.sender, recipients=tuple(args.to),
        digest=args.digest)
    added = targets.add_target(open_context(settings), args.name, spec)
    if args.json:
        emit_json(added)
    else:
        digest = ", with the daily digest" if added["digest"] else ""
        print(f"alert target {added['name']} ({added['kind']}) → {added['recipient']}{digest}")


def cmd_alert_list(settings: Settings, args: argparse.Namespace) -> None:
    from ops.alerts import targets
    from orchestrator.runtime.context import open_context

    found = targets.list_targets(open_context(settings))
    if args.json:
        emit_json(found)
        return
    rows = [{"name": t["name"], "kind": t["kind"], "recipient": t["recipient"],
             "digest": "yes" if t["digest"] else "no",
             "last": "" if not t["last_send"] else
             f"{t['last_send']['event']} {t['last_send']['outcome']} {t['last_send']['at']}",
             "error": (t["last_send"] or {}).get("error")} for t in found]
    table(rows, ["name", "kind", "recipient", "digest", "last"], below="error")


def cmd_alert_test(settings: Settings, args: argparse.Namespace) -> int:
    from ops.alerts import targets
    from orchestrator.runtime.context import open_context

    done = targets.test_target(open_context(settings), args.name)
    if args.json:
        emit_json(done)
    elif done["outcome"] == "sent":
        print(f"test alert sent to {done['target']} ({done['recipient']})")
    else:
        print(f"siaran: error: test alert to {done['target']} ({done['recipient']}) not "
              f"sent: {done['error']}", file=sys.stderr)
    return 0 if done["outcome"] == "sent" else 1


def cmd_alert_remove(settings: Settings, args: argparse.Namespace) -> None:
    from ops.alerts import targets
    from orchestrator.runtime.context import open_context

    targets.remove_target(open_context(settings), args.name)
    if args.json:
        emit_json({"removed": args.name})
    else:
        print(f"alert target {args.name} removed")
