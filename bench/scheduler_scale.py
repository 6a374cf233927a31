"""Scheduler scale: one scheduler tick with a small calendar and with a million future posts
and a thousand active series.

A tick is what the scheduler loop does each time it wakes: the embargo (the flag mirrored
into Redis, what an ended embargo held released), series occurrences come within their
horizon (``schedules.series.extend_due``), due-post dispatch
(``schedules.dispatch.dispatch_due``) and the outbox relay (``orchestrator.pipeline.outbox.relay``,
sending to Redis). The calendar holds 1,000 and then 1,000,000 approved future posts (quick:
100,000), each with its target channel and pending delivery, bulk-inserted with SQLAlchemy
Core; the largest calendar also holds 1,000 active weekly series (``--series``), written
out over their horizon and due for their next occurrence at moments spread over the coming
week, as in a calendar that has run for a while. Before every tick 10 posts (2 channels
each) are written and approved through the editorial API already due. The tick time should
not depend on the size of the calendar. PostgreSQL gets an ``ANALYZE`` after the bulk load,
as autovacuum would do on its own. ``catch_up_ms`` is one tick that also has
``SERIES_PER_TICK`` series to extend (the bounded work of a tick after a pause).

    python bench/scheduler_scale.py [--quick] [--no-postgres] [--sizes 1000,1000000]
                                    [--series 1000]
"""

from __future__ import annotations

import json
import random
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text, update

from benchlib.common import finish, machine, median, parser, say, workdir
from benchlib.services import bench_accounts, database, databases, redis_url
from benchlib.system import Siaran
from orchestrator.store.schema import deliveries, post_channels, posts, series
from schedules import series as series_service
from schedules.dispatch import next_due

DUE_POSTS = 10
CHUNK = 20_000
NOWHERE = "http://127.0.0.1:9"  # no request is made: nothing consumes the messages


def bulk_calendar(system: Siaran, size: int) -> float:
    """Insert ``size`` approved future posts (one channel each); returns seconds taken."""
    started = time.perf_counter()
    engine = system.ctx.db.engine
    with engine.connect() as conn:
        channel_ids = [row[0] for row in conn.execute(text("SELECT id FROM channels"))]
        first = (conn.execute(text("SELECT coalesce(max(id), 0) FROM posts")).scalar_one()) + 1
    now = datetime.now(UTC)
    step = timedelta(days=365) / size
    horizon = now + timedelta(hours=1)
    for lo in range(0, size, CHUNK):
        ids = range(first + lo, first + min(size, lo + CHUNK))
        post_rows = [{
            "id": i, "title": f"Kalender {i}", "pillar": "informatif",
            "body": f"Agenda terjadwal nomor {i}.", "variants": "{}", "status": "approved",
            "scheduled_at": horizon + step * (i - first), "author": "bench-editor",
            "approver": "bench-approver", "approved_hash": "0" * 64, "created_at": now,
            "updated_at": now} for i in ids]
        with engine.begin() as conn:
            conn.execute(insert(posts), post_rows)
            conn.execute(insert(post_channels), [
                {"post_id": i, "channel_id": channel_ids[i % len(channel_ids)]} for i in ids])
            conn.execute(insert(deliveries), [
                {"post_id": i, "channel_id": channel_ids[i % len(channel_ids)],
                 "status": "pending", "attempts": 0, "updated_at": now} for i in ids])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("posts", "deliveries"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def bulk_series(system: Siaran, count: int) -> None:
    """``count`` approved weekly series without end, written out over their horizon, each
    due for its next occurrence at a moment of the coming week."""
    engine = system.ctx.db.engine
    with engine.connect() as conn:
        channel_ids = [row[0] for row in conn.execute(text("SELECT id FROM channels"))]
    now = datetime.now(UTC)
    rng = random.Random(7)
    rows = []
    for i in range(count):
        refill = now + timedelta(seconds=rng.uniform(3600, 7 * 86400))
        last = refill + series_service.HORIZON - timedelta(weeks=1)
        rows.append({
            "rule": "FREQ=WEEKLY", "starts_at": last - timedelta(weeks=8),
            "timezone": "Asia/Jakarta", "title": f"Seri {i}", "pillar": "informatif",
            "body": f"Rubrik mingguan nomor {i}.", "variants": "{}", "options": "{}",
            "media": "[]", "channel_ids": json.dumps([channel_ids[i % len(channel_ids)]]),
            "status": "approved", "author": "bench-editor", "approver": "bench-approver",
            "approved_hash": "0" * 64, "materialised_until": last, "materialised": 9,
            "refill_at": refill, "created_at": now, "updated_at": now})
    with engine.begin() as conn:
        conn.execute(insert(series), rows)


def catch_up_tick(system: Siaran) -> float:
    """One tick with SERIES_PER_TICK series due (their refill moment moved to now)."""
    engine = system.ctx.db.engine
    with engine.begin() as conn:
        due = [r[0] for r in conn.execute(text(
            f"SELECT id FROM series ORDER BY refill_at LIMIT {series_service.SERIES_PER_TICK}"))]
        conn.execute(update(series).where(series.c.id.in_(due))
                     .values(refill_at=datetime.now(UTC) - timedelta(seconds=1)))
    system.write_posts(DUE_POSTS, per_post=2)
    started = time.perf_counter()
    system.tick()
    return time.perf_counter() - started


def tick_once(system: Siaran) -> tuple[float, float, float, float]:
    """Write the due posts, then time one tick and one ``next_due``: (tick, dispatch, relay,
    next_due) in seconds."""
    system.write_posts(DUE_POSTS, per_post=2)
    started = time.perf_counter()
    dispatched, relayed, dispatch_s, relay_s = system.tick()
    tick = time.perf_counter() - started
    t0 = time.perf_counter()
    next_due(system.ctx)
    nxt = time.perf_counter() - t0
    if dispatched != DUE_POSTS or relayed != 2 * DUE_POSTS:
        raise SystemExit(f"tick dispatched {dispatched} posts, relayed {relayed} messages; "
                         f"expected {DUE_POSTS} and {2 * DUE_POSTS}")
    return tick, dispatch_s, relay_s, nxt


def measure(systems: dict[int, Siaran], reps: int) -> dict[int, dict]:
    """Ticks on every calendar in turn (alternating the order), so that load from elsewhere
    on the machine falls on all of them alike. The first round only warms up."""
    samples: dict[int, list] = {size: [] for size in systems}
    order = list(systems)
    for i in range(reps + 1):
        for size in order if i % 2 else reversed(order):
            sample = tick_once(systems[size])
            if i:
                samples[size].append(sample)
    return {size: {"tick_ms": 1000 * median(t[0] for t in got),
                   "dispatch_ms": 1000 * median(t[1] for t in got),
                   "relay_ms": 1000 * median(t[2] for t in got),
                   "next_due_ms": 1000 * median(t[3] for t in got),
                   "ticks_ms": [round(1000 * t[0], 2) for t in got]}
            for size, got in samples.items()}


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0])
    p.add_argument("--sizes", help="calendar sizes, comma-separated (1000,1000000; quick "
                                   "1000,100000)")
    p.add_argument("--reps", type=int, help="ticks measured per size (default 15, quick 7)")
    p.add_argument("--series", type=int, default=1000,
                   help="active series in the largest calendar (default 1000)")
    args = p.parse_args()
    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
             else [1_000, 100_000] if args.quick else [1_000, 1_000_000])
    reps = args.reps or (7 if args.quick else 15)
    root = workdir("scheduler")
    redis = redis_url()
    kinds = databases(args.no_postgres)
    say(f"scheduler_scale: calendars of {', '.join(f'{s:,}' for s in sizes)} future posts "
        f"({args.series:,} active series in the largest), {DUE_POSTS} due posts per tick, "
        f"{reps} ticks; {', '.join(kinds)}; machine {machine()}")
    results: dict[str, dict] = {}
    started = time.monotonic()
    for kind in kinds:
        with ExitStack() as stack:
            systems: dict[int, Siaran] = {}
            loads: dict[int, float] = {}
            for size in sizes:
                url = stack.enter_context(database(kind, root))
                system = Siaran(root / f"{kind}-{size}", url, redis)
                stack.callback(system.close)
                system.add_channels(NOWHERE, bench_accounts(x=1, facebook=1))
                loads[size] = bulk_calendar(system, size)
                if size == sizes[-1] and args.series:
                    bulk_series(system, args.series)
                systems[size] = system
            rows = measure(systems, reps)
            rows[sizes[-1]]["catch_up_ms"] = 1000 * catch_up_tick(systems[sizes[-1]])
        for size, row in rows.items():
            row["load_s"] = round(loads[size], 1)
            results[f"{kind}_{size}"] = row
            say(f"  {kind:10s} {size:>9,} future posts: tick {row['tick_ms']:7.2f} ms "
                f"(dispatch {row['dispatch_ms']:.2f}, relay {row['relay_ms']:.2f}), next_due "
                f"{row['next_due_ms']:.2f} ms; bulk load {row['load_s']:.1f} s"
                + (f"; a catch-up tick with {series_service.SERIES_PER_TICK} series due "
                   f"{row['catch_up_ms']:.1f} ms" if "catch_up_ms" in row else ""))
    out: dict[str, object] = {"sizes": sizes, "series": args.series, "due_posts": DUE_POSTS,
                              "reps": reps, "machine": machine()}
    small, large = sizes[0], sizes[-1]
    ratios = []
    for kind in kinds:
        for size in sizes:
            row = results[f"{kind}_{size}"]
            for name in ("tick_ms", "dispatch_ms", "relay_ms", "next_due_ms", "catch_up_ms"):
                if name in row:
                    out[f"{kind}_{size}_{name}"] = round(row[name], 3)
            out[f"{kind}_{size}_ticks_ms"] = row["ticks_ms"]
        ratio = results[f"{kind}_{large}"]["tick_ms"] / results[f"{kind}_{small}"]["tick_ms"]
        out[f"ratio_{kind}"] = round(ratio, 3)
        ratios.append(ratio)
        say(f"{kind}: tick at {large:,} ÷ tick at {small:,} = {ratio:.2f} (target <= 1.5)")
    out["ratio"] = round(max(ratios), 3)
    finish("scheduler_scale", out, root, args.keep, started)


if __name__ == "__main__":
    sys.exit(main())
