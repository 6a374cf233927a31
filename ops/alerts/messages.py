"""The words of an alert: what happened, to which post and channel, why, how often, and a
link to the console page where it is dealt with (when ``SIARAN_PUBLIC_URL`` is set)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ops.alerts.senders import Alert
from orchestrator.store.alert_events import EventRow

#: Event name → (headline, console page).
EVENTS: dict[str, tuple[str, str | None]] = {
    "delivery_failed": ("Delivery failed for good", "/deliveries?status=failed"),
    "delivery_unknown": ("Delivery outcome unknown: needs a person",
                         "/deliveries?status=unknown"),
    "delivery_missed": ("Delivery missed its window", "/deliveries?status=missed"),
    "channel_needs_reauth": ("Channel needs re-authorisation", "/channels"),
    "channel_circuit_open": ("Channel circuit open after repeated outages", "/channels"),
    "scheduler_silent": ("Scheduler silent", None),
    "queue_stale": ("Queue not moving", "/deliveries?status=queued"),
    "embargo_started": ("Embargo started", None),
    "embargo_ended": ("Embargo ended", None),
    "test": ("Test alert", None),
    "digest": ("Daily digest", None),
}


def link(public_url: str | None, path: str | None) -> str | None:
    return f"{public_url}{path}" if public_url and path else None


def page_of(event: str, detail: dict) -> str | None:
    """The console page: the post when exactly one is concerned, else the list."""
    posts = detail.get("posts") or []
    if event.startswith("delivery_") and len(posts) == 1:
        return f"/posts/{posts[0]}"
    return EVENTS.get(event, ("", None))[1]


def for_event(row: EventRow, public_url: str | None, tz: ZoneInfo, now: datetime
              ) -> Alert:
    """The message for an event row: its new occurrences since last told, or a reminder
    that a condition still holds."""
    headline = EVENTS.get(row.event, (row.event, None))[0]
    detail = row.detail
    new = row.count - row.notified_count
    reminder = new <= 0
    where = detail.get("channel")
    title = f"[Siaran] {headline}" + (f": {where}" if where else "")
    if new > 1:
        title += f" (×{new})"
    if reminder:
        title += " (still)"
    lines = [headline + "."]
    if where:
        lines.append(f"Channel: {where}" + (f" ({detail['platform']})"
                                             if detail.get("platform") else ""))
    posts = detail.get("posts") or []
    if posts:
        shown = ", ".join(f"#{p}" + (f" {t!r}" if t else "")
                          for p, t in zip(posts, detail.get("titles") or [""] * len(posts),
                                          strict=False))
        lines.append(f"Post{'s' if len(posts) > 1 else ''}: {shown}")
    if detail.get("reason"):
        lines.append(f"Reason: {detail['reason']}")
    since = row.first_at if row.notified_at is None else row.notified_at
    if new > 1:
        lines.append(f"{new} times since {_local(since, tz)}")
    elif reminder:
        lines.append(f"Still so at {_local(now, tz)} (since {_local(row.first_at, tz)})")
    url = link(public_url, page_of(row.event, detail))
    if url:
        lines.append(f"Console: {url}")
    payload = {"event": row.event, "subject": row.subject, "count": max(new, 0),
               "total": row.count, "still": reminder, "title": title,
               "text": "\n".join(lines), "first_at": row.first_at.isoformat(),
               "last_at": row.last_at.isoformat(), "link": url,
               **{k: detail.get(k) for k in ("channel", "platform", "posts", "reason")}}
    return Alert(row.event, title, "\n".join(lines), payload)


def test_alert(name: str, now: datetime, tz: ZoneInfo) -> Alert:
    text = (f"Test alert for target {name}, sent at {_local(now, tz)}. "
            "If you read this, Siaran's alerts reach you.")
    title = "[Siaran] Test alert"
    return Alert("test", title, text, {"event": "test", "subject": f"target:{name}",
                                       "count": 1, "title": title, "text": text,
                                       "at": now.isoformat()})


def _local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")
