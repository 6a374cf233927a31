"""Reconciliation: did an uncertain delivery reach the platform?

A delivery is ``unknown`` when its request may have been applied (timeout after sending,
dropped connection, worker killed mid-call) or the platform refused it as a duplicate.
Siaran never sends it again blindly: it asks the platform through its read API for a post
with the same text, published by this account since the first attempt (minus a margin for
clock skew). Found → ``published`` with its id and link. Not found → queued again (for a
duplicate refusal: ``failed``). Cannot tell (the platform has no read API, as Telegram's
Bot API; or the read failed) → stays ``unknown`` with the evidence for an operator, and is
asked again later. Reads are safe to repeat, so they get short in-call retries
(:data:`connectors.retry.READ_BACK`), even after a timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog

from connectors import retry
from connectors.base import Connector, Published, RenderedPost
from connectors.errors import PublishError
from orchestrator.domain.model import Attempt
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.pipeline.connections import connector_for
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.rendering import idempotency_key, render
from orchestrator.pipeline.rollup import roll_up
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows

log = structlog.get_logger("siaran.reconcile")
#: How far before the first attempt a found post may be dated (clock skew).
SKEW = timedelta(minutes=2)
ACTOR = "reconciliation"
MARK = "| reconciliation:"


@dataclass(frozen=True)
class Verdict:
    outcome: str  # published | resent | failed | undecided | skipped
    detail: str = ""


@retry.in_call(retry.READ_BACK)
def _find(connector: Connector, post: RenderedPost, key: str, since) -> Published | None:
    return connector.find(post, key=key, since=since)


def reconcile(ctx: Context, delivery_id: int) -> Verdict:
    """Decide one unknown delivery from the platform's own records."""
    with ctx.db.read() as conn:
        delivery = rows.get(conn, delivery_id)
        if delivery.status is not D.UNKNOWN:
            return Verdict("skipped")
        post = post_rows.get(conn, delivery.post_id)
        channel = channel_rows.by_id(conn, delivery.channel_id)
        sealed = channel_rows.sealed_credentials(conn, channel.id)
    started = ctx.now()
    connector = connector_for(ctx, channel, sealed)
    if not connector.supports_find:
        return _undecided(ctx, delivery, started,
                          f"{channel.platform} offers no way to read back posts; check "
                          f"{channel.name} and resolve this delivery by hand")
    since = (delivery.first_attempt_at or started) - SKEW
    rendered = render(post, channel.platform, delivery.id, data_dir=ctx.settings.data_dir,
                      media_base_url=ctx.settings.media_base_url)
    try:
        found = _find(connector, rendered, idempotency_key(post, delivery.id), since)
    except PublishError as error:
        return _undecided(ctx, delivery, started, f"could not read {channel.platform}: {error}")
    now = ctx.now()
    attempt = Attempt(delivery.id, started, now, ACTOR, "found" if found else "not_found")
    with ctx.db.write() as conn:
        rows.record_attempt(conn, attempt, None)
        if found:
            rows.move(conn, delivery.id, [D.UNKNOWN], D.PUBLISHED, now,
                      external_id=found.external_id, permalink=found.permalink,
                      error_kind=None, error=None, reconciled_at=now)
            verdict = Verdict("published", found.external_id)
        elif delivery.error_kind == "duplicate":
            rows.move(conn, delivery.id, [D.UNKNOWN], D.FAILED, now, reconciled_at=now,
                      error="refused as a duplicate, and no post by Siaran was found on "
                            f"{channel.name}: the same text was published another way")
            verdict = Verdict("failed", "duplicate of a post Siaran did not make")
        else:
            rows.move(conn, delivery.id, [D.UNKNOWN], D.QUEUED, now, reconciled_at=now,
                      next_attempt_at=None,
                      error=f"not found on {channel.name} after an uncertain attempt; sent again")
            rows.add_to_outbox(conn, delivery.id, queue_for(channel.platform), now)
            verdict = Verdict("resent")
        audit.record(conn, actor=ACTOR, action=f"reconcile_{verdict.outcome}",
                     entity="delivery", entity_id=delivery.id, now=now, detail=verdict.detail)
        roll_up(conn, delivery.post_id, now)
    log.info("delivery reconciled", delivery_id=delivery.id, post_id=delivery.post_id,
             channel=channel.name, outcome=verdict.outcome)
    return verdict


def _undecided(ctx: Context, delivery, started, why: str) -> Verdict:
    now = ctx.now()
    original = (delivery.error or "outcome unknown").split(f" {MARK} ")[0]
    with ctx.db.write() as conn:
        rows.record_attempt(conn, Attempt(delivery.id, started, now, ACTOR, "undecided",
                                          excerpt=why[:500]), None)
        rows.move(conn, delivery.id, [D.UNKNOWN], D.UNKNOWN, now, reconciled_at=now,
                  error=f"{original} {MARK} {why}"[:1000])
    log.warning("delivery still undecided", delivery_id=delivery.id, reason=why)
    return Verdict("undecided", why)
