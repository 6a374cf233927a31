"""``siaran keys …``: the secret key that seals the channels' credentials."""

from __future__ import annotations

import argparse

from orchestrator.cli.output import emit_json
from orchestrator.runtime.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("keys", help="the secret key: fingerprint, rotation")
    ksub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    r = ksub.add_parser("show", help="where the key comes from and its fingerprint")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_keys_show)
    r = ksub.add_parser("rotate", help="re-seal every channel's credentials under a new key")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_keys_rotate)


def cmd_keys_show(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.channels import keys as key_admin
    from orchestrator.runtime.context import open_context

    shown = key_admin.describe(open_context(settings))
    if args.json:
        emit_json(shown)
        return
    print(f"secret key {shown['source']}: fingerprint {shown['fingerprint']}")
    for older in shown["older_keys"]:
        print(f"  older key: fingerprint {older}")
    print(f"the database's credentials are sealed with: {shown['database']}")


def cmd_keys_rotate(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.channels import keys as key_admin
    from orchestrator.runtime.context import open_context

    done = key_admin.rotate(open_context(settings))
    if args.json:
        emit_json({"previous": done.previous, "fingerprint": done.fingerprint,
                   "channels": done.channels, "source": done.key_source})
        return
    print(f"{done.channels} channels re-sealed; secret key {done.key_source}: fingerprint "
          f"{done.fingerprint} (was {done.previous}); back up the new key")
