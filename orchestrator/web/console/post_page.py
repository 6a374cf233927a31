"""The post page: a post's content, its deliveries with each one's attempts, its audit
trail, and "Publish now" with a confirmation step.

Everything comes from ``editorial.views.show_post`` (what ``siaran post show`` and the API
show); publishing goes through ``editorial.publishing.publish_now``. While a delivery is in
flight the deliveries fragment asks again every second and says what changed in the
page's polite live region; it stops asking when none is.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import RedirectResponse, Response

from orchestrator.editorial import publishing, views
from orchestrator.web.console import render
from orchestrator.web.console.session import Visitor, signed_in, writing
from orchestrator.web.sending import relay_after

router = APIRouter(include_in_schema=False)
#: Delivery states that are still moving: the page keeps asking while one is shown.
IN_FLIGHT = frozenset({"pending", "queued", "sending", "retry_wait"})
#: Post states in which "Publish now" is offered (the service decides).
PUBLISHABLE = frozenset({"approved", "missed", "failed", "partially_published"})
#: Delivery fields that hold a time as ISO text.
TIMES = ("updated_at", "last_attempt_at", "next_attempt_at", "published_at")
HEX = frozenset("0123456789abcdef")


def moment(text: str | None) -> datetime | None:
    """An ISO time from a view, as a datetime (None stays None)."""
    return datetime.fromisoformat(text) if text else None


def with_times(delivery: dict) -> dict:
    """A delivery view with its times as datetimes, for ``fmt``."""
    shown = {**delivery, **{k: moment(delivery.get(k)) for k in TIMES}}
    shown["attempt_log"] = [{**a, "started_at": moment(a["started_at"])}
                            for a in delivery.get("attempt_log", [])]
    return shown


def signature(deliveries: list[dict]) -> str:
    """The deliveries' states in one word, to tell a changed poll from an unchanged one."""
    return ".".join(f"{d['id']}-{d['status']}" for d in deliveries)


def tally(deliveries: list[dict]) -> dict[str, int]:
    """How many deliveries are in each state."""
    counts: dict[str, int] = {}
    for d in deliveries:
        counts[d["status"]] = counts.get(d["status"], 0) + 1
    return counts


def audit_rows(view: dict) -> list[dict]:
    """The post's events and its deliveries', oldest first, times as datetimes."""
    channel = {d["id"]: d["channel"] for d in view["deliveries"]}
    events = [*view["audit"], *(e for d in view["deliveries"] for e in d.get("audit", []))]
    events.sort(key=lambda e: (e["at"], e.get("id", 0)))
    return [{**e, "at": moment(e["at"]),
             "channel": channel.get(e["entity_id"]) if e["entity"] == "delivery" else None,
             "detail": [(k, *detail_value(v)) for k, v in sorted(e["detail"].items())
                        if v not in (None, "", [], {})]}
            for e in events]


def detail_value(value: object) -> tuple[object, bool]:
    """An audit detail as shown, and whether it is a time (shown in the office zone): a
    stored ISO time becomes a datetime, a long digest its first 12 characters."""
    if isinstance(value, str) and len(value) >= 25 and value[4:5] == "-":
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            return value, False
        if found.tzinfo is not None:
            return found, True
    if isinstance(value, str) and len(value) > 40 and all(c in HEX for c in value):
        return value[:12] + "…", False
    return value, False


def _deliveries(view: dict) -> dict:
    shown = [with_times(d) for d in view["deliveries"]]
    return {"deliveries": shown, "live": any(d["status"] in IN_FLIGHT for d in shown),
            "counts": tally(shown), "seen": signature(shown)}


@router.get("/posts/{post_id:int}")
def post_page(request: Request, post_id: int, queued: int | None = None,
              who: Visitor = Depends(signed_in)) -> Response:
    view = views.show_post(who.ctx, post_id)
    return render.page(request, who, "post.html", post=view, moment=moment,
                       events=audit_rows(view), queued=queued, confirming=False,
                       can_publish=who.can("approver") and view["status"] in PUBLISHABLE,
                       announce=None, **_deliveries(view))


@router.get("/posts/{post_id:int}/deliveries")
def deliveries_fragment(request: Request, post_id: int, seen: str = "",
                        who: Visitor = Depends(signed_in)) -> Response:
    """The deliveries section alone (polled while one is in flight); when the states
    changed since ``seen``, a short sentence for the live region too."""
    view = views.show_post(who.ctx, post_id)
    values = _deliveries(view)
    announce = values["counts"] if seen and seen != values["seen"] else None
    return render.page(request, who, "partials/post_deliveries.html", post=view,
                       announce=announce, polled=True, **values)


@router.get("/posts/{post_id:int}/publish")
def confirm_publish(request: Request, post_id: int,
                    who: Visitor = Depends(signed_in)) -> Response:
    """The confirmation step, as a page of its own (htmx takes its section into the post
    page)."""
    view = views.show_post(who.ctx, post_id)
    return render.page(request, who, "post_publish.html", post=view)


@router.post("/posts/{post_id:int}/publish")
def publish(post_id: int, tasks: BackgroundTasks,
            who: Visitor = Depends(writing)) -> Response:
    """Publish now, confirmed: through the same service as ``siaran post publish-now``."""
    queued = publishing.publish_now(who.ctx, post_id)
    relay_after(tasks, who.ctx)
    return RedirectResponse(f"/posts/{post_id}?queued={queued}", status_code=303)
