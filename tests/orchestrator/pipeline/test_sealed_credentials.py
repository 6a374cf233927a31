"""Credentials this process cannot decrypt hold a delivery, never fail it; a channel the
system moves to ``needs_reauth`` leaves an audit event."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet
from sqlalchemy import select

from orchestrator.channels import admin as channel_admin
from orchestrator.domain.states import ChannelState
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline.delivery import deliver
from orchestrator.runtime.secrets import CredentialBox
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as rows
from orchestrator.store.schema import audit_events
from tests.fixtures.sandbox import credentials


def published_now(ctx, channel: str, text: str) -> int:
    post_id = workflow.create_post(ctx, title="T", text=text, pillar="informatif",
                                   channels=[channel])
    workflow.submit(ctx, post_id)
    workflow.approve(ctx, post_id)
    publishing.publish_now(ctx, post_id)
    with ctx.db.read() as conn:
        (delivery,) = rows.for_post(conn, post_id)
    return delivery.id


def test_credentials_sealed_under_another_key_hold_the_delivery(ctx, sandbox):
    creds = credentials("x", "1001")
    channel = channel_admin.add_channel(ctx, name="x", platform="x", api_base=sandbox.url,
                                        credentials=creds, rate_limits=())
    delivery_id = published_now(ctx, "x", "Kunci lain.")
    foreign = CredentialBox(Fernet.generate_key()).seal(creds)
    with ctx.db.write() as conn:
        good = channel_rows.sealed_credentials(conn, channel.id)
        channel_rows.change(conn, channel.id, credentials=foreign)
    assert deliver(ctx, delivery_id).status is D.HELD
    with ctx.db.read() as conn:
        held = rows.get(conn, delivery_id)
        attempts = rows.attempts_of(conn, delivery_id)
    assert held.status is D.HELD and held.attempts == 0 and attempts == []
    assert "cannot be decrypted" in held.error and "channel resume x" in held.error
    assert sandbox.requests("x") == []
    with ctx.db.write() as conn:  # the key is restored: resume releases the delivery
        channel_rows.change(conn, channel.id, credentials=good)
    channel_admin.resume(ctx, "x")
    assert deliver(ctx, delivery_id).status is D.PUBLISHED
    assert [p.text for p in sandbox.posts("x", "1001")] == ["Kunci lain."]


def test_a_system_move_to_needs_reauth_is_audited(ctx, sandbox):
    channel_admin.add_channel(ctx, name="x", platform="x", api_base=sandbox.url,
                              credentials=credentials("x", "1002"), rate_limits=())
    delivery_id = published_now(ctx, "x", "Token kedaluwarsa.")
    sandbox.add_fault("x", "status", account="1002", status=401)
    assert deliver(ctx, delivery_id).status is D.FAILED
    assert channel_admin.get_channel(ctx, "x").state is ChannelState.NEEDS_REAUTH
    with ctx.db.read() as conn:
        (event,) = conn.execute(select(audit_events).where(
            audit_events.c.action == "channel_needs_reauth")).all()
    detail = json.loads(event.detail)
    assert event.actor == "siaran" and event.entity == "channel"
    assert detail["previous"] == "active" and detail["worker"]
    assert "SECRET" not in event.detail
