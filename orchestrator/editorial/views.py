"""The JSON shapes Siaran shows: one place for the CLI and the HTTP API."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from orchestrator.domain.model import Channel, Delivery, Post
from orchestrator.domain.states import DeliveryStatus
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import posts as post_rows


def local(value: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO text of ``value`` in the office time zone."""
    return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")


def delivery_view(d: Delivery, tz: ZoneInfo) -> dict:
    return {"id": d.id, "post_id": d.post_id, "channel": d.channel, "platform": d.platform,
            "status": d.status.value, "external_id": d.external_id, "permalink": d.permalink,
            "attempts": d.attempts, "error_kind": d.error_kind, "error": d.error,
            "updated_at": local(d.updated_at, tz)}


def post_view(post: Post, deliveries: list[Delivery], tz: ZoneInfo) -> dict:
    return {"id": post.id, "title": post.title, "pillar": post.pillar,
            "status": post.status.value, "scheduled_at": local(post.scheduled_at, tz),
            "author": post.author, "approver": post.approver, "channels": list(post.channels),
            "deliveries": [delivery_view(d, tz) for d in deliveries]}


def channel_view(c: Channel) -> dict:
    return {"id": c.id, "name": c.name, "platform": c.platform, "api_base": c.api_base,
            "site_url": c.site_url, "state": c.state.value,
            "rate_limits": [str(r) for r in c.posting_limits]}


def post_etag(post: Post) -> str:
    """A version tag of what an edit may change: content, time, status."""
    scheduled = post.scheduled_at.isoformat() if post.scheduled_at else ""
    raw = f"{post.content_hash}|{scheduled}|{post.status.value}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def show_post(ctx: Context, post_id: int) -> dict:
    """A post with its deliveries, attempts, audit trail and version tag (``etag``)."""
    tz = ctx.settings.timezone
    with ctx.db.read() as conn:
        post = post_rows.get(conn, post_id)
        deliveries = delivery_rows.for_post(conn, post_id)
        view = post_view(post, deliveries, tz)
        view["text"] = post.body
        view["variants"] = post.variants
        view["options"] = post.options
        view["media"] = [{"digest": m.digest, "mime": m.mime, "size": m.size,
                          "alt_text": m.alt_text} for m in post.media]
        logs = delivery_rows.attempts_for(conn, [d.id for d in deliveries])
        for shown in view["deliveries"]:
            shown["attempt_log"] = logs[shown["id"]]
        view["audit"] = audit.events(conn, "post", post_id)
        view["etag"] = post_etag(post)
    return view


def show_channel(ctx: Context, name: str) -> dict:
    """A channel with its health: the names of its credentials (never their values), its
    deliveries by status, its last publication and its last failure."""
    tz = ctx.settings.timezone
    with ctx.db.read() as conn:
        channel = channel_rows.by_name(conn, name)
        sealed = channel_rows.sealed_credentials(conn, channel.id)
        summary = delivery_rows.channel_summary(conn, channel.id)
    failure = summary["last_failure"]
    return {**channel_view(channel),
            "credential_keys": sorted(ctx.box.open(sealed)),
            "health": {"deliveries": {s.value: summary["counts"].get(s.value, 0)
                                      for s in DeliveryStatus},
                       "last_published_at": local(summary["last_published_at"], tz),
                       "last_failure": None if failure is None else delivery_view(failure, tz)}}
