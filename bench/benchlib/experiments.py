"""Worker entry module for measuring proposed changes before anyone makes them.

``python -m dramatiq benchlib.experiments`` (``bench/`` on ``PYTHONPATH``) applies the
patches named in ``BENCH_EXPERIMENTS`` (comma-separated) to Siaran's modules, then loads
Siaran's worker exactly as ``orchestrator.worker_main`` does. ``bench/throughput.py
--experiments NAME,…`` runs its Siaran workers through here. Each patch is the change a
proposal in docs/BENCHMARKS.md describes, written so that it can be measured today; each
checks that the code it replaces still looks as expected and refuses to run otherwise.
Once a proposal is adopted (or rejected) its patch here should be deleted.

- ``prebuilt``: the statements of the delivery hot path (claim, reads, attempt, move,
  roll-up) are built once with bind parameters instead of on every call
  (``orchestrator/store/deliveries.py``, ``channels.py``, ``posts.py``, ``rollup.py``).
- ``env_once``: an HTTP session works out the environment's proxy and CA settings for its
  host once, not on every request (``connectors/http.py``, ``RebasingSession``).
- ``sqlite_lock``: writers of one process queue on a lock before ``BEGIN IMMEDIATE``
  instead of polling SQLite's busy handler (``orchestrator/store/db.py``,
  ``Database.write``).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

from sqlalchemy import and_, bindparam, exists, func, insert, or_, select, update

NAMES = ("prebuilt", "env_once", "sqlite_lock")


def _expect(module, *names: str) -> None:
    missing = [n for n in names if not hasattr(module, n)]
    if missing:
        raise SystemExit(f"experiment no longer applies: {module.__name__} lacks {missing}")


def prebuilt() -> None:
    from orchestrator import rollup as rollup_module
    from orchestrator.domain.model import PostMedia
    from orchestrator.domain.states import CLAIMABLE, DeliveryStatus, PostStatus, move_delivery
    from orchestrator.domain.states import rollup as rollup_states
    from orchestrator.errors import NotFound
    from orchestrator.store import channels as ch
    from orchestrator.store import deliveries as dl
    from orchestrator.store import posts as po
    from orchestrator.store.schema import attempts, channels, deliveries, post_channels, posts

    _expect(dl, "_COLUMNS", "_JOINED", "_delivery", "CLOCK_TOLERANCE", "find", "claim", "move",
            "statuses", "record_attempt")
    _expect(ch, "_PUBLIC", "_channel", "by_id", "sealed_credentials")
    _expect(po, "_post", "get")
    _expect(rollup_module, "FOLLOWING", "roll_up")
    from orchestrator.store import schema

    _expect(schema, "post_media")
    post_media = schema.post_media

    find_stmt = select(*dl._COLUMNS).select_from(dl._JOINED).where(
        deliveries.c.id == bindparam("d"))
    claim_stmt = update(deliveries).where(
        deliveries.c.id == bindparam("d"),
        deliveries.c.status.in_([s.value for s in CLAIMABLE]),
        exists().where(and_(posts.c.id == deliveries.c.post_id,
                            posts.c.status == PostStatus.PUBLISHING.value)),
        or_(deliveries.c.next_attempt_at.is_(None),
            deliveries.c.next_attempt_at <= bindparam("latest")),
    ).values(status=DeliveryStatus.SENDING.value, claimed_by=bindparam("w"),
             claimed_at=bindparam("now"), attempts=deliveries.c.attempts + 1,
             first_attempt_at=func.coalesce(deliveries.c.first_attempt_at, bindparam("now")),
             updated_at=bindparam("now"))
    channel_stmt = select(*ch._PUBLIC).where(channels.c.id == bindparam("c"))
    sealed_stmt = select(channels.c.credentials).where(channels.c.id == bindparam("c"))
    post_stmt = select(posts).where(posts.c.id == bindparam("p"))
    names_stmt = (select(channels.c.name)
                  .join(post_channels, post_channels.c.channel_id == channels.c.id)
                  .where(post_channels.c.post_id == bindparam("p")).order_by(channels.c.name))
    media_stmt = (select(post_media).where(post_media.c.post_id == bindparam("p"))
                  .order_by(post_media.c.position))
    attempt_stmt = insert(attempts)
    statuses_stmt = select(deliveries.c.status).where(deliveries.c.post_id == bindparam("p"))
    post_status_stmt = (select(posts.c.status).where(posts.c.id == bindparam("p"))
                        .with_for_update())
    moves: dict[tuple[str, ...], object] = {}

    def find(conn, delivery_id):
        row = conn.execute(find_stmt, {"d": delivery_id}).first()
        return None if row is None else dl._delivery(row)

    def claim(conn, delivery_id, worker, now):
        return conn.execute(claim_stmt, {"d": delivery_id, "latest": now + dl.CLOCK_TOLERANCE,
                                         "w": worker, "now": now}).rowcount == 1

    def by_id(conn, channel_id):
        row = conn.execute(channel_stmt, {"c": channel_id}).first()
        if row is None:
            raise NotFound(f"no channel with id {channel_id}")
        return ch._channel(row)

    def sealed_credentials(conn, channel_id):
        return conn.execute(sealed_stmt, {"c": channel_id}).scalar_one()

    def get_post(conn, post_id):
        row = conn.execute(post_stmt, {"p": post_id}).first()
        if row is None:
            raise NotFound(f"no post with id {post_id}")
        names = conn.execute(names_stmt, {"p": post_id}).scalars()
        media = conn.execute(media_stmt, {"p": post_id})
        return po._post(row, tuple(names), tuple(
            PostMedia(m.digest, m.mime, m.size, m.ext, m.alt_text) for m in media))

    def record_attempt(conn, attempt, message_id):
        conn.execute(attempt_stmt, {
            "delivery_id": attempt.delivery_id, "started_at": attempt.started_at,
            "finished_at": attempt.finished_at, "worker": attempt.worker,
            "message_id": message_id, "outcome": attempt.outcome,
            "http_status": attempt.http_status, "error_kind": attempt.error_kind,
            "excerpt": attempt.excerpt})

    def move(conn, delivery_id, sources, target, now, **fields):
        sources = list(sources)
        for source in sources:
            move_delivery(source, target)
        key = tuple(sorted(fields))
        stmt = moves.get(key)
        if stmt is None:
            stmt = moves[key] = update(deliveries).where(
                deliveries.c.id == bindparam("m_id"),
                deliveries.c.status.in_(bindparam("m_sources", expanding=True)),
            ).values(status=bindparam("m_target"), updated_at=bindparam("m_now"),
                     **{k: bindparam(f"f_{k}") for k in key})
        return conn.execute(stmt, {
            "m_id": delivery_id, "m_sources": [s.value for s in sources],
            "m_target": target.value, "m_now": now,
            **{f"f_{k}": v for k, v in fields.items()}}).rowcount == 1

    def statuses(conn, post_id):
        return [DeliveryStatus(s) for s in conn.execute(statuses_stmt, {"p": post_id}).scalars()]

    def roll_up(conn, post_id, now):
        current = PostStatus(conn.execute(post_status_stmt, {"p": post_id}).scalar_one())
        if current not in rollup_module.FOLLOWING:
            return current
        target = rollup_states(statuses(conn, post_id))
        if target is not current:
            po.move(conn, post_id, current, target, now)
        return target

    dl.find, dl.claim, dl.move, dl.statuses, dl.record_attempt = (
        find, claim, move, statuses, record_attempt)
    ch.by_id, ch.sealed_credentials, po.get = by_id, sealed_credentials, get_post
    rollup_module.roll_up = roll_up
    from orchestrator import delivery

    delivery.roll_up = roll_up  # bound by name at import


def env_once() -> None:
    from urllib.parse import urlsplit

    from connectors import http

    _expect(http, "RebasingSession")
    original = http.RebasingSession.merge_environment_settings

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        if proxies:
            return original(self, url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, stream, verify, cert)
        cache = self.__dict__.setdefault("_environment_settings", {})
        if key not in cache:
            cache[key] = original(self, url, proxies, stream, verify, cert)
        settings = cache[key]
        return {**settings, "proxies": dict(settings["proxies"])}

    http.RebasingSession.merge_environment_settings = merge_environment_settings


def sqlite_lock() -> None:
    from orchestrator.store.db import Database

    original = Database.write
    lock = threading.Lock()

    @contextmanager
    def write(self):
        if not self.is_sqlite:
            with original(self) as conn:
                yield conn
            return
        with lock, original(self) as conn:
            yield conn

    Database.write = write


for _name in filter(None, os.environ.get("BENCH_EXPERIMENTS", "").split(",")):
    if _name not in NAMES:
        raise SystemExit(f"unknown experiment {_name!r}; known: {', '.join(NAMES)}")
    globals()[_name]()

from orchestrator import worker_main  # noqa: E402,F401 - Siaran's worker, after the patches
