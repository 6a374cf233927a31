"""Lateness: from a post's scheduled time to its request arriving at the platform.

A real ``siaran scheduler`` process and real worker processes (``nproc`` × 8 threads) run
against the sandbox. Two calendars:

- **spread**: 200 posts (one X and one Facebook channel each) due at evenly spread times
  over 60 s (quick: 20 posts over 10 s);
- **burst**: 5,000 deliveries (posts with 2 X + 2 Facebook channels) all due at one
  instant (quick: 1,000).

Each delivery's lateness is the time the sandbox stored the post minus the post's due time
(posts are matched by their text). The burst also gives its drain rate, deliveries ÷ (last
arrival − due time), and its steady rate from the first arrival to the last.

    python bench/lateness.py [--quick] [--no-postgres]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from benchlib.common import finish, machine, parser, percentile, r, say, workdir
from benchlib.services import SandboxProcess, bench_accounts, database, databases, redis_url
from benchlib.system import Batch, Siaran
from orchestrator.runtime.config import DRAMATIQ_IDLE_POLL_MS
from orchestrator.store.schema import posts

LEAD = 3.0  # seconds between the end of writing a calendar and its first due time


def lateness_ms(sandbox: SandboxProcess, batch: Batch) -> list[float]:
    """Per delivery of the batch: arrival at the sandbox − due time, in milliseconds."""
    out = []
    for post in sandbox.posts():
        due = batch.texts.get(post["text"])
        if due is not None:
            out.append((post["time"] - due.timestamp()) * 1000)
    return out


def summary(values: list[float]) -> dict[str, float | None]:
    return {"n": len(values), "p50_ms": r(percentile(values, 50)),
            "p95_ms": r(percentile(values, 95)), "p99_ms": r(percentile(values, 99)),
            "max_ms": r(max(values) if values else None)}


def spread(system: Siaran, sandbox: SandboxProcess, count: int, over: float) -> dict:
    sandbox.reset()
    # The calendar is written first; its first post falls due LEAD seconds after that.
    estimate = 0.01 * count + 1.0
    first = datetime.now(UTC) + timedelta(seconds=estimate + LEAD)
    at = [first + timedelta(seconds=over * i / count) for i in range(count)]
    batch = system.write_posts(count, at=at, per_post=2, label="spread")
    late_start = (datetime.now(UTC) - first).total_seconds()
    if late_start > 0:
        say(f"  ! writing the calendar overran its first due time by {late_start:.2f} s")
    system.wait(batch, timeout=over + 120)
    values = lateness_ms(sandbox, batch)
    return {**summary(values), "deliveries": batch.deliveries}


def burst(system: Siaran, sandbox: SandboxProcess, deliveries: int) -> dict:
    sandbox.reset()
    far = datetime.now(UTC) + timedelta(days=1)
    batch = system.write_posts(deliveries // 4, at=[far] * (deliveries // 4), per_post=4,
                               label="burst")
    # Bring the whole calendar to one instant a few seconds ahead (an editor moving it).
    due = datetime.now(UTC) + timedelta(seconds=LEAD)
    with system.ctx.db.write() as conn:
        conn.execute(update(posts).where(posts.c.id.between(batch.lo, batch.hi))
                     .values(scheduled_at=due))
    batch.texts = dict.fromkeys(batch.texts, due)
    system.wait(batch, timeout=300)
    values = lateness_ms(sandbox, batch)
    drain = max(values) / 1000 if values else None
    steady = (max(values) - min(values)) / 1000 if len(values) > 1 else None
    return {**summary(values), "deliveries": batch.deliveries,
            "drain_per_s": r(len(values) / drain) if drain else None,
            "steady_per_s": r((len(values) - 1) / steady) if steady else None,
            "first_ms": r(min(values) if values else None)}


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0])
    p.add_argument("--posts", type=int, help="spread posts (200; quick 20)")
    p.add_argument("--over", type=float, help="seconds they are spread over (60; quick 10)")
    p.add_argument("--burst", type=int, help="burst deliveries (5000; quick 1000)")
    p.add_argument("--poll-ms", type=int, metavar="MS", default=DRAMATIQ_IDLE_POLL_MS,
                   help="longest idle poll of Dramatiq's Redis consumer in the workers "
                        "(dramatiq_worker_timeout; default what `siaran worker` sets, "
                        f"{DRAMATIQ_IDLE_POLL_MS}; Dramatiq's own default is 1000)")
    args = p.parse_args()
    count = args.posts or (20 if args.quick else 200)
    over = args.over or (10.0 if args.quick else 60.0)
    burst_n = args.burst or (1000 if args.quick else 5000)
    threads, processes = 8, os.cpu_count() or 1
    root = workdir("lateness")
    redis = redis_url()
    kinds = ["sqlite"] if args.quick else databases(args.no_postgres)
    say(f"lateness: {count} posts over {over:.0f} s, burst of {burst_n}; scheduler + "
        f"{processes} x {threads} workers"
        + f" polling at most every {args.poll_ms} ms"
        + f"; {', '.join(kinds)}; machine {machine()}")
    sandbox = SandboxProcess(root, bench_accounts(x=4, facebook=4),
                             {"SIARAN_DATA_DIR": str(root / "sandbox-data")})
    results: dict[str, dict] = {}
    started = time.monotonic()
    try:
        for kind in kinds:
            with database(kind, root) as url:
                system = Siaran(root / kind, url, redis)
                workers = scheduler = None
                try:
                    system.add_channels(sandbox.url, sandbox.accounts)
                    poll = {"dramatiq_worker_timeout": str(args.poll_ms)}
                    workers = system.workers(processes, threads, env=poll)
                    scheduler = system.scheduler()
                    workers.wait_started()
                    warm = system.write_posts(10, per_post=2)  # due already: first tick
                    system.wait(warm, timeout=120)
                    results[f"{kind}_spread"] = spread(system, sandbox, count, over)
                    say(f"  {kind} spread: {results[f'{kind}_spread']}")
                    results[f"{kind}_burst"] = burst(system, sandbox, burst_n)
                    say(f"  {kind} burst:  {results[f'{kind}_burst']}")
                finally:
                    for child in (scheduler, workers):
                        if child is not None:
                            child.stop()
                    system.close()
    finally:
        sandbox.stop()
    say("")
    say(f"{'calendar':18s} {'n':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} "
        f"{'max ms':>8s} {'drain/s':>8s}")
    out: dict[str, object] = {"posts": count, "over_s": over, "burst": burst_n,
                              "workers": f"{processes}x{threads}", "poll_ms": args.poll_ms,
                              "machine": machine()}
    for key, row in results.items():
        say(f"{key:18s} {row['n']:5d} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
            f"{row['p99_ms']:8.1f} {row['max_ms']:8.1f} {row.get('drain_per_s') or '':>8}")
        for name, value in row.items():
            out[f"{key}_{name}"] = value
    head = results.get("sqlite_spread", {})
    out["p99_ms"] = head.get("p99_ms")
    out["p50_ms"] = head.get("p50_ms")
    out["burst_drain_per_s"] = results.get("sqlite_burst", {}).get("drain_per_s")
    say(f"spread p99 (SQLite): {out['p99_ms']} ms (target <= 250 ms)")
    finish("lateness", out, root, args.keep, started)


if __name__ == "__main__":
    sys.exit(main())
