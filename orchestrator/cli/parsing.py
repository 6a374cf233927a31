"""Parsing helpers shared by the commands."""

from __future__ import annotations

from connectors.errors import ConfigError
from orchestrator.domain.limits import RateLimit, parse_rate_limit


def pairs(items: list[str], what: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{what} must look like KEY=VALUE, got {item.split('=')[0]!r}...")
        found[key.strip()] = value
    return found


def rate_limits(given: list[str] | None) -> tuple[RateLimit, ...] | None:
    if given is None:
        return None
    if given == ["none"]:
        return ()
    return tuple(parse_rate_limit(text) for text in given)
