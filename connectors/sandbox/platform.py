"""What each emulated platform provides to the sandbox: its wire format, its accounts and
its faults.

A platform module subclasses :class:`PlatformAPI`, implements :meth:`~PlatformAPI.handles`,
:meth:`~PlatformAPI.identify` and :meth:`~PlatformAPI.dispatch`, and declares as class
attributes how its accounts look (the field that identifies one, the fields a channel's
credentials are made of, a demo account and a test account whose secrets all contain
``SECRET``) and how it fails (the outage fault tests use, whether it refuses duplicates).
The answer to an injected fault is built by :meth:`~PlatformAPI.fault_answer` from small
hooks with defaults; a platform overrides the ones whose answer differs.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, ClassVar

from connectors.sandbox.faults import FaultRule
from connectors.sandbox.state import SandboxState
from connectors.sandbox.wire import Request, Response

#: (platform, account id) of an authenticated caller.
Identity = tuple[str, str]


class PlatformAPI:
    """One platform's emulation. Subclasses implement the three request hooks and set the
    declarations below; the fault hooks have defaults."""

    name: ClassVar[str] = ""
    #: How people write the platform's name.
    title: ClassVar[str] = ""

    # accounts ----------------------------------------------------------------------------
    #: The account field that identifies an account.
    id_key: ClassVar[str] = "id"
    #: The account fields a channel's credentials are made of.
    credential_fields: ClassVar[tuple[str, ...]] = ()
    #: The account ``siaran demo`` and a sandbox started without accounts use.
    demo_account: ClassVar[dict[str, Any]] = {}
    #: The demo channel's name on this platform.
    demo_channel: ClassVar[str] = ""
    #: A second account for tests: every secret in it (token, password) contains ``SECRET``,
    #: so tests can prove that none ever appears in an error, a log line or a page.
    test_account: ClassVar[dict[str, Any]] = {}

    # routing and faults --------------------------------------------------------------------
    #: True when :meth:`handles` claims requests another platform may share (Facebook takes
    #: every Graph path, Instagram only its own tokens'): such platforms are asked last.
    fallback: ClassVar[bool] = False
    #: ``"METHOD /path"`` pattern of the request that makes a post visible (the one
    #: ``commit_then_*`` faults are aimed at).
    publish_endpoint: ClassVar[str] = ""
    #: The fault that stands for the platform being down: retryable, nothing stored.
    outage: ClassVar[dict[str, Any]] = {"kind": "status", "status": 503}
    #: Does the real platform refuse a post repeating one the account holds (X, Facebook)?
    #: Its ``duplicate`` fault must then reach the connector as DuplicateContent.
    refuses_duplicates: ClassVar[bool] = True
    #: Fault kinds the real platform never answers with, and why.
    unsupported_faults: ClassVar[dict[str, str]] = {}
    #: Fault kinds only this platform understands (Instagram's container faults).
    own_faults: ClassVar[tuple[str, ...]] = ()
    #: Default ``reset_in`` seconds of ``rate_limit`` and ``quota_exhausted`` faults.
    rate_limit_reset: ClassVar[float] = 60
    quota_reset: ClassVar[float] = 3600
    #: Statuses a ``status`` fault answers with an HTML page even without ``html``.
    html_statuses: ClassVar[tuple[int, ...]] = ()

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    # account declarations, as functions -----------------------------------------------------
    @classmethod
    def account_id(cls, account: dict) -> str:
        """The identifying value of ``account``."""
        return str(account.get(cls.id_key, ""))

    @classmethod
    def channel_credentials(cls, account: dict, sandbox_url: str | None) -> dict[str, str]:
        """The credentials a Siaran channel needs to reach ``account`` on this sandbox."""
        return {k: str(account[k]) for k in cls.credential_fields}

    # requests -------------------------------------------------------------------------------
    def handles(self, req: Request) -> bool:
        """Is this request one of this platform's (by path, and for Graph by token)?"""
        raise NotImplementedError

    def identify(self, req: Request) -> Identity | Response:
        """Who is calling, or the platform's refusal (bad version, bad credentials)."""
        raise NotImplementedError

    def dispatch(self, req: Request, who: Identity) -> Response:
        """Serve the request for an authenticated caller."""
        raise NotImplementedError

    def logged_path(self, path: str) -> str:
        """``path`` as the request log keeps it (platforms with secrets in paths mask them)."""
        return path

    # faults ---------------------------------------------------------------------------------
    def fault_answer(self, rule: FaultRule, req: Request, who: Identity) -> Response:
        """The platform's real answer for an answering fault (``faults.ANSWERING_KINDS``)."""
        p = rule.params
        if rule.kind == "rate_limit":
            return self.rate_limited(float(p.get("reset_in", self.rate_limit_reset)), rule, who)
        if rule.kind == "quota_exhausted":
            return self.quota_exhausted(float(p.get("reset_in", self.quota_reset)), rule, who)
        if rule.kind == "expired_token":
            return self.token_expired(rule)
        if rule.kind == "duplicate":
            return self.duplicate(rule)
        status = int(p["status"]) if p.get("status") is not None else None
        if p.get("html") or status in self.html_statuses:
            return self.html_error(status)
        return self.error_answer(status, rule)

    def error(self, status: int, message: str, headers: dict[str, str] | None = None
              ) -> Response:
        """The platform's error body: every default fault answer is built on it."""
        return Response.json(status, {"error": message}, headers)

    def rate_limited(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        """Too many requests; the platform tells to wait ``wait`` seconds."""
        return self.error(429, "Too Many Requests", {"retry-after": str(int(wait))})

    def quota_exhausted(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        """The daily posting quota is used up for ``wait`` seconds."""
        return self.rate_limited(wait, rule, who)

    def token_expired(self, rule: FaultRule) -> Response:
        """The credentials were revoked or expired."""
        return self.error(401, "Unauthorized")

    def duplicate(self, rule: FaultRule) -> Response:
        """The account already holds this post."""
        return self.error(422, "Duplicate content")

    def error_answer(self, status: int | None, rule: FaultRule) -> Response:
        """A ``status`` fault: the platform's error for ``status`` (default 500)."""
        status = status or 500
        return self.error(status, str(rule.params.get("message") or HTTPStatus(status).phrase))

    def html_error(self, status: int | None) -> Response:
        """An HTML error page, as a proxy in front of the platform answers."""
        status = status or 500
        return Response.text(status, f"<html><body><h1>{status}</h1></body></html>", "text/html")
