"""Where a channel's credentials may be sent: its ``api_base`` and a WordPress ``site_url``.

Credentials travel in the requests (bearer tokens, a bot token in the path, basic auth), so
the host must be reached over ``https://``. Plain ``http://`` is accepted for loopback
hosts (the sandbox, a local staging copy) and otherwise only with an explicit
``allow_insecure`` that the audit log records. A URL never carries credentials itself.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from connectors.errors import ConfigError
from connectors.wording import Said

#: Credential keys that hold the address the credentials are sent to.
URL_KEYS = ("site_url",)
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_url(url: str, what: str, *, allow_insecure: bool = False) -> str:
    """``url`` without a trailing slash, if credentials may be sent there."""
    parts = urlsplit(url.strip())
    if parts.username is not None or parts.password is not None:
        raise ConfigError(Said("{what} must not carry a user name or password; give those "
                               "as credentials", what=what))
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(Said("{what} must be an http(s) URL, got {url!r}", what=what,
                               url=url))
    if scheme == "http" and not is_loopback(parts.hostname) and not allow_insecure:
        raise ConfigError(Said(
            "{what} must use https://: {host} is not a loopback host, and plain http would "
            "send the channel's credentials in clear text (for a test host, "
            "--allow-insecure-host; the audit log records it)", what=what,
            host=parts.hostname))
    return url.strip().rstrip("/")


def is_insecure(url: str | None) -> bool:
    """True for a plain-http URL to a host that is not loopback."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() == "http" and not is_loopback(parts.hostname or "")


def checked_credentials(credentials: dict[str, str], *, allow_insecure: bool = False
                        ) -> dict[str, str]:
    """The credentials with every address in them checked like an ``api_base``."""
    found = dict(credentials)
    for key in URL_KEYS:
        if found.get(key):
            found[key] = checked_url(found[key], Said("credential {key}", key=key),
                                     allow_insecure=allow_insecure)
    return found
