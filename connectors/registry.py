"""Platform name → connector class. Adding a platform is one line here."""

from __future__ import annotations

from collections.abc import Mapping

from connectors.base import DEFAULT_TIMEOUT, Connector
from connectors.errors import ConfigError
from connectors.platforms.facebook import FacebookConnector
from connectors.platforms.instagram import InstagramConnector
from connectors.platforms.telegram import TelegramConnector
from connectors.platforms.wordpress import WordPressConnector
from connectors.platforms.x import XConnector

CONNECTORS: dict[str, type[Connector]] = {
    "x": XConnector,
    "facebook": FacebookConnector,
    "instagram": InstagramConnector,
    "telegram": TelegramConnector,
    "wordpress": WordPressConnector,
}


def build_connector(
    platform: str,
    credentials: Mapping[str, str],
    api_base: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Connector:
    """Build the connector of ``platform`` for one channel; ConfigError if unknown."""
    try:
        cls = CONNECTORS[platform]
    except KeyError:
        known = ", ".join(sorted(CONNECTORS))
        raise ConfigError(f"unknown platform {platform!r}; known: {known}") from None
    return cls(credentials=credentials, api_base=api_base, timeout=timeout)
