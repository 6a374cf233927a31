"""The calendar page: a month, a week or a list of the posts of a period, each a tile in its
pillar's colour with a badge per channel, filters, and the period's pillar mix.

Everything it shows comes from the functions the command line and the API call:
``schedules.calendar.calendar`` (the posts, three queries whatever the period holds),
``schedules.mix.mix`` and the pillar and channel lists.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from connectors.errors import NotFound
from orchestrator.channels.views import list_channels
from orchestrator.domain.pillars import Pillar
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.domain.states import PostStatus as P
from orchestrator.web.console import colours, i18n, pillar_names, render
from orchestrator.web.console.periods import VIEWS, Period, parse_day, period
from orchestrator.web.console.session import Visitor, signed_in
from schedules import calendar as calendar_views
from schedules.mix import mix
from schedules.pillars import list_pillars

router = APIRouter(include_in_schema=False)

#: What a tile shows of each delivery state: the states the office follows.
SHOWN = {D.PENDING: "scheduled", D.QUEUED: "scheduled", D.SENDING: "publishing",
         D.RETRY_WAIT: "publishing", D.PUBLISHED: "published", D.FAILED: "failed",
         D.UNKNOWN: "unknown", D.HELD: "held", D.MISSED: "missed", D.CANCELLED: "cancelled"}
#: The states the filter offers, and the delivery states each one stands for.
FILTER_STATES = {shown: frozenset(d for d, s in SHOWN.items() if s == shown)
                 for shown in dict.fromkeys(SHOWN.values())}
#: Every state a tile's badge may show: a delivery's, or the post's while it has none.
BADGES = frozenset(SHOWN.values()) | {s.value for s in P}
#: The query the page understands; any other is dropped (the page repeats its address).
ASKED = frozenset({"view", "date", "channel", "pillar", "status", "lang"})
#: A month's page is large and mostly repeated markup: gzip makes it a tenth.
GZIP_OVER = 4096
#: States a tile must not let anyone miss: a red ring, an icon and the reason.
ALARMING = frozenset({"failed", "unknown"})
CACHE_FOREVER = "private, max-age=31536000, immutable"


@dataclass
class Tile:
    id: int
    title: str
    time: str
    iso: str
    pillar: str
    css: str
    #: (channel, shown state) for each channel, by channel name.
    channels: list[tuple[str, str]]
    #: Why deliveries failed or are unknown (the platform's words), one line per channel.
    reasons: list[str] = field(default_factory=list)

    @property
    def alarming(self) -> bool:
        return bool(self.reasons)


@router.get("/calendar")
def calendar_page(request: Request, who: Visitor = Depends(signed_in), view: str = "month",
                  date: str | None = None, channel: str | None = None,  # noqa: A002
                  pillar: str | None = None, status: str | None = None) -> Response:
    """The calendar of the period the address names (this month by default)."""
    fmt = who.formats
    today = datetime.now(fmt.zone).date()
    shown = period(view if view in VIEWS else "month", parse_day(date, today))
    channel, pillar = channel or None, pillar or None
    status = status if status in FILTER_STATES else None
    canonical = _canonical(request, shown, date, channel, pillar, status)
    if canonical is not None:
        return RedirectResponse(canonical, status_code=303)
    channels = [c.name for c in list_channels(who.ctx)]
    pillars = list_pillars(who.ctx)
    if channel is not None and channel not in channels:
        raise NotFound(f"no channel named {channel[:100]!r}")
    if pillar is not None and pillar not in {p.name for p in pillars}:
        raise NotFound(f"no pillar named {pillar[:100]!r}")
    start, end = shown.bounds(fmt.zone)
    posts = calendar_views.calendar(
        who.ctx, start, end, channel=channel, pillar=pillar,
        delivery_status=FILTER_STATES[status] if status else None)
    classes = {p.name: f"p{i}" for i, p in enumerate(pillars)}
    labels = pillar_names.labels(pillars, who.lang)
    _ = render.gettext_for(who.lang)
    by_day: dict[date, list[Tile]] = {}
    for post in posts:
        tile = _tile(post, classes, labels, _)
        by_day.setdefault(date_of(post["scheduled_at"]), []).append(tile)
    filters = {"channel": channel, "pillar": pillar, "status": status}
    badge = render.environment(who.lang).get_template("partials/calendar_tile.html").module.chip
    page = render.page(
        request, who, "calendar.html", period=shown, today=today, by_day=by_day,
        count=len(posts), filters=filters, links=_links(shown, today, filters),
        channels=channels, badges={state: badge(state) for state in BADGES},
        pillars=[(p.name, labels[p.name]) for p in pillars],
        states=list(FILTER_STATES), mix=mix(who.ctx, start, end, channel=channel),
        pillar_labels=labels, pillar_classes=classes,
        pillar_css=f"/calendar/pillars.css?v={_version(pillars)}",
        zone=fmt.zone_name(start), zone_key=str(fmt.zone))
    return compressed(request, page)


@router.get("/calendar/pillars.css")
def pillar_stylesheet(who: Visitor = Depends(signed_in)) -> Response:
    """The pillars' tile colours (the address carries their version: cached for good)."""
    css = colours.stylesheet([p.color or colours.derived(p.name)
                              for p in list_pillars(who.ctx)])
    return Response(css, media_type="text/css", headers={"Cache-Control": CACHE_FOREVER,
                                                         "X-Content-Type-Options": "nosniff"})


def _canonical(request: Request, shown: Period, asked_day: str | None, channel: str | None,
               pillar: str | None, status: str | None) -> str | None:
    """The page's own address when the one asked differs (an unknown parameter, an
    unknown view or status, a date written otherwise), else None: the page repeats its
    address in its language links, and repeats only what it has checked."""
    query = [("view", shown.view)] if "view" in request.query_params else []
    if asked_day:
        query.append(("date", shown.day.isoformat()))
    query += [(k, v) for k, v in (("channel", channel), ("pillar", pillar), ("status", status))
              if v]
    query += [(k, v) for k, v in request.query_params.multi_items()
              if k == "lang" and v in i18n.LANGUAGES][:1]
    asked = [(k, v) for k, v in request.query_params.multi_items() if v or k not in ASKED]
    if sorted(asked) == sorted(query):
        return None
    return "/calendar" + ("?" + urlencode(query) if query else "")


def compressed(request: Request, page: Response) -> Response:
    """The page gzipped when the browser takes it and it is large. Only this page is: it
    repeats nothing of its address that is not checked against known values (channels,
    pillars, views, dates), so its compressed size tells nothing of its CSRF token."""
    if (len(page.body) < GZIP_OVER
            or "gzip" not in request.headers.get("accept-encoding", "").lower()):
        return page
    page.body = gzip.compress(page.body, compresslevel=5)
    page.headers["Content-Encoding"] = "gzip"
    page.headers["Content-Length"] = str(len(page.body))
    page.headers["Vary"] = "Accept-Encoding"
    return page


def date_of(iso: str) -> date:
    return datetime.fromisoformat(iso).date()


def _tile(post: dict, classes: dict[str, str], labels: dict[str, str], _) -> Tile:
    states = {d["channel"]: d for d in post["deliveries"]}
    shown: list[tuple[str, str]] = []
    reasons: list[str] = []
    for name in sorted(set(post["channels"]) | states.keys()):
        delivery = states.get(name)
        state = SHOWN[D(delivery["status"])] if delivery else post["status"]
        shown.append((name, state))
        if state in ALARMING:
            reasons.append(f"{name}: " + (delivery["error"] or (
                _("The platform did not say whether the post went out; check before "
                  "retrying.") if state == "unknown" else _("No reason given."))))
    at = post["scheduled_at"]
    return Tile(post["id"], post["title"], at[11:16], at, labels.get(post["pillar"],
                post["pillar"]), classes.get(post["pillar"], "px"), shown, reasons)


def _version(pillars: list[Pillar]) -> str:
    text = "|".join(f"{p.name}={p.color}" for p in pillars)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _links(shown: Period, today: date, filters: dict[str, str | None]) -> dict[str, str]:
    """The addresses of the neighbouring periods, today and the other views, filters kept."""
    def to(view: str, day: date) -> str:
        query = [("view", view), ("date", day.isoformat())]
        query += [(k, v) for k, v in filters.items() if v]
        return "/calendar?" + urlencode(query)
    return {"previous": to(shown.view, shown.previous), "next": to(shown.view, shown.following),
            "today": to(shown.view, today),
            **{view: to(view, shown.day) for view in VIEWS}}
