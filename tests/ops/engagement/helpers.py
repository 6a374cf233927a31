"""Published deliveries on the sandbox, made the way Siaran makes them (publish now, then
the delivery code the workers run), for the engagement tests of this package."""

from __future__ import annotations

import uuid
from dataclasses import replace

from orchestrator.channels import admin as channel_admin
from orchestrator.cli.sample_image import write_flag
from orchestrator.domain.states import DeliveryStatus
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline.delivery import deliver
from orchestrator.runtime.context import Context
from orchestrator.store import deliveries as rows
from tests.fixtures.sandbox import credentials, demo_account

NAMES = {"x": "x-main", "facebook": "fb-main", "instagram": "ig-main", "telegram": "tg-main",
         "wordpress": "web-main"}


def with_media_url(ctx: Context) -> Context:
    """Instagram fetches media by URL; the sandbox takes any URL."""
    return replace(ctx, settings=replace(ctx.settings,
                                         media_base_url="http://127.0.0.1:9/media"))


def add_channels(ctx: Context, sandbox, platforms=tuple(NAMES)) -> None:
    for platform in platforms:
        channel_admin.add_channel(ctx, name=NAMES[platform], platform=platform,
                                  api_base=sandbox.url, rate_limits=(),
                                  credentials=credentials(platform, demo_account(platform),
                                                          sandbox.url))


def publish(ctx: Context, platforms, *, pillar: str = "informatif", tmp_path=None) -> int:
    """One post on the channels of ``platforms``, published; its id."""
    media = None
    if "instagram" in platforms:
        flag = write_flag(tmp_path / f"flag-{uuid.uuid4().hex[:6]}.jpg")
        media = [(str(flag), "Bendera Merah Putih")]
    post_id = workflow.create_post(
        ctx, title="T", text=f"Pengumuman {uuid.uuid4().hex[:10]}", pillar=pillar,
        channels=[NAMES[p] for p in platforms], media=media)
    workflow.submit(ctx, post_id)
    workflow.approve(ctx, post_id)
    publishing.publish_now(ctx, post_id)
    with ctx.db.write() as conn:
        rows.remove_from_outbox(conn, [o for o, _, _ in rows.outbox_batch(conn, 10_000)])
        found = rows.for_post(conn, post_id)
    for delivery in found:
        outcome = deliver(ctx, delivery.id)
        assert outcome is not None and outcome.status is DeliveryStatus.PUBLISHED, outcome
    return post_id
