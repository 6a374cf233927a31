"""The deliveries desk: what failed, what is unknown, what waits — grouped by error kind and
channel, newest first — and the operator's Retry, Resolve and Cancel.

Retry goes through ``editorial.retrying.retry_checked`` (an unknown delivery asks the
platform first, so a post already there is recorded, never sent twice); Resolve and Cancel
through ``editorial.publishing`` — the functions the CLI and the API call. Retrying a
selection runs one delivery per request, each answer carrying the progress and the next
step, so the bar moves as each is done (without JavaScript: all at once, then the results).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from fastapi.responses import Response

from connectors.errors import SiaranError
from orchestrator.domain.states import DeliveryStatus
from orchestrator.editorial import listing, publishing, retrying, views
from orchestrator.web.console import render
from orchestrator.web.console.post_page import moment
from orchestrator.web.console.session import Visitor, signed_in, writing
from orchestrator.web.sending import relay_after

router = APIRouter(include_in_schema=False)
#: The desk's filters: which delivery states each shows (the first is the default).
FILTERS: dict[str, tuple[str, ...]] = {
    "attention": ("failed", "unknown", "retry_wait", "held"),
    "failed": ("failed",),
    "unknown": ("unknown",),
    "waiting": ("retry_wait", "held"),
}
RETRYABLE = frozenset({"failed", "retry_wait", "missed", "unknown"})
CANCELLABLE = frozenset({"pending", "queued", "retry_wait", "held", "missed"})
#: The most rows one filter shows.
SHOWN_MAX = 500
Filter = Query("attention", pattern="^(" + "|".join(FILTERS) + ")$")


def rows(who: Visitor, status: str) -> tuple[list[dict], bool]:
    """The newest :data:`SHOWN_MAX` deliveries of a filter, newest change first, with their
    post's title; True when there are more than that."""
    found: list[dict] = []
    for state in FILTERS[status]:
        found += listing.deliveries(who.ctx, status=DeliveryStatus(state), limit=SHOWN_MAX + 1)
    found.sort(key=lambda d: (d["updated_at"] or "", d["id"]), reverse=True)
    more = len(found) > SHOWN_MAX
    found = found[:SHOWN_MAX]
    titles = views.post_titles(who.ctx, [d["post_id"] for d in found])
    return [shown(d, titles) for d in found], more


def shown(delivery: dict, titles: dict[int, str]) -> dict:
    return {**delivery, "title": titles.get(delivery["post_id"], ""),
            "updated_at": moment(delivery["updated_at"]),
            "next_attempt_at": moment(delivery["next_attempt_at"]),
            "retryable": delivery["status"] in RETRYABLE,
            "cancellable": delivery["status"] in CANCELLABLE}


def groups(found: list[dict]) -> list[dict]:
    """Rows grouped by (error kind, channel); the group with the newest row first."""
    by_key: dict[tuple[str, str], list[dict]] = {}
    for d in found:
        by_key.setdefault((d["error_kind"] or "", d["channel"]), []).append(d)
    return [{"error_kind": kind, "channel": channel, "rows": members}
            for (kind, channel), members in by_key.items()]


def _values(who: Visitor, status: str) -> dict:
    found, more = rows(who, status)
    return {"which": status, "groups": groups(found), "total": len(found), "more": more,
            "can_act": who.can("operator"), "filters": list(FILTERS)}


@router.get("/deliveries")
def desk(request: Request, status: str = Filter,
         who: Visitor = Depends(signed_in)) -> Response:
    return render.page(request, who, "deliveries.html", notice=None, bulk=None,
                       **_values(who, status))


@router.get("/deliveries/table")
def desk_table(request: Request, status: str = Filter,
               who: Visitor = Depends(signed_in)) -> Response:
    """The groups alone (refreshed after a selection was retried)."""
    return render.page(request, who, "partials/desk_groups.html", **_values(who, status))


def _answer(request: Request, who: Visitor, delivery_id: int, status: str,
            outcome: str) -> Response:
    """After an action: the row again with what happened (htmx), else the desk with it."""
    if request.headers.get("HX-Request"):
        row = shown(views.show_delivery(who.ctx, delivery_id), {})
        row["title"] = views.post_titles(who.ctx, [row["post_id"]])[row["post_id"]]
        return render.page(request, who, "partials/desk_row.html", d=row, outcome=outcome,
                           can_act=who.can("operator"), which=status,
                           announce=True)
    return render.page(request, who, "deliveries.html", bulk=None,
                       notice={"id": delivery_id, "outcome": outcome}, **_values(who, status))


@router.post("/deliveries/{delivery_id:int}/retry")
def retry(request: Request, delivery_id: int, tasks: BackgroundTasks,
          status: str = Form("attention"), who: Visitor = Depends(writing)) -> Response:
    outcome = retrying.retry_checked(who.ctx, delivery_id)
    relay_after(tasks, who.ctx)
    return _answer(request, who, delivery_id, _known(status), outcome)


@router.post("/deliveries/{delivery_id:int}/resolve")
def resolve(request: Request, delivery_id: int, outcome: str = Form(pattern="^(published|failed)$"),
            permalink: str = Form("", max_length=2000), status: str = Form("attention"),
            who: Visitor = Depends(writing)) -> Response:
    publishing.resolve_delivery(who.ctx, delivery_id, published=outcome == "published",
                                permalink=permalink.strip() or None)
    return _answer(request, who, delivery_id, _known(status), f"resolved_{outcome}")


@router.post("/deliveries/{delivery_id:int}/cancel")
def cancel(request: Request, delivery_id: int, status: str = Form("attention"),
           who: Visitor = Depends(writing)) -> Response:
    publishing.cancel_delivery(who.ctx, delivery_id)
    return _answer(request, who, delivery_id, _known(status), "cancelled")


def _known(status: str) -> str:
    return status if status in FILTERS else "attention"


def _one(who: Visitor, delivery_id: int) -> dict:
    """Retry one delivery of a selection; a refusal is a result, not an error page."""
    try:
        outcome, detail = retrying.retry_checked(who.ctx, delivery_id), ""
    except SiaranError as refused:
        outcome, detail = "refused", refused.said
    return {"id": delivery_id, "outcome": outcome, "detail": detail}


@router.post("/deliveries/retry")
def retry_selected(request: Request, tasks: BackgroundTasks,
                   id: Annotated[list[int] | None, Form()] = None,  # noqa: A002
                   status: str = Form("attention"), who: Visitor = Depends(writing)
                   ) -> Response:
    """Retry a selection: with htmx, the first step of the progress; without, all of it."""
    status = _known(status)
    if request.headers.get("HX-Request"):
        return _step(request, who, list(dict.fromkeys(id or [])), [], status)
    done = [_one(who, delivery_id) for delivery_id in dict.fromkeys(id or [])]
    relay_after(tasks, who.ctx)
    return render.page(request, who, "deliveries.html", notice=None,
                       bulk=_progress(done, []), **_values(who, status))


@router.post("/deliveries/retry/next")
def retry_next(request: Request, tasks: BackgroundTasks,
               todo: Annotated[list[int] | None, Form()] = None,
               done: Annotated[list[str] | None, Form()] = None,
               status: str = Form("attention"), who: Visitor = Depends(writing)) -> Response:
    """One more delivery of a selection; ``done`` carries the results so far."""
    results = [_parse(item) for item in done or []]
    todo = todo or []
    if todo:
        results.append(_one(who, todo[0]))
        relay_after(tasks, who.ctx)
        todo = todo[1:]
    return _step(request, who, todo, results, _known(status))


def _step(request: Request, who: Visitor, todo: list[int], results: list[dict],
          status: str) -> Response:
    headers = {} if todo else {"HX-Trigger": "desk-changed"}
    return render.page(request, who, "partials/desk_progress.html", headers=headers,
                       bulk=_progress(results, todo), which=status)


def _progress(results: list[dict], todo: list[int]) -> dict:
    return {"results": results, "todo": todo, "total": len(results) + len(todo),
            "count": len(results), "finished": not todo,
            "carried": [f"{r['id']}:{r['outcome']}:{r['detail']}" for r in results]}


def _parse(item: str) -> dict:
    delivery_id, outcome, detail = (item.split(":", 2) + ["", ""])[:3]
    return {"id": int(delivery_id) if delivery_id.isdigit() else 0, "outcome": outcome,
            "detail": detail}
