"""Who is calling: ``Authorization: Bearer <token>``, checked on every API request.

The request then acts through its own context, as the token's user, carrying the token id
and the client address into the audit log. The API stays closed until an admin user exists
(open mode is for the server's command line only). Failed authentications are throttled per
client address, and sign-ins by password also per user name.
"""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from connectors.errors import NotAuthenticated
from orchestrator.access import accounts, passwords, tokens
from orchestrator.domain.actor import Actor
from orchestrator.runtime.context import Context
from orchestrator.web.problems import ApiClosed, Throttled
from orchestrator.web.throttle import FailureLimiter

bearer = HTTPBearer(auto_error=False, bearerFormat="siaran_…",
                    description="An API token: `siaran token create --user NAME`.")


class Gate:
    """The app's handle on Siaran and its failure counts."""

    def __init__(self, ctx: Context) -> None:
        web = ctx.settings.web
        self.ctx = ctx
        self.failures = FailureLimiter(web.auth_failures, web.auth_window)
        self._open = False

    def require_admin(self) -> None:
        """Refuse while no admin user exists (once one does, it stays so)."""
        if not self._open:
            if not accounts.admin_exists(self.ctx):
                raise ApiClosed("Siaran has no admin user yet, so the HTTP API refuses every "
                                "request; add one on the server: "
                                "`siaran user add NAME --role admin`")
            self._open = True

    def check_throttle(self, *keys: str) -> None:
        wait = self.failures.wait(*keys)
        if wait > 0:
            raise Throttled(f"too many failed authentications; try again in {wait:.0f} s",
                            wait)


def gate_of(request: Request) -> Gate:
    return request.app.state.gate


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def acting(request: Request,
           credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Context:
    """The context of this request: its token's user, the token id, the client address."""
    gate = gate_of(request)
    gate.require_admin()
    address = client_address(request)
    gate.check_throttle(f"address:{address}")
    if credentials is None:
        raise NotAuthenticated("an API token is required: `Authorization: Bearer <token>`")
    try:
        principal = tokens.authenticate(gate.ctx, credentials.credentials)
    except NotAuthenticated:
        gate.failures.failed(f"address:{address}")
        raise
    return gate.ctx.acting_as(Actor(principal.name, token_id=principal.token_id,
                                    origin=address))


def sign_in_by_password(request: Request, ctx: Context, user: str, password: str):
    """The user whose password this is, throttled per client address and per user name:
    every sign-in by password (API token or console session) comes through here."""
    gate = gate_of(request)
    keys = (f"address:{client_address(request)}", f"user:{user}")
    gate.check_throttle(*keys)
    try:
        return passwords.sign_in(ctx, user, password)
    except NotAuthenticated:
        gate.failures.failed(*keys)
        raise


def anonymous(request: Request) -> Context:
    """The context of a request that proves itself otherwise (sign-in by password)."""
    gate = gate_of(request)
    gate.require_admin()
    return gate.ctx.acting_as(Actor("anonymous", origin=client_address(request)))
