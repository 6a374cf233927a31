"""Events read from the publishing state, never told by the publishing code: deliveries
that failed for good, missed their window or stay unknown; channels needing
re-authorisation or with an open circuit; a silent scheduler; a queue whose oldest message
waits too long; an embargo starting or ending.

Occurrences (a failure) are counted on their event row; conditions (a channel needing
re-authorisation) hold while the state says so and clear when it no longer does.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orchestrator.pipeline.backlog import backlog
from orchestrator.pipeline.queues import all_queues
from orchestrator.runtime.context import Context
from orchestrator.store import alert_events as events
from orchestrator.store import alert_facts as facts
from orchestrator.store import installation
from schedules import heartbeat

CURSOR = "alert_watch_cursor"
#: How far back the first look reaches, and the overlap of later looks (a transaction may
#: commit a change stamped a little before the previous look).
FIRST_LOOK = timedelta(hours=1)
OVERLAP = timedelta(minutes=5)
#: Posts named in one message at most.
POSTS_SHOWN = 10


def detect(ctx: Context, redis=None, *, started: datetime | None = None) -> None:
    """One look at the state; ``redis``: a client on Siaran's Redis (circuits, queues);
    ``started``: when this watcher started (a scheduler never seen is silent only once the
    watcher has waited longer than the threshold)."""
    now = ctx.now()
    with ctx.db.write() as conn:
        raw = installation.get(conn, CURSOR)
        cursor = datetime.fromisoformat(raw) if raw else now - FIRST_LOOK
        since = cursor - OVERLAP
        _problems(conn, since, now)
        _undecided(conn, now - timedelta(seconds=ctx.settings.alerts.unknown_after), now)
        _reauth(conn, now)
        _embargoes(conn, since, now)
        facts.forget_noticed(conn, since - FIRST_LOOK)
        installation.put(conn, CURSOR, now.isoformat(), now)
    _scheduler(ctx, now, started or now)
    if redis is not None:
        _redis(ctx, redis, now)


def _channel_detail(problems: list[facts.Problem], extra: dict | None = None) -> dict:
    latest = problems[-1]
    shown = problems[-POSTS_SHOWN:]
    return {"channel": latest.channel, "platform": latest.platform,
            "posts": [p.post_id for p in shown], "titles": [p.post_title for p in shown],
            "deliveries": [p.delivery_id for p in shown],
            "reason": latest.error or latest.error_kind, **(extra or {})}


def _by_channel(problems: list[facts.Problem]) -> dict[str, list[facts.Problem]]:
    found: dict[str, list[facts.Problem]] = {}
    for problem in problems:
        found.setdefault(problem.channel, []).append(problem)
    return found


def _problems(conn, since: datetime, now: datetime) -> None:
    fresh = facts.new_problems(conn, ("failed", "missed"), since)
    for status, event in (("failed", "delivery_failed"), ("missed", "delivery_missed")):
        of_status = [p for p in fresh if p.status == status]
        for channel, found in _by_channel(of_status).items():
            events.occurred(conn, event, f"channel:{channel}", len(found),
                            _channel_detail(found), now)


def _undecided(conn, older_than: datetime, now: datetime) -> None:
    stuck = _by_channel(facts.undecided(conn, older_than))
    for channel, found in stuck.items():
        events.holds(conn, "delivery_unknown", f"channel:{channel}",
                     _channel_detail(found), now)
    events.cleared(conn, "delivery_unknown", {f"channel:{c}" for c in stuck})


def _reauth(conn, now: datetime) -> None:
    held = facts.channels_in_state(conn, "needs_reauth")
    for _id, name, platform in held:
        events.holds(conn, "channel_needs_reauth", f"channel:{name}", {
            "channel": name, "platform": platform,
            "reason": "the platform refused the channel's credentials; deliveries are held "
                      f"until an operator re-authorises it (siaran channel update {name})"},
            now)
    events.cleared(conn, "channel_needs_reauth", {f"channel:{n}" for _i, n, _p in held})


def _embargoes(conn, since: datetime, now: datetime) -> None:
    for embargo_id, reason, starts, ends, lifted_by, lifted_at in facts.embargoes_between(
            conn, since, now):
        subject = f"embargo:{embargo_id}"
        if starts <= now and not events.known(conn, "embargo_started", subject):
            until = "until lifted" if ends is None else f"until {ends.isoformat()}"
            events.occurred(conn, "embargo_started", subject, 1, {
                "reason": f"{reason} (every channel paused, {until})"}, now)
        ended = lifted_at or (ends if ends is not None and ends <= now else None)
        if ended is not None and not events.known(conn, "embargo_ended", subject):
            how = f"lifted by {lifted_by}" if lifted_at else "its end time passed"
            events.occurred(conn, "embargo_ended", subject, 1, {
                "reason": f"{reason} ({how}; held deliveries are released)"}, now)


def _scheduler(ctx: Context, now: datetime, started: datetime) -> None:
    stale = ctx.settings.scheduler_stale
    found = heartbeat.last(ctx)
    if found is None:
        silent = (now - started).total_seconds() > stale
        reason = f"no scheduler has run since this watcher started {int(stale)} s ago"
    else:
        age = (now - found[0]).total_seconds()
        silent = age > stale
        reason = (f"the scheduler ({found[1]}) last reported {int(age)} s ago; due posts "
                  "are not being dispatched")
    with ctx.db.write() as conn:
        if silent:
            events.holds(conn, "scheduler_silent", "scheduler", {"reason": reason}, now)
        else:
            events.cleared(conn, "scheduler_silent", set())


def _redis(ctx: Context, client, now: datetime) -> None:
    ns = ctx.settings.redis_namespace
    with ctx.db.read() as conn:
        channels = facts.every_channel(conn)
    queues = all_queues()
    pipe = client.pipeline(transaction=False)
    for channel_id, _name, _platform in channels:
        pipe.exists(f"{ns}:circuit:{channel_id}")
    circuits = pipe.execute() if channels else []
    ages = {q.queue: q.oldest_age for q in backlog(client, ns, queues, now.timestamp())}
    limit = ctx.settings.queue_stale
    with ctx.db.write() as conn:
        opened = set()
        for (_id, name, platform), is_open in zip(channels, circuits, strict=True):
            if is_open:
                opened.add(f"channel:{name}")
                events.holds(conn, "channel_circuit_open", f"channel:{name}", {
                    "channel": name, "platform": platform,
                    "reason": "repeated outages: deliveries wait until the circuit closes"},
                    now)
        events.cleared(conn, "channel_circuit_open", opened)
        stale = set()
        for queue, age in ages.items():
            if age is not None and age > limit:
                stale.add(f"queue:{queue}")
                events.holds(conn, "queue_stale", f"queue:{queue}", {
                    "reason": f"the oldest message of {queue} has waited {int(age)} s; "
                              "are its workers running?"}, now)
        events.cleared(conn, "queue_stale", stale)
