"""CPU per delivery: Siaran's whole delivery path against the bare client-library call.

One thread, in this process, no Dramatiq and no contention, so the figure is repeatable
enough to compare two versions of the code minutes apart. Siaran: ``deliver()`` — claim
(read, guards in Redis, compare-and-set), rendering, the connector's publish, attempt,
move and roll-up — on a SQLite file (or PostgreSQL with ``--database postgresql``). The
baseline, measured in the same run on the same sandbox: the same connectors publishing a
ready-made post, nothing else. ``ratio`` is Siaran ÷ baseline: what the orchestration costs
on top of tweepy, facebook-sdk and requests. Half the posts go to X, half to Facebook.

``--metrics`` adds to every run a batch delivered with Prometheus metrics on and off in
alternate blocks (on: recorded as a worker records them, in prometheus-client's
multiprocess files in the work directory): the line ``metrics`` gives CPU per delivery
without and with, and their ratio (target ≤ 1.05).
"""

from __future__ import annotations

import sys
import time
import uuid

import redis as redis_client
from sqlalchemy import delete, select

from benchlib.common import finish, machine, median, parser, r, say, workdir
from benchlib.services import (
    SandboxProcess,
    bench_accounts,
    database,
    reachable,
    redis_url,
)
from benchlib.system import Siaran
from connectors.base import RenderedPost
from orchestrator.pipeline.connections import connector_for
from orchestrator.pipeline.delivery import deliver
from orchestrator.pipeline.guards import Guards
from orchestrator.runtime import metrics
from orchestrator.store import channels as channel_rows
from orchestrator.store.schema import deliveries, outbox
from schedules.dispatch import dispatch_due

WARM = 20
#: Deliveries per block of ``--metrics``' alternation.
BLOCK = 20


def queued_deliveries(system: Siaran, posts: int) -> list[int]:
    """Write and dispatch ``posts`` posts (4 channels each); their delivery ids, unsent."""
    batch = system.write_posts(posts)
    dispatch_due(system.ctx)
    with system.ctx.db.write() as conn:
        ids = list(conn.execute(select(deliveries.c.id).where(
            deliveries.c.post_id.between(batch.lo, batch.hi)).order_by(deliveries.c.id))
            .scalars())
        conn.execute(delete(outbox))  # published here, not by workers
    return ids


def siaran_ms(system: Siaran, guards: Guards, ids: list[int]) -> float:
    for delivery_id in ids[:WARM]:
        deliver(system.ctx, delivery_id, guards=guards)
    started = time.process_time()
    for delivery_id in ids[WARM:]:
        deliver(system.ctx, delivery_id, guards=guards)
    return (time.process_time() - started) * 1000 / (len(ids) - WARM)


def paired_ms(system: Siaran, guards: Guards, posts: int) -> tuple[float, float]:
    """``deliver()`` on one fresh batch, metrics off and on in alternate blocks of
    :data:`BLOCK` deliveries (so drift and neighbours' noise fall on both alike): CPU per
    delivery without and with metrics recorded as a worker process records them."""
    ids = queued_deliveries(system, posts)
    metrics.prepare(system.ctx.settings)
    metrics.start(system.ctx.settings)
    for delivery_id in ids[:WARM]:
        deliver(system.ctx, delivery_id, guards=guards)
    spent, counted = [0.0, 0.0], [0, 0]
    try:
        for block, first in enumerate(range(WARM, len(ids), BLOCK)):
            on = block % 2
            if on:
                metrics.start(system.ctx.settings)
            else:
                metrics.stop()
            chunk = ids[first:first + BLOCK]
            started = time.process_time()
            for delivery_id in chunk:
                deliver(system.ctx, delivery_id, guards=guards)
            spent[on] += time.process_time() - started
            counted[on] += len(chunk)
    finally:
        metrics.stop()
    return spent[0] * 1000 / counted[0], spent[1] * 1000 / counted[1]


def baseline_ms(system: Siaran, count: int) -> float:
    """The connectors alone: one publish per call, text rendered beforehand."""
    ctx = system.ctx
    with ctx.db.read() as conn:
        chosen = [channel_rows.by_name(conn, n) for n in (*system.x_channels[:2],
                                                          *system.fb_channels[:2])]
        sealed = [channel_rows.sealed_credentials(conn, c.id) for c in chosen]
    connectors = [connector_for(ctx, c, s) for c, s in zip(chosen, sealed, strict=True)]
    tag = uuid.uuid4().hex[:6]
    posts = [RenderedPost(i, i, "Bench", f"Siaran baseline {tag} #{i}: layanan publik.")
             for i in range(count)]
    for i, post in enumerate(posts[:WARM]):
        connectors[i % 4].publish(post, key=f"{tag}-{i}")
    started = time.process_time()
    for i, post in enumerate(posts[WARM:], start=WARM):
        connectors[i % 4].publish(post, key=f"{tag}-{i}")
    return (time.process_time() - started) * 1000 / (count - WARM)


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0], postgres=False)
    p.add_argument("--posts", type=int, help="posts per run, 4 deliveries each (250; quick 75)")
    p.add_argument("--reps", type=int, help="runs, alternating Siaran and baseline (5; quick 2)")
    p.add_argument("--metrics", action="store_true",
                   help="also deliver() with metrics on, against metrics off, in every run")
    args = p.parse_args()
    posts = args.posts or (75 if args.quick else 250)
    reps = args.reps or (2 if args.quick else 5)
    if posts * 4 <= WARM or reps < 1:
        raise SystemExit(f"--posts must be above {WARM // 4} and --reps at least 1")
    if args.metrics and posts * 4 < WARM + 2 * BLOCK:
        raise SystemExit(f"--metrics needs --posts of at least {(WARM + 2 * BLOCK) // 4}")
    reachable(args.database)
    root = workdir("deliver-cpu")
    redis = redis_url()
    say(f"deliver_cpu: {posts * 4} deliveries per run, {reps} runs, {args.database}, "
        f"one thread; machine {machine()}")
    sandbox = SandboxProcess(root, bench_accounts(x=4, facebook=4),
                             {"SIARAN_DATA_DIR": str(root / "sandbox-data")})
    siaran_runs: list[float] = []
    base_runs: list[float] = []
    metered_runs: list[float] = []
    unmetered_runs: list[float] = []
    started = time.monotonic()
    try:
        with database(args.database, root) as url:
            system = Siaran(root / "siaran", url, redis)
            guards = Guards(redis_client.Redis.from_url(redis), system.namespace)
            try:
                system.add_channels(sandbox.url, sandbox.accounts)
                for rep in range(reps):
                    ids = queued_deliveries(system, posts)
                    sandbox.reset()
                    siaran_runs.append(siaran_ms(system, guards, ids))
                    if args.metrics:
                        sandbox.reset()
                        off, on = paired_ms(system, guards, posts)
                        unmetered_runs.append(off)
                        metered_runs.append(on)
                    sandbox.reset()
                    base_runs.append(baseline_ms(system, posts * 4))
                    say(f"  run {rep + 1}: Siaran {siaran_runs[-1]:.3f} ms"
                        + (f" (paired: without metrics {unmetered_runs[-1]:.3f} ms, with "
                           f"{metered_runs[-1]:.3f} ms)" if args.metrics else "")
                        + f", baseline {base_runs[-1]:.3f} ms per delivery")
            finally:
                guards.client.close()
                system.close()
    finally:
        sandbox.stop()
    siaran, base = median(siaran_runs), median(base_runs)
    say(f"CPU per delivery (median of {reps}): Siaran {siaran:.3f} ms, bare connector "
        f"{base:.3f} ms, ratio {siaran / base:.2f}")
    found = {
        "database": args.database, "deliveries_per_run": posts * 4, "reps": reps,
        "machine": machine(), "siaran_ms": r(siaran, 3), "baseline_ms": r(base, 3),
        "ratio": r(siaran / base, 2), "siaran_runs": [r(x, 3) for x in siaran_runs],
        "baseline_runs": [r(x, 3) for x in base_runs],
    }
    if metered_runs:
        metered, unmetered = median(metered_runs), median(unmetered_runs)
        ratios = [on / off for on, off in zip(metered_runs, unmetered_runs, strict=True)]
        say(f"metrics (median of {reps}): without {unmetered:.3f} ms, with {metered:.3f} ms "
            f"per delivery, ratio {median(ratios):.3f} (target <= 1.05)")
        found.update(metrics_off_ms=r(unmetered, 3), metrics_on_ms=r(metered, 3),
                     metrics_ratio=r(median(ratios), 3),
                     metrics_ratios=[r(x, 3) for x in ratios])
    finish("deliver_cpu", found, root, args.keep, started)


if __name__ == "__main__":
    sys.exit(main())
