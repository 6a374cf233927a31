"""The connectors of a process, built once per channel and kept.

A worker keeps one connector per channel so that its HTTP connections stay open and its
account look-ups (X's ``users/me``) are made once; approval checks and reconciliation use
the same cache.
"""

from __future__ import annotations

from connectors.base import Connector
from connectors.registry import build_connector
from orchestrator.domain.model import Channel
from orchestrator.runtime.context import Context

#: Connectors kept per process: their HTTP sessions stay open and their account lookups
#: (X's users/me) are made once. Keyed by everything that builds one, so a changed
#: credential or API base builds a new one.
_CONNECTORS: dict[tuple, Connector] = {}
_CONNECTORS_MAX = 256


def connector_for(ctx: Context, channel: Channel, sealed: str) -> Connector:
    key = (channel.id, channel.platform, channel.api_base, sealed, ctx.settings.http_timeout)
    connector = _CONNECTORS.get(key)
    if connector is None:
        if len(_CONNECTORS) >= _CONNECTORS_MAX:
            _CONNECTORS.clear()
        connector = build_connector(channel.platform, ctx.box.open(sealed),
                                    api_base=channel.api_base, timeout=ctx.settings.http_timeout)
        _CONNECTORS[key] = connector
    return connector
