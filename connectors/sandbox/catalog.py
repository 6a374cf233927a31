"""The emulated platforms: each registered platform's sandbox class, from the registry.

The registry names every platform's emulation by import string; this module resolves them
(the only production-side reader of those strings is the sandbox itself). The classes are
``PlatformAPI`` subclasses (:mod:`connectors.sandbox.platform`), loaded on first use.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from connectors import registry


def platform_api(name: str) -> Any:
    """The sandbox class of platform ``name`` (ConfigError when it is not registered)."""
    return registry.load(registry.get(name).sandbox)


def known(name: str) -> bool:
    """Is ``name`` a registered platform?"""
    return name in registry.names()


def platform_apis() -> tuple[Any, ...]:
    """Every registered platform's sandbox class, in the order requests are offered to them:
    registration order, with the fallbacks (platforms claiming shared paths) last."""
    return _in_routing_order(registry.platforms())


@cache
def _in_routing_order(platforms: tuple[registry.Platform, ...]) -> tuple[Any, ...]:
    classes = [registry.load(p.sandbox) for p in platforms]
    return tuple(sorted(classes, key=lambda cls: cls.fallback))
