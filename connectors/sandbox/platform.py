"""What each emulated platform provides to the sandbox server."""

from __future__ import annotations

from connectors.sandbox.faults import FaultRule
from connectors.sandbox.state import SandboxState
from connectors.sandbox.wire import Request, Response

#: (platform, account id) of an authenticated caller.
Identity = tuple[str, str]


class PlatformAPI:
    """One platform's wire format. Subclasses implement the four hooks below."""

    name: str = ""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def handles(self, req: Request) -> bool:
        """Is this request one of this platform's (by path, and for Graph by token)?"""
        raise NotImplementedError

    def identify(self, req: Request) -> Identity | Response:
        """Who is calling, or the platform's refusal (bad version, bad credentials)."""
        raise NotImplementedError

    def fault_answer(self, rule: FaultRule, req: Request, who: Identity) -> Response:
        """The platform's real answer for an answering fault (see ``faults.ANSWERING_KINDS``)."""
        raise NotImplementedError

    def dispatch(self, req: Request, who: Identity) -> Response:
        """Serve the request for an authenticated caller."""
        raise NotImplementedError
