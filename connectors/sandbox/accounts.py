"""Sandbox accounts: the file format, its loader and the demo defaults.

The file is JSON keyed by platform, each a list of accounts (extra fields allowed)::

    {"x": [{"user_id": "1001", "username": "setneg", "consumer_key": "ck",
            "consumer_secret": "cs", "access_token": "at", "access_token_secret": "ats",
            "bearer_tokens": ["u2-token"]}],
     "facebook": [{"page_id": "555", "page_access_token": "pt-555", "name": "…"}],
     "instagram": [{"ig_user_id": "777", "access_token": "ig-777", "username": "…",
                    "container_polls": 1}],
     "telegram": [{"bot_token": "123456:ABC", "chat_id": "@setneg",
                   "chat_numeric_id": -1001234567890, "title": "…"}],
     "wordpress": [{"username": "editor", "application_password": "abcd efgh ijkl"}]}

Instagram's ``container_polls`` is how many status polls a container answers
``IN_PROGRESS`` before ``FINISHED``. A Telegram account is one bot posting to one channel;
it is identified by its ``chat_id``. A WordPress account is one user of the site served
under ``/wp-json/``, identified by its ``username``. The values are sandbox-only
stand-ins, not secrets.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from connectors.errors import ConfigError

PLATFORMS = ("x", "facebook", "instagram", "telegram", "wordpress")
#: The field that identifies an account on each platform.
ID_KEYS = {"x": "user_id", "facebook": "page_id", "instagram": "ig_user_id",
           "telegram": "chat_id", "wordpress": "username"}

DEFAULT_ACCOUNTS: dict[str, list[dict]] = {
    "x": [{
        "user_id": "1001", "username": "setneg", "name": "Setneg Sandbox",
        "consumer_key": "ck", "consumer_secret": "cs",
        "access_token": "at", "access_token_secret": "ats",
        "bearer_tokens": ["u2-token"],
    }],
    "facebook": [{"page_id": "555", "page_access_token": "pt-555", "name": "Setneg Sandbox"}],
    "instagram": [{"ig_user_id": "777", "access_token": "ig-777", "username": "setneg_ri",
                   "name": "Setneg Sandbox", "container_polls": 1}],
    "telegram": [{"bot_token": "123456:ABC", "chat_id": "@setneg",
                  "chat_numeric_id": -1001234567890, "title": "Setneg Sandbox",
                  "bot_username": "setneg_bot"}],
    "wordpress": [{"username": "editor", "application_password": "abcd efgh ijkl",
                   "user_id": 1, "name": "Redaksi Setneg"}],
}


def account_id(platform: str, account: dict) -> str:
    """The identifying value of ``account`` on ``platform``."""
    return str(account.get(ID_KEYS.get(platform, "id"), ""))


#: platform → the account fields a channel's credentials are made of.
CREDENTIAL_FIELDS = {
    "x": ("consumer_key", "consumer_secret", "access_token", "access_token_secret"),
    "facebook": ("page_id", "page_access_token"),
    "instagram": ("ig_user_id", "access_token"),
    "telegram": ("bot_token", "chat_id"),
    "wordpress": ("username", "application_password"),
}


def channel_credentials(platform: str, account: dict, sandbox_url: str | None = None
                        ) -> dict[str, str]:
    """The credentials a Siaran channel needs to reach this sandbox account.

    WordPress credentials include the ``site_url``, which is the sandbox's own URL;
    pass ``sandbox_url`` for them (ConfigError without it).
    """
    try:
        fields = CREDENTIAL_FIELDS[platform]
    except KeyError:
        raise ConfigError(f"no sandbox credentials known for platform {platform!r}") from None
    creds = {k: str(account[k]) for k in fields}
    if platform == "wordpress":
        if not sandbox_url:
            raise ConfigError("WordPress sandbox credentials need the sandbox URL as site_url")
        creds["site_url"] = sandbox_url.rstrip("/")
    return creds


def validate_accounts(data: object) -> dict[str, list[dict]]:
    """Check the accounts shape; ConfigError names what is wrong."""
    if not isinstance(data, dict):
        raise ConfigError("sandbox accounts must be a JSON object keyed by platform")
    clean: dict[str, list[dict]] = {}
    for platform, items in data.items():
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ConfigError(f"sandbox accounts for {platform!r} must be a list of objects")
        for item in items:
            if platform in ID_KEYS and not account_id(platform, item):
                raise ConfigError(f"a {platform} sandbox account lacks {ID_KEYS[platform]!r}")
        clean[str(platform)] = copy.deepcopy(items)
    return clean


def load_accounts(path: str | Path | None) -> dict[str, list[dict]]:
    """Read an accounts file, or return a copy of DEFAULT_ACCOUNTS when ``path`` is None."""
    if path is None:
        return copy.deepcopy(DEFAULT_ACCOUNTS)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read sandbox accounts {path}: {exc}") from None
    return validate_accounts(data)
