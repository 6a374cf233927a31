"""``siaran user …`` and ``siaran token …``: accounts, passwords and API tokens."""

from __future__ import annotations

import argparse
import getpass
import sys

from connectors.errors import ValidationError
from orchestrator.cli.output import emit_json, table
from orchestrator.domain.model import ROLES
from orchestrator.runtime.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    user = sub.add_parser("user", help="users, their roles and passwords")
    usub = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = usub.add_parser("add", help="add a user (the first one must be an admin)")
    p.add_argument("name")
    p.add_argument("--role", action="append", required=True, choices=ROLES)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_user_add)
    p = usub.add_parser("list", help="users and roles (none: everyone may do everything)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_user_list)
    p = usub.add_parser("set-password", help="set a user's password (read from standard "
                                             "input; a hidden prompt on a terminal)")
    p.add_argument("name")
    p.set_defaults(handler=cmd_set_password)

    token = sub.add_parser("token", help="API tokens: each acts as its user")
    tsub = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = tsub.add_parser("create", help="a new token, shown once (admins)")
    p.add_argument("--user", dest="owner", required=True, metavar="NAME",
                   help="the user the token acts as")
    p.add_argument("--label", default="", help="what the token is for")
    p.add_argument("--expires", type=int, metavar="DAYS", help="expires after DAYS days")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_token_create)
    p = tsub.add_parser("list", help="every token (never the token itself)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_token_list)
    p = tsub.add_parser("revoke", help="revoke a token")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_token_revoke)


def cmd_user_add(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.access import accounts
    from orchestrator.runtime.context import open_context

    added = accounts.add_user(open_context(settings), args.name, args.role)
    if args.json:
        emit_json(added)
    else:
        print(f"user {added['name']}: {', '.join(added['roles'])}")


def cmd_user_list(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.access import accounts
    from orchestrator.runtime.context import open_context

    found = accounts.list_users(open_context(settings))
    if args.json:
        emit_json(found)
    elif not found:
        print("no users: open mode, every named user may do everything")
    else:
        table([{"name": u["name"], "roles": ", ".join(u["roles"])} for u in found],
              ["name", "roles"])


def read_password(stream=None) -> str:
    """The new password: a hidden prompt, twice, on a terminal; else one line of input."""
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != first:
            raise ValidationError("the two passwords differ")
        return first
    return stream.readline().rstrip("\r\n")


def cmd_set_password(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.access import passwords
    from orchestrator.runtime.context import open_context

    passwords.set_password(open_context(settings), args.name, read_password())
    print(f"password of {args.name} set")


def cmd_token_create(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.access import tokens
    from orchestrator.runtime.context import open_context

    created = tokens.create_token(open_context(settings), args.owner, label=args.label,
                                  expires_days=args.expires)
    if args.json:
        emit_json(created)
    else:
        print(f"token {created['id']} for {args.owner} (shown once, keep it safe):")
        print(created["token"])


def cmd_token_list(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.access import tokens
    from orchestrator.runtime.context import open_context

    ctx = open_context(settings)
    found: list[dict] = []
    while page := tokens.list_tokens(ctx, limit=1000, offset=len(found)):
        found += page
    if args.json:
        emit_json(found)
    else:
        table(found, ["id", "user", "label", "state", "created_at", "expires_at"])


def cmd_token_revoke(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.access import tokens
    from orchestrator.runtime.context import open_context

    revoked = tokens.revoke_token(open_context(settings), args.id)
    if args.json:
        emit_json(revoked)
    else:
        print(f"token {args.id} of {revoked['user']}: revoked")
