"""A local HTTP emulator of the platforms Siaran publishes to.

It speaks each platform's wire format closely enough that the real client libraries
cannot tell, returns the platforms' real error bodies and headers, injects faults on
request, and lists what every account holds — how tests prove "exactly once".
See :mod:`connectors.sandbox.control` for the control API. It emulates every platform of
the registry (:mod:`connectors.sandbox.catalog`); each has its module in
:mod:`connectors.sandbox.platforms`.
"""

from connectors.sandbox.accounts import channel_credentials, default_accounts, load_accounts
from connectors.sandbox.faults import FaultRule
from connectors.sandbox.sandbox import DEFAULT_PORT, Sandbox, serve
from connectors.sandbox.state import LoggedRequest, SandboxState, StoredPost

__all__ = [
    "DEFAULT_PORT", "FaultRule", "LoggedRequest", "Sandbox",
    "SandboxState", "StoredPost", "channel_credentials", "default_accounts",
    "load_accounts", "serve",
]
