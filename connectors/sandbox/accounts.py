"""Sandbox accounts: the file format, its loader and the demo defaults.

The file is JSON keyed by platform, each a list of accounts (extra fields allowed)::

    {"x": [{"user_id": "1001", "username": "setneg", "consumer_key": "ck",
            "consumer_secret": "cs", "access_token": "at", "access_token_secret": "ats",
            "bearer_tokens": ["u2-token"]}],
     "facebook": [{"page_id": "555", "page_access_token": "pt-555", "name": "…"}]}

What an account of each platform holds — the field that identifies it, the fields a
channel's credentials are made of, the demo account — is declared by the platform's sandbox
module (``PlatformAPI.id_key``, ``credential_fields``, ``demo_account``); the functions here
derive from those declarations for every platform of the registry. The values are
sandbox-only stand-ins, not secrets.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from connectors import registry
from connectors.errors import ConfigError
from connectors.sandbox import catalog


def default_accounts() -> dict[str, list[dict]]:
    """Every registered platform's demo account (a fresh copy)."""
    return {api.name: [copy.deepcopy(api.demo_account)] for api in
            (catalog.platform_api(name) for name in registry.names())}


def account_id(platform: str, account: dict) -> str:
    """The identifying value of ``account`` on ``platform`` (``id`` on unknown platforms)."""
    if not catalog.known(platform):
        return str(account.get("id", ""))
    return catalog.platform_api(platform).account_id(account)


def channel_credentials(platform: str, account: dict, sandbox_url: str | None = None
                        ) -> dict[str, str]:
    """The credentials a Siaran channel needs to reach this sandbox account.

    Some platforms' credentials include the sandbox's own URL (WordPress's ``site_url``);
    pass ``sandbox_url`` for them (ConfigError without it).
    """
    if not catalog.known(platform):
        raise ConfigError(f"no sandbox credentials known for platform {platform!r}")
    return catalog.platform_api(platform).channel_credentials(account, sandbox_url)


def validate_accounts(data: object) -> dict[str, list[dict]]:
    """Check the accounts shape; ConfigError names what is wrong."""
    if not isinstance(data, dict):
        raise ConfigError("sandbox accounts must be a JSON object keyed by platform")
    clean: dict[str, list[dict]] = {}
    for platform, items in data.items():
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ConfigError(f"sandbox accounts for {platform!r} must be a list of objects")
        if catalog.known(platform):
            key = catalog.platform_api(platform).id_key
            if any(not account_id(platform, item) for item in items):
                raise ConfigError(f"a {platform} sandbox account lacks {key!r}")
        clean[str(platform)] = copy.deepcopy(items)
    return clean


def load_accounts(path: str | Path | None) -> dict[str, list[dict]]:
    """Read an accounts file, or return the default accounts when ``path`` is None."""
    if path is None:
        return default_accounts()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read sandbox accounts {path}: {exc}") from None
    return validate_accounts(data)
