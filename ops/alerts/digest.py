"""The daily digest, for targets that opted in: yesterday (in the office's zone) in
figures — published, failed, missed, pending review — and the pillar mix against its
targets. Sent once a day, after ``SIARAN_ALERT_DIGEST_AT``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ops.alerts import sending
from ops.alerts.messages import link
from ops.alerts.senders import Alert
from orchestrator.runtime.context import Context
from orchestrator.store import alert_facts as facts
from orchestrator.store import alert_targets as targets
from schedules.mix import mix


def yesterday(ctx: Context) -> date:
    return ctx.now().astimezone(ctx.settings.timezone).date() - timedelta(days=1)


def compose(ctx: Context, day: date) -> Alert:
    """The digest of ``day``."""
    tz = ctx.settings.timezone
    start = datetime.combine(day, time(), tzinfo=tz)
    end = start + timedelta(days=1)
    with ctx.db.read() as conn:
        counts = facts.delivery_counts(conn, start, end)
        in_review = facts.posts_in(conn, "in_review")
    found = mix(ctx, start, end)
    figures = {"published": counts.get("published", 0), "failed": counts.get("failed", 0),
               "missed": counts.get("missed", 0), "unknown": counts.get("unknown", 0),
               "pending_review": in_review}
    lines = [f"Siaran, {day.isoformat()}:",
             f"Deliveries published: {figures['published']}",
             f"Deliveries failed: {figures['failed']}",
             f"Deliveries missed: {figures['missed']}",
             f"Deliveries unknown: {figures['unknown']}",
             f"Posts waiting for review now: {in_review}",
             "", "Mix (published share against target):"]
    pillars = []
    for p in found.pillars:
        share = p.published_share
        shown = "—" if share is None else f"{share:.0f}%"
        lines.append(f"  {p.pillar}: {shown} of {found.published} published "
                     f"(target {p.target:.0f}%)")
        pillars.append({"pillar": p.pillar, "target": p.target, "published": p.published,
                        "share": None if share is None else round(share, 2)})
    if not found.pillars:
        lines.append("  no pillars")
    url = link(ctx.settings.alerts.public_url, "/deliveries?status=failed")
    if url and figures["failed"]:
        lines += ["", f"Failed deliveries: {url}"]
    title = f"[Siaran] Daily digest {day.isoformat()}"
    payload = {"event": "digest", "subject": f"digest:{day.isoformat()}", "count": 1,
               "title": title, "text": "\n".join(lines), "day": day.isoformat(),
               "figures": figures, "mix": pillars, "link": url}
    return Alert("digest", title, "\n".join(lines), payload)


def send_due(ctx: Context) -> int:
    """Record yesterday's digest for every opted-in target that has not had it, once the
    day's digest time has come; returns how many were recorded."""
    now = ctx.now().astimezone(ctx.settings.timezone)
    hour, minute = ctx.settings.alerts.digest_at
    if (now.hour, now.minute) < (hour, minute):
        return 0
    day = yesterday(ctx)
    with ctx.db.read() as conn:
        waiting = [t for t in targets.every(conn)
                   if t.digest and t.digest_sent_for != day.isoformat()]
    if not waiting:
        return 0
    alert = compose(ctx, day)
    made = 0
    for target in waiting:
        with ctx.db.write() as conn:
            if not targets.mark_digest(conn, target.id, day.isoformat(),
                                       target.digest_sent_for):
                continue  # another watcher has it
        sending.record(ctx, target, alert, f"digest:{day.isoformat()}")
        made += 1
    return made
