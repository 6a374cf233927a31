"""The JSON shapes Siaran shows: one place for the CLI and the HTTP API.

Times are ISO 8601 in the office time zone, except in attempt logs and audit events,
which keep the stored UTC.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from orchestrator.domain.model import Delivery, Post
from orchestrator.domain.states import DeliveryStatus, PostStatus
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import posts as post_rows


def local(value: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO text of ``value`` in the office time zone."""
    return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")


def delivery_view(d: Delivery, tz: ZoneInfo) -> dict:
    """A delivery; ``last_attempt_at`` is when a worker last took it up, ``next_attempt_at``
    when a ``retry_wait`` delivery is tried again, ``published_at`` when it went out."""
    return {"id": d.id, "post_id": d.post_id, "channel": d.channel, "platform": d.platform,
            "status": d.status.value, "external_id": d.external_id, "permalink": d.permalink,
            "attempts": d.attempts, "error_kind": d.error_kind, "error": d.error,
            "updated_at": local(d.updated_at, tz),
            "last_attempt_at": local(d.claimed_at, tz),
            "next_attempt_at": (local(d.next_attempt_at, tz)
                                if d.status is DeliveryStatus.RETRY_WAIT else None),
            "published_at": (local(d.updated_at, tz)
                             if d.status is DeliveryStatus.PUBLISHED else None)}


def post_view(post: Post, deliveries: list[Delivery], tz: ZoneInfo) -> dict:
    """A post with its deliveries; ``published_at`` is when its first delivery went out."""
    went_out = [d.updated_at for d in deliveries if d.status is DeliveryStatus.PUBLISHED]
    return {"id": post.id, "title": post.title, "pillar": post.pillar,
            "status": post.status.value, "scheduled_at": local(post.scheduled_at, tz),
            "published_at": local(min(went_out), tz) if went_out else None,
            "author": post.author, "approver": post.approver, "channels": list(post.channels),
            "deliveries": [delivery_view(d, tz) for d in deliveries]}


def post_etag(post: Post) -> str:
    """A version tag of what an edit may change: content, time, status."""
    scheduled = post.scheduled_at.isoformat() if post.scheduled_at else ""
    raw = f"{post.content_hash}|{scheduled}|{post.status.value}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def show_post(ctx: Context, post_id: int) -> dict:
    """A post with its deliveries, attempts and audit trail (its deliveries' events in
    each delivery's ``audit``), its version tag (``etag``); ``rejection``: who rejected
    it, when and why, until it is submitted again."""
    tz = ctx.settings.timezone
    with ctx.db.read() as conn:
        post = post_rows.get(conn, post_id)
        deliveries = delivery_rows.for_post(conn, post_id)
        view = post_view(post, deliveries, tz)
        view["text"] = post.body
        view["variants"] = post.variants
        view["options"] = post.options
        view["media"] = [{"digest": m.digest, "mime": m.mime, "size": m.size,
                          "alt_text": m.alt_text, "name": m.source_name} for m in post.media]
        ids = [d.id for d in deliveries]
        logs = delivery_rows.attempts_for(conn, ids)
        trails = audit.events_of_many(conn, "delivery", ids)
        for shown in view["deliveries"]:
            shown["attempt_log"] = logs[shown["id"]]
            shown["audit"] = trails[shown["id"]]
        view["audit"] = audit.events(conn, "post", post_id)
        view["series_id"] = post.series_id
        view["etag"] = post_etag(post)
    view["rejection"] = _open_rejection(view["audit"])
    return view


def _open_rejection(events: list[dict]) -> dict | None:
    """The latest rejection, until the post is submitted again."""
    found = None
    for e in events:
        if e["action"] == "reject":
            found = {"by": e["actor"], "at": e["at"], "reason": e["detail"].get("reason", "")}
        elif e["action"] == "submit":
            found = None
    return found


def list_posts(ctx: Context, *, status: PostStatus | None = None, pillar: str | None = None,
               channel: str | None = None, author: str | None = None,
               start: datetime | None = None, end: datetime | None = None, limit: int = 100,
               offset: int = 0) -> list[dict]:
    """The newest posts first, with their delivery states; every filter optional."""
    tz = ctx.settings.timezone
    with ctx.db.read() as conn:
        if channel is not None:
            channel_rows.by_name(conn, channel)  # an unknown name is an error, not "none"
        posts = post_rows.page(conn, status=status, pillar=pillar, channel=channel,
                               author=author, start=start, end=end, newest_first=True,
                               limit=limit, offset=offset)
        by_post = delivery_rows.for_posts(conn, [p.id for p in posts])
    return [post_view(p, by_post[p.id], tz) for p in posts]


def list_deliveries(ctx: Context, *, status: DeliveryStatus | None = None,
                    channel: str | None = None, post_id: int | None = None,
                    platform: str | None = None, error_kind: str | None = None,
                    since: datetime | None = None, limit: int = 1000, offset: int = 0
                    ) -> list[dict]:
    """The newest deliveries first; ``since``: changed since then. Every filter optional."""
    with ctx.db.read() as conn:
        if channel is not None:
            channel_rows.by_name(conn, channel)
        found = delivery_rows.page(conn, status=status, channel=channel, post_id=post_id,
                                   platform=platform, error_kind=error_kind, since=since,
                                   limit=limit, offset=offset)
    return [delivery_view(d, ctx.settings.timezone) for d in found]


def audit_trail(ctx: Context, *, post_id: int | None = None, channel: str | None = None,
                user: str | None = None, since: datetime | None = None, limit: int = 200
                ) -> list[dict]:
    """Audit events, oldest first (the newest ``limit``): of a post and its deliveries, of
    a channel and its deliveries, by a user, since a moment."""
    with ctx.db.read() as conn:
        channel_id = None
        if channel is not None:
            channel_id = channel_rows.by_name(conn, channel).id
        if post_id is not None:
            post_rows.get(conn, post_id)
        return audit.search(conn, post_id=post_id, channel_id=channel_id, actor=user,
                            since=since, limit=limit)


def show_delivery(ctx: Context, delivery_id: int) -> dict:
    """One delivery as the lists show it (NotFound for an unknown id)."""
    with ctx.db.read() as conn:
        return delivery_view(delivery_rows.get(conn, delivery_id), ctx.settings.timezone)


def post_titles(ctx: Context, post_ids: list[int]) -> dict[int, str]:
    """The titles of these posts (for lists of deliveries), in one read."""
    with ctx.db.read() as conn:
        return {post_id: post_rows.get(conn, post_id).title for post_id in set(post_ids)}
