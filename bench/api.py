"""The HTTP API: calendar latency on a busy month, and requests/s of one post against a bare
FastAPI endpoint served the same way in the same run.

Siaran's app runs as ``siaran web`` runs it (uvicorn, one worker, its own process) on a SQLite
file (``--database postgresql`` for PostgreSQL); the baseline is a FastAPI app whose one
endpoint returns a constant JSON document (``benchlib/bare_api.py``), served by uvicorn with
the same options. The client runs in this process.

* calendar: ``GET /api/v1/calendar?from=…&to=…`` for a month holding 5,000 posts × 5
  channels (bulk-inserted), one client, one request at a time: p50/p99 of the first page
  (100 posts, 500 deliveries), of pages at random offsets, and of the whole month as pages
  of 1,000. Target: p99 ≤ 100 ms.
* requests/s of ``GET /api/v1/posts/{id}`` (a post with 5 deliveries and its audit trail)
  against ``GET /constant`` on the baseline, from N kept-alive client threads; median of 3
  runs each, alternated. Target: ratio ≥ 0.3.

    python bench/api.py [--quick] [--database postgresql] [--threads 8] [--requests 3000]
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import insert, text

from benchlib.common import (
    BENCH_DIR,
    finish,
    machine,
    median,
    parser,
    percentile,
    python,
    say,
    workdir,
)
from benchlib.processes import Child
from benchlib.services import bench_accounts, database, reachable, redis_url
from benchlib.system import Siaran
from orchestrator.access import accounts, tokens
from orchestrator.domain.actor import Actor
from orchestrator.editorial import publishing, workflow
from orchestrator.store.schema import deliveries, post_channels, posts

NOWHERE = "http://127.0.0.1:9"  # no platform request is made
MONTH = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC))
PER_POST = 5


def month_plan(system: Siaran, count: int, month: tuple[datetime, datetime]):
    """What bulk-inserting ``count`` posts over ``month`` needs: the engine, the channel
    ids, the next free post ids, now, and the step between two posts' times."""
    engine = system.ctx.db.engine
    with engine.connect() as conn:
        channel_ids = [row[0] for row in conn.execute(text("SELECT id FROM channels"))]
        first = conn.execute(text("SELECT coalesce(max(id), 0) FROM posts")).scalar_one() + 1
    return (engine, channel_ids, range(first, first + count), datetime.now(UTC),
            (month[1] - month[0]) / count)


def bulk_month(system: Siaran, count: int) -> None:
    """``count`` approved posts spread over the month, each to all five channels."""
    engine, channel_ids, ids, now, step = month_plan(system, count, MONTH)
    first = ids.start
    with engine.begin() as conn:
        conn.execute(insert(posts), [{
            "id": i, "title": f"Kalender {i}", "pillar": ("informatif", "interaktif")[i % 2],
            "body": f"Agenda terjadwal nomor {i}.", "variants": "{}", "options": "{}",
            "status": "approved", "scheduled_at": MONTH[0] + step * (i - first),
            "author": "bench-editor", "approver": "bench-approver",
            "approved_hash": "0" * 64, "created_at": now, "updated_at": now} for i in ids])
        conn.execute(insert(post_channels), [{"post_id": i, "channel_id": c}
                                             for i in ids for c in channel_ids])
        conn.execute(insert(deliveries), [{"post_id": i, "channel_id": c, "status": "pending",
                                           "attempts": 0, "updated_at": now}
                                          for i in ids for c in channel_ids])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("posts", "deliveries"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def one_post(system: Siaran) -> int:
    """A post written, approved and started through the service layer: 5 deliveries,
    an audit trail of four events."""
    ctx = system.ctx
    writer, approver = (ctx.acting_as(Actor(n)) for n in ("bench-writer", "bench-admin"))
    post_id = workflow.create_post(
        writer, title="Jadwal layanan publik", pillar="informatif",
        text="Layanan publik tetap buka Sabtu pukul 08.00–12.00 WIB.",
        channels=system.x_channels + system.fb_channels,
        at=datetime.now(UTC) + timedelta(days=30))
    workflow.submit(writer, post_id)
    workflow.approve(approver, post_id)
    publishing.publish_now(approver, post_id)
    return post_id


def serve(cmd: list[str], env: dict[str, str], log, port: int) -> Child:
    child = Child(cmd, env, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return child
        except requests.ConnectionError:
            if not child.alive() or time.monotonic() > deadline:
                child.stop()
                raise SystemExit(f"the server did not start; see {log}") from None
            time.sleep(0.1)


def uvicorn(app: list[str], port: int) -> list[str]:
    """The options ``siaran web`` gives uvicorn (orchestrator/cli/processes.web_command)."""
    return [python(), "-m", "uvicorn", *app, "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--no-server-header", "--no-access-log", "--log-level",
            "warning", "--no-proxy-headers"]


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def latencies(url: str, token: str, params: list[dict], *, session=None) -> list[float]:
    session = session or requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    took = []
    for query in params:
        started = time.perf_counter()
        response = session.get(f"{url}/api/v1/calendar", params=query, timeout=60)
        took.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise SystemExit(f"calendar answered {response.status_code}: {response.text[:300]}")
    return took


def rate(url: str, headers: dict, threads: int, total: int) -> float:
    """Requests per second of ``total`` GETs from ``threads`` kept-alive sessions."""
    per_thread = total // threads
    barrier = threading.Barrier(threads + 1)

    def worker(_: int) -> int:
        session = requests.Session()
        session.headers.update(headers)
        session.get(url, timeout=60)
        barrier.wait()
        ok = sum(session.get(url, timeout=60).status_code == 200 for _ in range(per_thread))
        session.close()
        return ok

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(worker, i) for i in range(threads)]
        barrier.wait()
        started = time.perf_counter()
        done = sum(f.result() for f in futures)
        elapsed = time.perf_counter() - started
    if done != per_thread * threads:
        raise SystemExit(f"{url}: only {done} of {per_thread * threads} answered 200")
    return done / elapsed


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0], postgres=False)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--requests", type=int, help="per rate run (default 3000, quick 600)")
    p.add_argument("--posts", type=int, default=5000, help="posts in the month (5000)")
    args = p.parse_args()
    kind = reachable(args.database)
    total = args.requests or (600 if args.quick else 3000)
    samples = 60 if args.quick else 300
    root = workdir("api")
    started = time.monotonic()
    say(f"api: calendar of {args.posts:,} posts × {PER_POST} channels in one month, "
        f"{samples} requests per figure; rate of one post vs a bare FastAPI endpoint, "
        f"{args.threads} threads × {total // args.threads} requests, 3 runs; {kind}; "
        f"machine {machine()}")
    results: dict[str, object] = {"database": kind, "posts": args.posts,
                                  "threads": args.threads, "requests_per_run": total,
                                  "machine": machine()}
    with database(kind, root) as url:
        system = Siaran(root / "siaran", url, redis_url())
        servers: list[Child] = []
        try:
            system.add_channels(NOWHERE, bench_accounts(x=3, facebook=2))
            accounts.add_user(system.ctx.acting_as(Actor("bench-admin")), "bench-admin",
                              ["admin"])
            admin = system.ctx.acting_as(Actor("bench-admin"))
            accounts.add_user(admin, "bench-writer", ["author"])
            token = tokens.create_token(admin, "bench-admin", label="bench")["token"]
            post_id = one_post(system)
            bulk_month(system, args.posts)
            siaran_port, bare_port = free_port(), free_port()
            servers.append(serve(uvicorn(["--factory", "orchestrator.web.app:from_environment"],
                                         siaran_port), system.env, root / "siaran-web.log",
                                 siaran_port))
            servers.append(serve(uvicorn(["benchlib.bare_api:app"], bare_port),
                                 {"PYTHONPATH": str(BENCH_DIR)}, root / "bare-web.log",
                                 bare_port))
            siaran = f"http://127.0.0.1:{siaran_port}"
            bare = f"http://127.0.0.1:{bare_port}"
            frm, to = MONTH[0].date().isoformat(), MONTH[1].date().isoformat()
            month = {"from": frm, "to": to}
            latencies(siaran, token, [month] * 10)  # warm up
            first = latencies(siaran, token, [month] * samples)
            rng = random.Random(7)
            pages = latencies(siaran, token, [{**month, "offset": rng.randrange(args.posts)}
                                              for _ in range(samples)])
            whole = [sum(latencies(siaran, token, [{**month, "limit": 1000, "offset": o}
                                                   for o in range(0, args.posts, 1000)]))
                     for _ in range(max(3, samples // 30))]
            for name, got in (("calendar_first_page", first), ("calendar_random_page", pages),
                              ("calendar_whole_month", whole)):
                results[f"{name}_p50_ms"] = round(percentile(got, 50), 1)
                results[f"{name}_p99_ms"] = round(percentile(got, 99), 1)
                say(f"  {name:22s} p50 {percentile(got, 50):7.1f} ms   "
                    f"p99 {percentile(got, 99):7.1f} ms")
            auth = {"Authorization": f"Bearer {token}"}
            ours, base = [], []
            for _ in range(3):
                ours.append(rate(f"{siaran}/api/v1/posts/{post_id}", auth, args.threads, total))
                base.append(rate(f"{bare}/constant", {}, args.threads, total))
            results.update(post_rps=round(median(ours)), bare_rps=round(median(base)),
                           post_rps_runs=[round(x) for x in ours],
                           bare_rps_runs=[round(x) for x in base],
                           ratio=round(median(ours) / median(base), 3))
            say(f"  GET /api/v1/posts/{{id}} {median(ours):7.0f} req/s   bare FastAPI "
                f"{median(base):7.0f} req/s   ratio {median(ours) / median(base):.2f} "
                f"(target >= 0.3)")
            say(f"  calendar p99 {results['calendar_first_page_p99_ms']} ms (target <= 100)")
        finally:
            for server in servers:
                server.stop()
            system.close()
    finish("api", results, root, args.keep, started)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
