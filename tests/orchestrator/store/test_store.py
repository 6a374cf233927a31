"""The store on SQLite and PostgreSQL: rows, compare-and-set, the claim guard, the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from connectors.errors import ConfigError, InvalidTransition, NotFound
from orchestrator.domain.model import Attempt, PostMedia
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.domain.states import PostStatus as P
from orchestrator.pipeline.rollup import roll_up
from orchestrator.runtime.secrets import CredentialBox
from orchestrator.store import audit, channels, deliveries, posts, work
from orchestrator.store.db import Database
from orchestrator.store.schema import channels as channels_table

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
BOX = CredentialBox(b"q2ZtVYhQ3Qb8u8b7cU2FvU9vH8mT3kqf3Zc7o2gXc2k=")


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


def _channel(conn, name="x-main", platform="x"):
    return channels.add(conn, name=name, platform=platform, api_base=None,
                        sealed_credentials=BOX.seal({"bearer_token": "tok-secret-42"}), now=NOW)


def _approved_post(conn, channel_ids, at=NOW):
    post_id = posts.insert_post(conn, title="T", pillar="informatif", body="Halo",
                                variants={}, scheduled_at=at, author="a",
                                channel_ids=channel_ids, now=NOW)
    posts.move(conn, post_id, P.DRAFT, P.IN_REVIEW, NOW)
    posts.move(conn, post_id, P.IN_REVIEW, P.APPROVED, NOW, approver="b")
    deliveries.create(conn, post_id, channel_ids, NOW)
    return post_id


def test_channel_round_trip_and_unique_name(db):
    with db.write() as conn:
        made = _channel(conn)
    with db.read() as conn:
        assert channels.by_name(conn, "x-main") == made
        assert BOX.open(channels.sealed_credentials(conn, made.id)) == {
            "bearer_token": "tok-secret-42"}
        raw = conn.execute(select(channels_table.c.credentials)).scalar_one()
    assert "tok-secret-42" not in raw
    with pytest.raises(ConfigError, match="already exists"), db.write() as conn:
        _channel(conn)
    with pytest.raises(NotFound), db.read() as conn:
        channels.by_name(conn, "nope")


def test_times_come_back_as_aware_utc(db):
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC) + timedelta(hours=0)
    with db.write() as conn:
        c = _channel(conn)
        post_id = _approved_post(conn, [c.id], at=at)
    with db.read() as conn:
        assert posts.get(conn, post_id).scheduled_at == at
        assert posts.due(conn, at - timedelta(seconds=1), 10) == []
        assert posts.due(conn, at, 10) == [post_id]


def test_post_move_is_compare_and_set(db):
    with db.write() as conn:
        c = _channel(conn)
        post_id = _approved_post(conn, [c.id])
    with pytest.raises(InvalidTransition), db.write() as conn:
        posts.move(conn, post_id, P.IN_REVIEW, P.APPROVED, NOW)  # already approved
    with pytest.raises(InvalidTransition), db.write() as conn:
        posts.move(conn, post_id, P.APPROVED, P.PUBLISHED, NOW)  # illegal move


def test_claim_succeeds_once_and_only_for_a_publishing_post(db):
    with db.write() as conn:
        c = _channel(conn)
        post_id = _approved_post(conn, [c.id])
        (delivery,) = deliveries.for_post(conn, post_id)
        deliveries.move(conn, delivery.id, [D.PENDING], D.QUEUED, NOW)
    with db.write() as conn:
        assert not deliveries.claim(conn, delivery.id, "w1", NOW)  # post not publishing
        posts.move(conn, post_id, P.APPROVED, P.PUBLISHING, NOW)
    with db.write() as conn:
        won = deliveries.claim(conn, delivery.id, "w1", NOW)
    assert won.attempts == 1 and won.first_attempt_at == NOW
    with db.write() as conn:
        assert deliveries.claim(conn, delivery.id, "w2", NOW) is None
    with db.read() as conn:
        claimed = deliveries.get(conn, delivery.id)
    assert claimed.status is D.SENDING and claimed.attempts == 1


def test_work_of_a_delivery_is_read_in_one_go(db):
    with db.write() as conn:
        c = _channel(conn)
        other = _channel(conn, "fb-main", "facebook")
        post_id = _approved_post(conn, [c.id, other.id])
        delivery = next(d for d in deliveries.for_post(conn, post_id) if d.channel_id == c.id)
    with db.read() as conn:
        found = work.read(conn, delivery.id, NOW)
        post = posts.complete(conn, found.post_row)
        assert work.read(conn, delivery.id + 1000, NOW) is None
    assert found.delivery == delivery
    assert found.channel == c and BOX.open(found.sealed) == {"bearer_token": "tok-secret-42"}
    assert found.channel_names == ("fb-main", "x-main") and not found.has_media
    with db.read() as conn:
        post = posts.complete(conn, found.post_row, names=found.channel_names,
                              has_media=found.has_media)
        assert post == posts.get(conn, post_id)
    assert post.channels == ("fb-main", "x-main")
    assert post.body == "Halo" and post.status is P.APPROVED


def test_work_knows_whether_the_post_has_media(db):
    photo = PostMedia("ab" * 32, "image/jpeg", 1234, "jpg", "Peta lokasi")
    with db.write() as conn:
        c = _channel(conn)
        post_id = posts.insert_post(conn, title="T", pillar="informatif", body="Halo", variants={},
                                    scheduled_at=NOW, author="a", channel_ids=[c.id], now=NOW,
                                    media=(photo,))
        deliveries.create(conn, post_id, [c.id], NOW)
        (delivery,) = deliveries.for_post(conn, post_id)
    with db.read() as conn:
        found = work.read(conn, delivery.id, NOW)
        assert found.has_media and found.channel_names == ("x-main",)
        assert posts.complete(conn, found.post_row, names=found.channel_names).media == (photo,)


def test_retry_wait_is_not_claimed_before_its_time(db):
    with db.write() as conn:
        c = _channel(conn)
        post_id = _approved_post(conn, [c.id])
        posts.move(conn, post_id, P.APPROVED, P.PUBLISHING, NOW)
        (delivery,) = deliveries.for_post(conn, post_id)
        deliveries.move(conn, delivery.id, [D.PENDING], D.QUEUED, NOW)
        deliveries.claim(conn, delivery.id, "w1", NOW)
        deliveries.move(conn, delivery.id, [D.SENDING], D.RETRY_WAIT, NOW,
                        next_attempt_at=NOW + timedelta(seconds=60))
    with db.write() as conn:
        assert not deliveries.claim(conn, delivery.id, "w1", NOW + timedelta(seconds=30))
    with db.write() as conn:
        assert deliveries.claim(conn, delivery.id, "w1", NOW + timedelta(seconds=60))


def test_outbox_and_attempts_and_rollup(db):
    with db.write() as conn:
        x = _channel(conn)
        fb = _channel(conn, "fb-main", "facebook")
        post_id = _approved_post(conn, [x.id, fb.id])
        posts.move(conn, post_id, P.APPROVED, P.PUBLISHING, NOW)
        for d in deliveries.for_post(conn, post_id):
            deliveries.move(conn, d.id, [D.PENDING], D.QUEUED, NOW)
            deliveries.add_to_outbox(conn, d.id, f"publish.{d.platform}", NOW)
    with db.read() as conn:
        batch = deliveries.outbox_batch(conn, 10)
    assert sorted(q for _, _, q in batch) == ["publish.facebook", "publish.x"]
    with db.write() as conn:
        deliveries.remove_from_outbox(conn, [batch[0][0]])
        assert len(deliveries.outbox_batch(conn, 10)) == 1
        first, second = deliveries.for_post(conn, post_id)
        for d, status in ((first, D.PUBLISHED), (second, D.FAILED)):
            deliveries.claim(conn, d.id, "w", NOW)
            deliveries.record_attempt(conn, Attempt(d.id, NOW, NOW, "w", "x", 401,
                                                    "auth_expired", "Unauthorized"), "m-1")
            deliveries.move(conn, d.id, [D.SENDING], status, NOW)
        assert roll_up(conn, post_id, NOW) is P.PARTIALLY_PUBLISHED
        log = deliveries.attempts_of(conn, second.id)
    assert log[0]["http_status"] == 401 and log[0]["message_id"] == "m-1"


def test_queue_pending_moves_every_target_and_writes_the_outbox_or_refuses(db):
    with db.write() as conn:
        c, other = _channel(conn), _channel(conn, "fb-main", "facebook")
        post_id = _approved_post(conn, [c.id, other.id])
        targets = deliveries.pending_targets(conn, post_id)
        assert [(name, state) for _, name, _, state in targets] == [
            ("x-main", "active"), ("fb-main", "active")]
        assert deliveries.queue_pending(
            conn, [(d, f"publish.{platform}") for d, _, platform, _ in targets], NOW) == 2
        assert deliveries.pending_targets(conn, post_id) == []
        assert sorted(d for _, d, _ in deliveries.outbox_batch(conn, 10)) == sorted(
            d for d, *_ in targets)
    with pytest.raises(InvalidTransition), db.write() as conn:  # no longer pending
        deliveries.queue_pending(conn, [(targets[0][0], "publish.x")], NOW)


def test_installation_facts_are_set_once_and_changed(database_url):
    from orchestrator.store import installation

    db = Database(database_url)
    with db.write() as conn:
        assert installation.get(conn, "key_fingerprint") is None
        installation.put(conn, "key_fingerprint", "aaaa", NOW)
    with db.write() as conn:
        installation.put(conn, "key_fingerprint", "bbbb", NOW)
    with db.read() as conn:
        assert installation.get(conn, "key_fingerprint") == "bbbb"
    db.dispose()


def test_the_audit_trails_of_many_entities_come_in_one_answer(db):
    with db.write() as conn:
        for entity, entity_id, action in (("delivery", 1, "retry"), ("post", 1, "approve"),
                                          ("delivery", 2, "resolve"), ("delivery", 1, "cancel")):
            audit.record(conn, actor="ani", action=action, entity=entity, entity_id=entity_id,
                         now=NOW)
    with db.read() as conn:
        trails = audit.events_of_many(conn, "delivery", [1, 2, 3])
        assert audit.events_of_many(conn, "delivery", []) == {}
        single = [audit.events(conn, "delivery", i) for i in (1, 2, 3)]
    assert {i: [e["action"] for e in t] for i, t in trails.items()} == {
        1: ["retry", "cancel"], 2: ["resolve"], 3: []}
    assert [trails[i] for i in (1, 2, 3)] == single
