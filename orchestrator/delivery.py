"""Carrying out one delivery: claim, publish through the connector, record, roll up.

Transport-agnostic: the Dramatiq actor calls :func:`deliver` and turns a returned retry
delay into Dramatiq's own backoff. Every outcome is written to the database before the
message is acknowledged.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from connectors.base import Published
from connectors.registry import build_connector
from orchestrator import retry_policy
from orchestrator.context import Context
from orchestrator.domain.model import Attempt, Delivery, Post
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.errors import (
    ConfigError,
    OutcomeUnknown,
    PermanentError,
    PublishError,
)
from orchestrator.rendering import idempotency_key, render
from orchestrator.rollup import roll_up
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows

log = structlog.get_logger("siaran.delivery")
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Outcome:
    """What happened to a delivery; ``retry_in`` seconds when it must be tried again."""

    status: D
    retry_in: float | None = None


def deliver(ctx: Context, delivery_id: int, *, message_id: str | None = None) -> Outcome | None:
    """Publish one delivery if this worker wins the claim; None when there was nothing to do."""
    with ctx.db.write() as conn:
        if not rows.claim(conn, delivery_id, WORKER, ctx.now()):
            log.info("delivery not claimable, skipped", delivery_id=delivery_id)
            return None
        delivery = rows.get(conn, delivery_id)
        post = post_rows.get(conn, delivery.post_id)
        channel = channel_rows.by_id(conn, delivery.channel_id)
        sealed = channel_rows.sealed_credentials(conn, channel.id)
    bound = log.bind(post_id=post.id, delivery_id=delivery_id, channel=channel.name,
                     platform=channel.platform, attempt=delivery.attempts)
    started = ctx.now()
    try:
        published = _publish(ctx, post, delivery, channel.api_base, sealed)
    except PublishError as error:
        return _record_failure(ctx, delivery, error, started, message_id, bound)
    except Exception as error:  # noqa: BLE001 - a bug after sending is an unknown outcome
        unknown = OutcomeUnknown(f"unexpected {type(error).__name__}: {error}",
                                 platform=channel.platform)
        return _record_failure(ctx, delivery, unknown, started, message_id, bound)
    _record(ctx, delivery, D.PUBLISHED, _attempt(delivery, started, ctx.now(), "published"),
            message_id, external_id=published.external_id, permalink=published.permalink,
            error_kind=None, error=None, next_attempt_at=None)
    bound.info("delivery published", external_id=published.external_id)
    return Outcome(D.PUBLISHED)


def _publish(ctx: Context, post: Post, delivery: Delivery, api_base: str | None,
             sealed: str) -> Published:
    if post.content_hash != post.approved_hash:
        raise PermanentError("content changed after approval", platform=delivery.platform)
    try:
        connector = build_connector(delivery.platform, ctx.box.open(sealed), api_base=api_base,
                                    timeout=ctx.settings.http_timeout)
    except ConfigError as error:
        raise PermanentError(str(error), platform=delivery.platform) from None
    rendered = render(post, delivery.platform, delivery.id)
    return connector.publish(rendered, key=idempotency_key(post, delivery.id))


def _record_failure(ctx: Context, delivery: Delivery, error: PublishError, started: datetime,
                    message_id: str | None, bound) -> Outcome:
    finished = ctx.now()
    attempt = _attempt(delivery, started, finished, "error", error)
    if isinstance(error, OutcomeUnknown):
        status, delay = D.UNKNOWN, None
    else:
        with ctx.db.read() as conn:
            first = rows.first_attempt_at(conn, delivery.id) or started
        delay = retry_policy.next_delay(error, platform=delivery.platform,
                                        attempt=delivery.attempts,
                                        elapsed=(finished - first).total_seconds())
        status = D.FAILED if delay is None else D.RETRY_WAIT
    next_at = None if delay is None else finished + timedelta(seconds=delay)
    _record(ctx, delivery, status, attempt, message_id, error_kind=error.kind,
            error=str(error), next_attempt_at=next_at)
    bound.warning("delivery attempt failed", error_kind=error.kind, error=str(error),
                  http_status=error.status, next_status=status.value, retry_in=delay)
    return Outcome(status, delay)


def _record(ctx: Context, delivery: Delivery, status: D, attempt: Attempt,
            message_id: str | None, **fields: object) -> None:
    with ctx.db.write() as conn:
        rows.record_attempt(conn, attempt, message_id)
        rows.move(conn, delivery.id, [D.SENDING], status, attempt.finished_at, **fields)
        roll_up(conn, delivery.post_id, attempt.finished_at)


def _attempt(delivery: Delivery, started: datetime, finished: datetime, outcome: str,
             error: PublishError | None = None) -> Attempt:
    return Attempt(delivery_id=delivery.id, started_at=started, finished_at=finished,
                   worker=WORKER, outcome=outcome,
                   http_status=error.status if error else None,
                   error_kind=error.kind if error else None,
                   excerpt=(error.excerpt or error.detail)[:500] if error else "")

