"""Engagement read back from the sandbox through the real client libraries."""

from __future__ import annotations

from datetime import timedelta

from ops.engagement import pull
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import engagement as rows
from tests.ops.engagement.helpers import NAMES, add_channels, publish, with_media_url

HOUR = 3600


def later(ctx, seconds: float):
    """The same context, ``seconds`` later."""
    from dataclasses import replace

    moment = ctx.now() + timedelta(seconds=seconds)
    return replace(ctx, clock=lambda: moment)


def snapshots(ctx, post_id: int) -> dict[str, list[dict]]:
    with ctx.db.read() as conn:
        found = {}
        for d in delivery_rows.for_post(conn, post_id):
            name = next(k for k, v in NAMES.items() if v == _channel(conn, d.channel_id))
            found[name] = rows.snapshots_of(conn, d.id)
        return found


def _channel(conn, channel_id: int) -> str:
    from orchestrator.store import channels

    return channels.by_id(conn, channel_id).name


def test_metrics_are_read_for_x_facebook_instagram_and_wordpress_and_telegram_shows_none(
        ctx, sandbox, tmp_path):
    ctx = with_media_url(ctx)
    add_channels(ctx, sandbox)
    post_id = publish(ctx, list(NAMES), tmp_path=tmp_path)
    sandbox.state.advance(2 * HOUR)
    result = pull.pull_now(ctx, post_id)
    assert (result.read, result.failed, result.missing) == (5, 0, 0)
    found = {name: snaps[-1] for name, snaps in snapshots(ctx, post_id).items()}
    x, fb, ig = found["x"], found["facebook"], found["instagram"]
    assert x["views"] > 0 and x["reactions"] > 0 and x["reach"] is None
    assert set(__import__("json").loads(x["raw"])) == {
        "impression_count", "like_count", "retweet_count", "reply_count", "quote_count",
        "bookmark_count"}
    assert fb["views"] > 0 and fb["reach"] > 0 and fb["reactions"] > 0 and fb["saves"] is None
    assert all(ig[k] is not None for k in ("views", "reach", "reactions", "comments",
                                           "shares", "saves"))
    assert found["wordpress"]["comments"] is not None and found["wordpress"]["views"] is None
    tg = found["telegram"]
    assert all(tg[k] is None for k in ("views", "reach", "reactions", "comments", "shares",
                                       "saves"))
    paths = {r.path.split("?")[0] for r in sandbox.requests() if r.method == "GET"}
    assert "/2/tweets" in paths and "/wp-json/wp/v2/comments" in paths
    assert any(p.endswith("/insights") for p in paths)


def test_numbers_grow_with_age_and_a_later_reading_counts(ctx, sandbox):
    add_channels(ctx, sandbox, ["x"])
    post_id = publish(ctx, ["x"])
    sandbox.state.advance(HOUR)
    pull.pull_now(ctx, post_id)
    sandbox.state.advance(10 * HOUR)
    pull.pull_now(ctx, post_id)
    first, second = snapshots(ctx, post_id)["x"]
    assert second["views"] > first["views"]


def test_a_platform_error_never_touches_a_deliverys_state(ctx, sandbox):
    add_channels(ctx, sandbox, ["x", "facebook"])
    post_id = publish(ctx, ["x", "facebook"])
    with ctx.db.read() as conn:
        before = sorted((d.id, d.status, d.updated_at, d.error, d.attempts)
                        for d in delivery_rows.for_post(conn, post_id))
    sandbox.add_fault("x", "status", status=503)
    sandbox.add_fault("facebook", "expired_token")
    result = pull.pull_due(later(ctx, HOUR + 1))
    assert result.read == 0 and result.failed == 2 and set(result.errors) == {
        "x-main", "fb-main"}
    with ctx.db.read() as conn:
        after = sorted((d.id, d.status, d.updated_at, d.error, d.attempts)
                       for d in delivery_rows.for_post(conn, post_id))
        due = rows.due(conn, later(ctx, HOUR + 1).now(), 100)
    assert after == before
    assert len(due) == 2  # still due: retried on the next round
    sandbox.clear_faults()
    assert pull.pull_due(later(ctx, HOUR + 2)).read == 2


def test_the_decaying_schedule_reads_the_right_deliveries_at_the_right_ages(ctx, sandbox):
    add_channels(ctx, sandbox, ["x"])
    young, old = publish(ctx, ["x"]), publish(ctx, ["x"])
    with ctx.db.write() as conn:
        (d_old,) = delivery_rows.for_post(conn, old)
    pull.enrol(ctx)
    # The older post was published 30 hours ago: its watch row says so.
    from sqlalchemy import update

    from orchestrator.store.schema import engagement_watch
    published = ctx.now() - timedelta(hours=30)
    with ctx.db.write() as conn:
        conn.execute(update(engagement_watch)
                     .where(engagement_watch.c.delivery_id == d_old.id)
                     .values(published_at=published,
                             next_pull_at=published + timedelta(hours=1)))
    # 10 minutes on: only the old one is due (its first read is long past).
    result = pull.pull_due(later(ctx, 600))
    assert result.read == 1
    assert [s for s in snapshots(ctx, young)["x"]] == []
    with ctx.db.read() as conn:
        (row,) = [w for w in rows.open_ones(conn) if w.delivery_id == d_old.id]
        nxt = conn.execute(engagement_watch.select().where(
            engagement_watch.c.delivery_id == d_old.id)).one()
    # At 30 h old the schedule reads every 12 h: next at 36 h.
    assert nxt.next_pull_at == published + timedelta(hours=36)
    # An hour on: the young one's first read is due, the old one is not.
    result = pull.pull_due(later(ctx, HOUR + 1))
    assert result.read == 1 and len(snapshots(ctx, young)["x"]) == 1
    # 8 days on: both read once more, then the schedule is over.
    pull.pull_due(later(ctx, 8 * 24 * HOUR))
    assert pull.pull_due(later(ctx, 9 * 24 * HOUR)).read == 0
    with ctx.db.read() as conn:
        assert rows.open_ones(conn) == []


def test_x_is_read_in_batches_of_at_most_100_ids(ctx, sandbox):
    add_channels(ctx, sandbox, ["x"])
    post_ids = [publish(ctx, ["x"]) for _ in range(3)]
    with ctx.db.write() as conn:
        (d,) = delivery_rows.for_post(conn, post_ids[0])
    watched = [rows.Watched(d.id, post_ids[0], d.channel_id, d.external_id, ctx.now())]
    # 250 ids of one channel (the real one repeated, and unknown ones) in one round.
    watched += [rows.Watched(d.id, post_ids[0], d.channel_id, str(10**18 + i), ctx.now())
                for i in range(249)]
    before = len([r for r in sandbox.requests("x") if r.path == "/2/tweets"
                  and r.method == "GET"])
    result = pull.read(ctx, watched, scheduled=False)
    lookups = [r for r in sandbox.requests("x") if r.path == "/2/tweets" and r.method == "GET"]
    assert len(lookups) - before == 3  # ⌈250 / 100⌉; the sandbox refuses more than 100 ids
    assert all(r.status == 200 for r in lookups)
    assert result.read == 1 and result.missing == 249
