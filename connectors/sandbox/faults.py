"""Fault rules: what the sandbox does wrong on purpose, for whom, how many times.

A rule, as given to ``POST /_sandbox/faults``::

    {"platform": "x", "account": "1001", "endpoint": "POST /2/tweets",
     "kind": "status", "count": 1, "params": {"status": 503}}

- ``platform`` (required) and ``account`` (optional) select the requests.
- ``endpoint`` (optional) is a regular expression searched in ``"METHOD /path"``.
- ``count``: how many matching requests it affects; absent or null = until cleared.
- ``kind`` and its ``params``:
  ``status``            answer with the platform's real error for ``params.status`` and/or
                        ``params.code`` (Graph); ``params.html`` answers an HTML page instead
  ``rate_limit``        the platform's rate-limit answer; ``params.reset_in`` seconds
                        (X also ``params.scope`` = ``"user24h"``), Graph ``params.code``
  ``expired_token``     the platform's expired/revoked-token answer (Graph 190/463, or
                        ``params.subcode``; X and Telegram 401; WordPress incorrect_password)
  ``duplicate``         the platform's duplicate-content refusal (X 403, Graph 506,
                        WordPress ``rest_post_exists``); refused for platforms that have
                        none (``PlatformAPI.unsupported_faults``: Instagram, Telegram)
  ``quota_exhausted``   the platform's daily-quota answer (X 24-hour cap, Graph code 4 with
                        usage headers, Instagram 9/2207042, Telegram 429 with a long
                        retry_after, WordPress 429); ``params.reset_in`` seconds
  ``latency``           wait ``params.seconds``, then answer normally
  ``commit_then_hang``  do the work (store the post), answer after ``params.seconds``
  ``commit_then_drop``  do the work, then close the connection without answering
  ``container_stuck``   Instagram: the next container created stays ``IN_PROGRESS``
  ``container_error``   Instagram: the next container created ends ``ERROR`` (or
                        ``params.status_code`` = ``"EXPIRED"``)

Container faults only match the request that creates a container (``POST …/media``), and
only a platform that declares them (``PlatformAPI.own_faults``) accepts them. How each
platform answers a fault is its sandbox module's business (:mod:`connectors.sandbox.platform`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from connectors.errors import ConfigError
from connectors.sandbox import catalog

ANSWERING_KINDS = ("status", "rate_limit", "expired_token", "duplicate", "quota_exhausted")
CONTAINER_KINDS = ("container_stuck", "container_error")
KINDS = (*ANSWERING_KINDS, "latency", "commit_then_hang", "commit_then_drop", *CONTAINER_KINDS)


@dataclass
class FaultRule:
    """One injected fault."""

    platform: str
    kind: str
    account: str | None = None
    endpoint: str | None = None
    count: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    id: int = 0
    hits: int = 0

    def matches(self, platform: str, account: str | None, method: str, path: str) -> bool:
        if self.platform != platform:
            return False
        if self.account is not None and self.account != account:
            return False
        if self.kind in CONTAINER_KINDS and not (method == "POST" and path.endswith("/media")):
            return False
        return self.endpoint is None or re.search(self.endpoint, f"{method} {path}") is not None

    @property
    def spent(self) -> bool:
        return self.count is not None and self.hits >= self.count

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_platform(platform: str, kind: str) -> None:
    """ConfigError when ``platform`` never answers with faults of ``kind``."""
    unsupported = catalog.platform_api(platform).unsupported_faults if catalog.known(
        platform) else {}
    if kind in unsupported:
        raise ConfigError(f"no {kind} fault for {platform}: {unsupported[kind]}")
    owners = [api for api in catalog.platform_apis() if kind in api.own_faults]
    if kind in CONTAINER_KINDS and platform not in [api.name for api in owners]:
        titles = " and ".join(api.title for api in owners) or "no platform's"
        raise ConfigError(f"{kind} applies to {titles} containers only")


def parse_rule(data: Any) -> FaultRule:
    """Build a rule from its JSON form; ConfigError explains a bad one."""
    if not isinstance(data, dict):
        raise ConfigError("a fault rule is a JSON object")
    kind, platform = data.get("kind"), data.get("platform")
    if kind not in KINDS:
        raise ConfigError(f"fault kind must be one of {', '.join(KINDS)}")
    if not isinstance(platform, str) or not platform:
        raise ConfigError("a fault rule needs a platform")
    _check_platform(platform, kind)
    count = data.get("count")
    if count is not None and (not isinstance(count, int) or count < 1):
        raise ConfigError("count must be a positive integer or null")
    endpoint = data.get("endpoint")
    if endpoint is not None:
        try:
            re.compile(endpoint)
        except (re.error, TypeError) as exc:
            raise ConfigError(f"endpoint is not a valid pattern: {exc}") from None
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise ConfigError("params must be an object")
    account = data.get("account")
    return FaultRule(
        platform=platform, kind=kind, account=None if account is None else str(account),
        endpoint=endpoint, count=count, params=params,
    )
