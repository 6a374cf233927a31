"""The users and tokens page (admins): users with their roles, adding a user, setting a
password, API tokens (never the token itself), creating one (shown once) and revoking one.

Everything calls the services ``siaran user …`` and ``siaran token …`` call
(``access.accounts``, ``access.passwords``, ``access.tokens``): they refuse anyone but an
admin, validate and audit. A password is checked by the same rules as on the command line;
what is wrong with it is shown next to the field.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from connectors.errors import AlreadyExists, ConfigError, NotFound, ValidationError
from orchestrator.access import accounts, passwords, tokens
from orchestrator.domain.model import ROLES
from orchestrator.web.console import render
from orchestrator.web.console.session import Visitor, signed_in, writing

router = APIRouter(include_in_schema=False)
TokenId = Path(ge=1, le=2**31 - 1)
#: The newest tokens the page lists (every console sign-in adds one).
TOKENS_SHOWN = 200


@router.get("/users")
def users_page(request: Request, added: str = "", password_set: str = "", revoked: int = 0,
               who: Visitor = Depends(signed_in)) -> Response:
    return _page(request, who, added=added, password_set=password_set, revoked=revoked)


def _page(request: Request, who: Visitor, status_code: int = 200, **values) -> Response:
    """The page; ``values`` carry what the last form did or why it was refused."""
    users = accounts.list_users(who.ctx, check=True)
    listed = [_token(t) for t in tokens.list_tokens(who.ctx, newest_first=True,
                                                   limit=TOKENS_SHOWN + 1)]
    shown = {"added": "", "password_set": "", "revoked": 0, "add_error": None,
             "add_name": "", "add_roles": [], "password_errors": [], "password_user": "",
             "token_error": None, **values}
    return render.page(request, who, "users.html", status=status_code, users=users,
                       tokens=listed[:TOKENS_SHOWN], more_tokens=len(listed) > TOKENS_SHOWN,
                       tokens_shown=TOKENS_SHOWN, roles=ROLES, **shown)


def _token(view: dict) -> dict:
    """A token as listed, its times as datetimes for the page's formats."""
    return {**view, **{k: datetime.fromisoformat(view[k]) if view[k] else None
                       for k in ("created_at", "expires_at", "revoked_at")}}


@router.post("/users")
async def add_user(request: Request, name: str = Form(""),
                   who: Visitor = Depends(writing)) -> Response:
    chosen = [r for r in (await request.form()).getlist("roles") if isinstance(r, str)]
    try:
        accounts.add_user(who.ctx, name.strip(), chosen)
    except (ConfigError, ValidationError) as refused:
        status_code = 409 if isinstance(refused, AlreadyExists) else 422
        return _page(request, who, status_code, add_error=refused.said, add_name=name,
                     add_roles=chosen)
    return RedirectResponse(f"/users?added={quote(name.strip(), safe='')}", status_code=303)


@router.post("/users/password")
def set_password(request: Request, name: str = Form(""), password: str = Form(""),
                 who: Visitor = Depends(writing)) -> Response:
    try:
        passwords.set_password(who.ctx, name, password)
    except ValidationError as refused:
        return _page(request, who, 422, password_user=name,
                     password_errors=[p for _field, p in refused.problems])
    except NotFound as missing:
        return _page(request, who, 404, password_user=name, password_errors=[missing.said])
    return RedirectResponse(f"/users?password_set={quote(name, safe='')}", status_code=303)


@router.post("/tokens")
def create_token(request: Request, user: str = Form(""), label: str = Form(""),
                 expires_days: str = Form(""), who: Visitor = Depends(writing)) -> Response:
    _ = render.gettext_for(who.lang)
    days = expires_days.strip()
    if days and not days.isdigit():
        return _page(request, who, 422, token_error=_("The days must be a whole number."))
    try:
        created = tokens.create_token(who.ctx, user, label=label.strip(),
                                      expires_days=int(days) if days else None)
    except (ConfigError, NotFound) as refused:
        return _page(request, who, 422, token_error=refused.said)
    return render.page(request, who, "token_created.html", token=created["token"],
                       token_id=created["id"], user=user, label=label.strip())


@router.get("/tokens/{token_id}/revoke")
def revoke_confirmation(request: Request, token_id: int = TokenId,
                        who: Visitor = Depends(signed_in)) -> Response:
    return render.page(request, who, "token_revoke.html",
                       t=_token(tokens.get_token(who.ctx, token_id)))


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: int = TokenId, who: Visitor = Depends(writing)) -> Response:
    tokens.revoke_token(who.ctx, token_id)
    return RedirectResponse(f"/users?revoked={token_id}", status_code=303)
