"""The one list of platforms. Adding a platform is one line in :data:`BUILT_IN`.

Each :class:`Platform` names its connector class and its sandbox emulation by import string
(``"module:Class"``), loaded on first use: listing the platforms imports no client library.
Everything that lists platforms derives from here: channel checks, queues and actors, the
sandbox's routes and accounts, the test fixtures and the contract test. The ``sandbox``
string is resolved only by the sandbox and the tests; production code never imports it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from connectors.errors import ConfigError
from connectors.wording import Said

if TYPE_CHECKING:  # the contract's module imports the HTTP stack; listing names needs none
    from connectors.base import Connector


@dataclass(frozen=True)
class Platform:
    """One platform: its registry name, connector and sandbox emulation (import strings)."""

    name: str
    connector: str
    sandbox: str

    def connector_class(self) -> type[Connector]:
        """The connector class, imported on first use."""
        return load(self.connector)


BUILT_IN = (
    Platform("x", connector="connectors.platforms.x:XConnector",
             sandbox="connectors.sandbox.platforms.x:XAPI"),
    Platform("facebook", connector="connectors.platforms.facebook:FacebookConnector",
             sandbox="connectors.sandbox.platforms.facebook:GraphAPI"),
    Platform("instagram", connector="connectors.platforms.instagram:InstagramConnector",
             sandbox="connectors.sandbox.platforms.instagram:InstagramAPI"),
    Platform("telegram", connector="connectors.platforms.telegram:TelegramConnector",
             sandbox="connectors.sandbox.platforms.telegram:TelegramAPI"),
    Platform("wordpress", connector="connectors.platforms.wordpress:WordPressConnector",
             sandbox="connectors.sandbox.platforms.wordpress:WordPressAPI"),
)
_platforms: dict[str, Platform] = {p.name: p for p in BUILT_IN}


@cache
def load(ref: str) -> Any:
    """The object an import string ``"package.module:name"`` names (imported once)."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def platforms() -> tuple[Platform, ...]:
    """Every registered platform, in registration order."""
    return tuple(_platforms.values())


def names() -> tuple[str, ...]:
    """The registered platform names, in registration order."""
    return tuple(_platforms)


def get(name: str) -> Platform:
    """The platform called ``name``; ConfigError naming the known ones otherwise."""
    try:
        return _platforms[name]
    except KeyError:
        known = ", ".join(sorted(_platforms))
        raise ConfigError(Said("unknown platform {platform!r}; known: {known}",
                               platform=name, known=known)) from None


def connector_class(name: str) -> type[Connector]:
    """The connector class of platform ``name`` (ConfigError if unknown)."""
    return get(name).connector_class()


def register(platform: Platform) -> None:
    """Add a platform (ConfigError when the name is taken)."""
    if platform.name in _platforms:
        raise ConfigError(f"platform {platform.name!r} is already registered")
    _platforms[platform.name] = platform


def unregister(name: str) -> None:
    """Remove a platform added with :func:`register`."""
    _platforms.pop(name, None)


@contextmanager
def registered(platform: Platform) -> Iterator[Platform]:
    """``platform`` registered for the duration of the block (tests, trials)."""
    register(platform)
    try:
        yield platform
    finally:
        unregister(platform.name)


class _Connectors(Mapping[str, Any]):
    """Platform name → connector class, each class imported when it is first looked up."""

    def __getitem__(self, name: str) -> type[Connector]:
        if name not in _platforms:
            raise KeyError(name)
        return _platforms[name].connector_class()

    def __contains__(self, name: object) -> bool:
        return name in _platforms

    def __iter__(self) -> Iterator[str]:
        return iter(names())

    def __len__(self) -> int:
        return len(_platforms)

    def __repr__(self) -> str:
        return f"CONNECTORS({', '.join(_platforms)})"


#: Platform name → connector class, read-only and lazy; iterating lists names only.
CONNECTORS: Mapping[str, type[Connector]] = _Connectors()


def build_connector(
    platform: str,
    credentials: Mapping[str, str],
    api_base: str | None = None,
    timeout: float | None = None,
) -> Connector:
    """Build the connector of ``platform`` for one channel (``timeout``: seconds per
    request, the contract's default when None); ConfigError if unknown."""
    cls = connector_class(platform)
    if timeout is None:
        return cls(credentials=credentials, api_base=api_base)
    return cls(credentials=credentials, api_base=api_base, timeout=timeout)
