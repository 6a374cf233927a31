"""A channel's status for the console: held deliveries, last success and failure, the
posting windows the workers' guards count in Redis (unknown without Redis), and the names
of the credentials its platform reads."""

from __future__ import annotations

from dataclasses import replace

import redis

from orchestrator.channels import admin, status
from orchestrator.domain.limits import RateLimit
from orchestrator.pipeline.guards import Guards
from tests.fixtures.sandbox import credentials, demo_account


def add(ctx, name: str, platform: str, limits=None):
    return admin.add_channel(ctx, name=name, platform=platform, api_base="http://127.0.0.1:9",
                             rate_limits=limits,
                             credentials=credentials(platform, demo_account(platform),
                                                     "http://127.0.0.1:9"))


def test_window_use_comes_from_the_guards_in_redis(ctx, redis_url):
    channel = add(ctx, "tg", "telegram", (RateLimit(10, 3600),))
    add(ctx, "fb", "facebook", ())
    guards = Guards(redis.Redis.from_url(redis_url), ctx.settings.redis_namespace)
    for _ in range(3):
        assert guards.admit(channel.id, channel.posting_limits).ok
    found = {s.channel.name: s for s in status.channel_statuses(ctx)}
    assert [(w.limit, w.used) for w in found["tg"].windows] == [(RateLimit(10, 3600), 3)]
    assert found["fb"].windows == ()
    one = status.channel_status(ctx, "tg")
    assert one.held == 0 and one.last_success_at is None and one.last_failure is None


def test_without_redis_the_use_is_unknown_and_the_rest_is_read(ctx):
    add(ctx, "x", "x")  # X's default cap: 100 per 15 minutes
    unreachable = replace(ctx, settings=replace(ctx.settings,
                                                redis_url="redis://127.0.0.1:9/0"))
    (shown,) = status.channel_statuses(unreachable)
    assert [(str(w.limit), w.used) for w in shown.windows] == [("100/15m", None)]


def test_the_credential_fields_are_the_connectors_keys():
    x = status.credential_fields("x")
    assert ("bearer_token",) in x.sets and x.optional == ("media_upload",)
    assert x.keys[-1] == "media_upload" and len(set(x.keys)) == len(x.keys)
    assert status.credential_fields("wordpress").sets == (
        ("application_password", "site_url", "username"),)
