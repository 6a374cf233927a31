"""The channels pages: every channel's state, held deliveries, last success and failure and
posting-window usage; pausing, resuming and checking a channel; new credentials after
re-authorising it (write-only fields: a value is never shown back).

Every action calls the service the command line's ``siaran channel …`` calls
(``channels.admin``): it authorises and audits. Resuming relays the released deliveries at
once, as ``siaran channel resume`` does.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from connectors.errors import ConfigError, ValidationError
from orchestrator.channels import admin, status
from orchestrator.web.console import render
from orchestrator.web.console.session import Visitor, signed_in, writing
from orchestrator.web.sending import relay_after

router = APIRouter(include_in_schema=False)
ChannelName = Path(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
#: Credential keys that are addresses, not secrets: shown, and filled in with the current one.
PLAIN_KEYS = frozenset({"site_url"})
#: Form fields carrying a credential are named ``credential-<key>``.
FIELD_PREFIX = "credential-"


def period_words(lang: str):
    """A function naming a window: ``3600`` → "hour", ``900`` → "15 minutes" (for "3 of 10
    in the last hour")."""
    _ = render.gettext_for(lang)

    def words(seconds: int) -> str:
        if seconds % 3600 == 0:
            n = seconds // 3600
            return _("hour") if n == 1 else _("{n} hours").format(n=n)
        if seconds % 60 == 0:
            n = seconds // 60
            return _("minute") if n == 1 else _("{n} minutes").format(n=n)
        return _("{n} seconds").format(n=seconds)
    return words


def _page(request: Request, who: Visitor, template: str, status_code: int = 200,
          **values) -> Response:
    return render.page(request, who, template, status=status_code,
                       period=period_words(who.lang), **values)


@router.get("/channels")
def channel_list(request: Request, who: Visitor = Depends(signed_in)) -> Response:
    return _page(request, who, "channels.html", statuses=status.channel_statuses(who.ctx))


@router.get("/channels/{name}")
def channel_page(request: Request, name: str = ChannelName, updated: bool = False,
                 who: Visitor = Depends(signed_in)) -> Response:
    return _detail(request, who, name, updated=updated)


def _detail(request: Request, who: Visitor, name: str, *, status_code: int = 200,
            updated: bool = False, error: str | None = None, check: dict | None = None
            ) -> Response:
    found = status.channel_status(who.ctx, name)
    fields = status.credential_fields(found.channel.platform)
    return _page(request, who, "channel.html", status_code, s=found,
                       fields=fields, plain_keys=PLAIN_KEYS, prefix=FIELD_PREFIX,
                       updated=updated, error=error, check=check)


@router.post("/channels/{name}/pause")
async def pause(request: Request, name: str = ChannelName,
                who: Visitor = Depends(writing)) -> Response:
    admin.pause(who.ctx, name)
    return await _changed(request, who, name, "paused")


@router.post("/channels/{name}/resume")
async def resume(request: Request, tasks: BackgroundTasks, name: str = ChannelName,
                 who: Visitor = Depends(writing)) -> Response:
    _channel, released = admin.resume(who.ctx, name)
    relay_after(tasks, who.ctx)
    return await _changed(request, who, name, "resumed", released)


async def _changed(request: Request, who: Visitor, name: str, done: str,
                   released: int = 0) -> Response:
    """The changed row (or state panel) for htmx; else back to the page it came from."""
    view = (await request.form()).get("view")
    if not request.headers.get("HX-Request"):
        target = "/channels" if view == "row" else f"/channels/{quote(name, safe='')}"
        return RedirectResponse(target, status_code=303)
    template = "partials/channel_row.html" if view == "row" else "partials/channel_state.html"
    return _page(request, who, template, s=status.channel_status(who.ctx, name),
                 done=done, released=released, check=None)


@router.post("/channels/{name}/check")
def check(request: Request, name: str = ChannelName,
          who: Visitor = Depends(writing)) -> Response:
    result = admin.check(who.ctx, name)
    if request.headers.get("HX-Request"):
        return render.page(request, who, "partials/channel_check.html", check=result)
    return _detail(request, who, name, check=result)


@router.post("/channels/{name}/credentials")
async def update_credentials(request: Request, name: str = ChannelName,
                             who: Visitor = Depends(writing)) -> Response:
    form = await request.form()
    given = {key.removeprefix(FIELD_PREFIX): value.strip() for key, value in form.items()
             if key.startswith(FIELD_PREFIX) and isinstance(value, str) and value.strip()}
    if not given:
        _ = render.gettext_for(who.lang)
        return _detail(request, who, name, status_code=422,
                       error=_("Fill in the new credentials first."))
    try:
        admin.update_channel(who.ctx, name, credentials=given)
    except (ConfigError, ValidationError) as refused:
        # the form comes back empty: a value given is never sent back to the browser
        return _detail(request, who, name, status_code=422, error=refused.said)
    return RedirectResponse(f"/channels/{quote(name, safe='')}?updated=1", status_code=303)
