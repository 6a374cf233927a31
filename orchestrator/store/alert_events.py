"""Coalesced alert events and the messages sent for them.

An event row counts the repeats of one event on one subject; ``notified_count`` is how much
of that count has been told. Sends are the outbox of alert messages: ``pending`` until sent
or given up, with their attempts and next attempt time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from orchestrator.store.schema import alert_events, alert_sends


@dataclass(frozen=True)
class EventRow:
    id: int
    event: str
    subject: str
    first_at: datetime
    last_at: datetime
    count: int
    notified_count: int
    notified_at: datetime | None
    active: bool
    detail: dict


def _event(row) -> EventRow:
    return EventRow(row.id, row.event, row.subject, row.first_at, row.last_at, row.count,
                    row.notified_count, row.notified_at, bool(row.active),
                    json.loads(row.detail))


def occurred(conn: Connection, event: str, subject: str, n: int, detail: dict,
             now: datetime) -> None:
    """Count ``n`` more occurrences of an event on a subject."""
    change = (update(alert_events)
              .where(alert_events.c.event == event, alert_events.c.subject == subject)
              .values(count=alert_events.c.count + n, last_at=now,
                      detail=json.dumps(detail, default=str, sort_keys=True)))
    if conn.execute(change).rowcount:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(alert_events).values(
                event=event, subject=subject, first_at=now, last_at=now, count=n,
                notified_count=0, active=False,
                detail=json.dumps(detail, default=str, sort_keys=True)))
    except IntegrityError:
        conn.execute(change)


def holds(conn: Connection, event: str, subject: str, detail: dict, now: datetime) -> None:
    """A condition holds now: a new occurrence if it was not holding before."""
    found = conn.execute(select(alert_events.c.active).where(
        alert_events.c.event == event, alert_events.c.subject == subject)).first()
    encoded = json.dumps(detail, default=str, sort_keys=True)
    if found is None:
        conn.execute(insert(alert_events).values(
            event=event, subject=subject, first_at=now, last_at=now, count=1,
            notified_count=0, active=True, detail=encoded))
        return
    values: dict = {"last_at": now, "detail": encoded, "active": True}
    if not found.active:  # it had cleared: this is a new occurrence, told anew
        values.update(count=alert_events.c.count + 1, first_at=now, notified_at=None)
    conn.execute(update(alert_events).where(
        alert_events.c.event == event, alert_events.c.subject == subject).values(**values))


def cleared(conn: Connection, event: str, keep: set[str]) -> list[EventRow]:
    """Conditions of ``event`` whose subject is not in ``keep`` no longer hold: made
    inactive, and returned (those that had been told may be told they cleared)."""
    query = select(alert_events).where(alert_events.c.event == event,
                                       alert_events.c.active.is_(True))
    gone = [_event(r) for r in conn.execute(query) if r.subject not in keep]
    if gone:
        conn.execute(update(alert_events).where(alert_events.c.id.in_([g.id for g in gone]))
                     .values(active=False))
    return gone


def known(conn: Connection, event: str, subject: str) -> bool:
    return conn.execute(select(alert_events.c.id).where(
        alert_events.c.event == event, alert_events.c.subject == subject)).first() is not None


def due(conn: Connection, now: datetime, group_wait: float, renotify: float
        ) -> list[EventRow]:
    """Events with something to tell: a first occurrence older than ``group_wait``, more
    occurrences than told once ``renotify`` has passed since, or a condition still holding
    after ``renotify``."""
    rows = conn.execute(select(alert_events).where(or_(
        and_(alert_events.c.notified_at.is_(None),
             alert_events.c.count > alert_events.c.notified_count),
        and_(alert_events.c.notified_at.is_not(None),
             or_(alert_events.c.count > alert_events.c.notified_count,
                 alert_events.c.active.is_(True)))))).all()
    found = []
    for row in map(_event, rows):
        if row.notified_at is None:
            if (now - row.first_at).total_seconds() >= group_wait:
                found.append(row)
        elif (now - row.notified_at).total_seconds() >= renotify:
            found.append(row)
    return found


def told(conn: Connection, event_id: int, count: int, now: datetime) -> None:
    conn.execute(update(alert_events).where(alert_events.c.id == event_id)
                 .values(notified_count=count, notified_at=now))


def events(conn: Connection, limit: int = 100) -> list[EventRow]:
    return [_event(r) for r in conn.execute(
        select(alert_events).order_by(alert_events.c.last_at.desc()).limit(limit))]


# sends ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SendRow:
    id: int
    target_id: int | None
    target_name: str
    target_kind: str
    event: str
    subject: str
    count: int
    title: str
    message: str
    payload: dict
    recipient: str
    outcome: str
    attempts: int
    error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    finished_at: datetime | None


def _send(row) -> SendRow:
    return SendRow(row.id, row.target_id, row.target_name, row.target_kind, row.event,
                   row.subject, row.count, row.title, row.message, json.loads(row.payload),
                   row.recipient, row.outcome, row.attempts, row.error, row.created_at,
                   row.next_attempt_at, row.finished_at)


def add_send(conn: Connection, *, target_id: int, target_name: str, target_kind: str,
             event: str, subject: str, count: int, title: str, message: str, payload: dict,
             recipient: str, now: datetime) -> int:
    return conn.execute(insert(alert_sends).values(
        target_id=target_id, target_name=target_name, target_kind=target_kind, event=event,
        subject=subject, count=count, title=title, message=message,
        payload=json.dumps(payload, default=str, sort_keys=True), recipient=recipient,
        outcome="pending", attempts=0, created_at=now, next_attempt_at=now,
    )).inserted_primary_key[0]


def pending(conn: Connection, now: datetime, limit: int = 50) -> list[SendRow]:
    return [_send(r) for r in conn.execute(
        select(alert_sends).where(alert_sends.c.outcome == "pending",
                                  alert_sends.c.next_attempt_at <= now)
        .order_by(alert_sends.c.id).limit(limit))]


def get_send(conn: Connection, send_id: int) -> SendRow:
    return _send(conn.execute(select(alert_sends).where(alert_sends.c.id == send_id)).one())


def take(conn: Connection, send: SendRow, until: datetime) -> bool:
    """Claim a pending send for one attempt (compare-and-set on its attempt count): the
    next attempt time moves to ``until`` so no other watcher takes it meanwhile."""
    return conn.execute(update(alert_sends).where(
        alert_sends.c.id == send.id, alert_sends.c.outcome == "pending",
        alert_sends.c.attempts == send.attempts,
    ).values(attempts=send.attempts + 1, next_attempt_at=until)).rowcount == 1


def finish(conn: Connection, send_id: int, *, outcome: str, error: str | None,
           now: datetime, next_attempt_at: datetime | None = None) -> None:
    """Record an attempt's result: ``sent``, ``failed`` (given up) or ``pending`` again."""
    conn.execute(update(alert_sends).where(alert_sends.c.id == send_id).values(
        outcome=outcome, error=error, next_attempt_at=next_attempt_at,
        finished_at=None if outcome == "pending" else now))


def sends(conn: Connection, *, target: str | None = None, limit: int = 100
          ) -> list[SendRow]:
    query = select(alert_sends).order_by(alert_sends.c.id.desc()).limit(limit)
    if target is not None:
        query = query.where(alert_sends.c.target_name == target)
    return [_send(r) for r in conn.execute(query)]
