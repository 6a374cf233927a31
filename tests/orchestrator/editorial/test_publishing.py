"""An operator's retry: a failed or waiting delivery is queued again at once, authorised and
audited; an unknown one only with ``force`` (reconcile first)."""

from __future__ import annotations

import pytest

from connectors.errors import AccessDenied, InvalidTransition
from orchestrator.access.roles import add_user
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.editorial import publishing
from orchestrator.pipeline.delivery import deliver
from orchestrator.pipeline.queues import queue_for
from orchestrator.store import audit
from orchestrator.store import deliveries as rows
from tests.fixtures.deliveries import outbox_of


def _delivery(ctx, delivery_id: int):
    with ctx.db.read() as conn:
        return rows.get(conn, delivery_id), audit.events(conn, "delivery", delivery_id)


def test_a_delivery_waiting_for_its_backoff_is_queued_now(ctx, sandbox, waiting_delivery):
    delivery_id = waiting_delivery.delivery_id
    waiting, _ = _delivery(ctx, delivery_id)
    assert waiting.next_attempt_at > ctx.now()
    assert deliver(ctx, delivery_id) is None  # not due yet: the claim refuses it
    publishing.retry_delivery(ctx, delivery_id)
    queued, events = _delivery(ctx, delivery_id)
    assert queued.status is D.QUEUED and queued.next_attempt_at is None
    assert [q for _, _, q in outbox_of(ctx, delivery_id)] == [queue_for("x")]
    assert [(e["actor"], e["action"], e["detail"]) for e in events] == [
        ("editor", "retry", {"previous": "retry_wait"})]
    assert deliver(ctx, delivery_id).status is D.PUBLISHED  # no waiting for the backoff
    assert [p.text for p in sandbox.posts("x", "1001")] == [waiting_delivery.text]


def test_retrying_a_waiting_delivery_needs_the_operator_role(ctx, waiting_delivery):
    now = ctx.now()
    with ctx.db.write() as conn:
        add_user(conn, acting=ctx.user, name="admin", roles=["admin"], now=now)
        add_user(conn, acting="admin", name="ani", roles=["author"], now=now)
        add_user(conn, acting="admin", name="citra", roles=["operator"], now=now)
    delivery_id = waiting_delivery.delivery_id
    ctx.settings = ctx.settings.with_user("ani")
    with pytest.raises(AccessDenied, match="operator"):
        publishing.retry_delivery(ctx, delivery_id)
    delivery, events = _delivery(ctx, delivery_id)
    assert delivery.status is D.RETRY_WAIT and events == [] and outbox_of(ctx, delivery_id) == []
    ctx.settings = ctx.settings.with_user("citra")
    publishing.retry_delivery(ctx, delivery_id)
    delivery, events = _delivery(ctx, delivery_id)
    assert delivery.status is D.QUEUED and [e["actor"] for e in events] == ["citra"]


def test_an_unknown_delivery_is_still_retried_only_with_force(ctx, sandbox, waiting_delivery):
    delivery_id = waiting_delivery.delivery_id
    publishing.retry_delivery(ctx, delivery_id)
    sandbox.add_fault("x", "commit_then_drop", account="1001", count=1)
    assert deliver(ctx, delivery_id).status is D.UNKNOWN
    outbox = outbox_of(ctx, delivery_id)
    with pytest.raises(InvalidTransition, match="--force"):
        publishing.retry_delivery(ctx, delivery_id)
    delivery, events = _delivery(ctx, delivery_id)
    assert delivery.status is D.UNKNOWN and outbox_of(ctx, delivery_id) == outbox
    assert [e["detail"]["previous"] for e in events] == ["retry_wait"]


def test_a_published_delivery_is_not_retried(ctx, waiting_delivery):
    delivery_id = waiting_delivery.delivery_id
    publishing.retry_delivery(ctx, delivery_id)
    assert deliver(ctx, delivery_id).status is D.PUBLISHED
    with ctx.db.write() as conn:
        rows.remove_from_outbox(conn, [o for o, _, _ in outbox_of(ctx, delivery_id)])
    with pytest.raises(InvalidTransition, match="published to queued"):
        publishing.retry_delivery(ctx, delivery_id)
    assert outbox_of(ctx, delivery_id) == []
