"""``/api/v1/users``, ``/api/v1/tokens``, ``/api/v1/me`` and sign-in by password.

Users and tokens are managed by admins; every user may set their own password and revoke
their own tokens. Signing in with a password gives a token; failures are throttled per client
address and per user name.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request, Response

from orchestrator.access import accounts, passwords, tokens
from orchestrator.domain.actor import Actor
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting, anonymous, client_address, sign_in_by_password
from orchestrator.web.paging import Page, page, paged
from orchestrator.web.problems import responses
from orchestrator.web.schemas import (
    Me,
    PasswordIn,
    SignIn,
    TokenCreated,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
)

router = APIRouter(prefix="/api/v1", tags=["accounts"])
UserName = Path(min_length=1, max_length=100, pattern=r"^\S+$", description="a user name")
TokenId = Path(ge=1, le=2**31 - 1, description="the token's id")


@router.get("/me", response_model=Me, responses=responses(401, 429, 503))
def me(ctx: Context = Depends(acting)) -> dict:
    """Who this token acts as, with which roles."""
    with_roles = {u["name"]: u["roles"] for u in accounts.list_users(ctx)}
    return {"name": str(ctx.user), "roles": with_roles.get(str(ctx.user), []),
            "token_id": ctx.user.token_id}


@router.get("/users", response_model=list[UserOut], responses=responses(401, 403, 429, 503))
def list_users(ctx: Context = Depends(acting)) -> list[dict]:
    """Every user and their roles (admins)."""
    return accounts.list_users(ctx, check=True)


@router.post("/users", status_code=201, response_model=UserOut,
             responses=responses(401, 403, 409, 422, 429, 503))
def add_user(body: UserIn, ctx: Context = Depends(acting)) -> dict:
    """Add a user (admins)."""
    return accounts.add_user(ctx, body.name, body.roles)


@router.put("/users/{name}/password", status_code=204, response_class=Response,
            responses=responses(401, 403, 404, 422, 429, 503))
def set_password(body: PasswordIn, name: str = UserName,
                 ctx: Context = Depends(acting)) -> Response:
    """Set a password (one's own, or anyone's as an admin)."""
    passwords.set_password(ctx, name, body.password)
    return Response(status_code=204)


@router.get("/tokens", response_model=list[TokenOut],
            responses={**responses(401, 403, 429, 503), **paged("tokens")})
def list_tokens(request: Request, response: Response, ctx: Context = Depends(acting),
                paging: Page = Depends(page)) -> list[dict]:
    """Every API token, never the token itself (admins)."""
    found = tokens.list_tokens(ctx, limit=paging.ask, offset=paging.offset)
    return paging.cut(found, request, response)


@router.post("/tokens", status_code=201, response_model=TokenCreated,
             responses=responses(401, 403, 404, 422, 429, 503))
def create_token(body: TokenIn, ctx: Context = Depends(acting)) -> dict:
    """A new token acting as a user (admins); shown once."""
    return tokens.create_token(ctx, body.user, label=body.label,
                               expires_days=body.expires_days)


@router.delete("/tokens/{token_id}", response_model=TokenOut,
               responses=responses(401, 403, 404, 409, 429, 503))
def revoke_token(token_id: int = TokenId, ctx: Context = Depends(acting)) -> dict:
    """Revoke a token (one's own, or anyone's as an admin)."""
    return tokens.revoke_token(ctx, token_id)


@router.post("/auth/token", status_code=201, response_model=TokenCreated,
             responses=responses(401, 422, 429, 503), openapi_extra={"security": []})
def sign_in(body: SignIn, request: Request, ctx: Context = Depends(anonymous)) -> dict:
    """A token for a user who gives their password."""
    principal = sign_in_by_password(request, ctx, body.user, body.password)
    me_ctx = ctx.acting_as(Actor(principal.name, origin=client_address(request)))
    return tokens.sign_in_token(me_ctx, principal, label=body.label,
                                expires_days=body.expires_days)
