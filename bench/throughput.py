"""Throughput: deliveries per second end to end, next to raw Dramatiq on the same machine.

Siaran: N deliveries (posts with 2 X + 2 Facebook channels each, written and approved through
the editorial API) to sandbox accounts answering at once; one scheduler tick in this process
(due-post dispatch + outbox relay) sends them; real worker processes publish them. The time
runs from the start of the tick to the last ``published`` result committed in the database
(also reported: the rate from the first claim on, which leaves out dispatch and the idle
workers' first poll).

Raw Dramatiq: N no-op messages on the same Redis, sent from this process, consumed by the
same number of worker processes and threads; the time runs from the first send to the last
ack. The two are measured alternately in the same run; the ratio is Siaran ÷ raw.

Configurations: what ``siaran worker`` runs on this machine (nproc processes × 8 threads),
``--reps`` times; 1 × 8 (or 2 × 8 on one core) once; on SQLite 1 × 64 once with N/2
deliveries. Also: where the CPU went (worker processes, sandbox, Redis, this driver, the
rest) and the peak RSS of a worker process at 8 and 64 threads.

    python bench/throughput.py [--quick] [--deliveries N] [--reps R] [--no-postgres]
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import UTC, datetime

from benchlib.baseline import RawBaseline
from benchlib.common import emit, machine, median, parser, r, say, workdir
from benchlib.processes import CPUMeter, Workers
from benchlib.services import SandboxProcess, bench_accounts, database, databases, redis_url
from benchlib.system import PER_POST, Siaran

CELERY_NOOP = 420  # msg/s: a Celery no-op worker, measured earlier on this machine
BUDGET = 7 * 60  # seconds; configurations not started by then are skipped


def siaran_run(system: Siaran, sandbox: SandboxProcess, workers: Workers, n: int,
               redis: str) -> dict:
    """One measured Siaran run of ``n`` deliveries."""
    batch = system.write_posts(n // PER_POST)
    sandbox.reset()
    meter = CPUMeter(redis, {"workers": workers, "sandbox": sandbox.proc.pid})
    meter.start()
    start = datetime.now(UTC)
    _, _, dispatch_s, relay_s = system.tick()
    done = system.wait(batch, timeout=max(120.0, n / 10))
    cpu = meter.stop(batch.deliveries)
    published = done.counts.get("published", 0)
    held = len(sandbox.posts())
    elapsed = (done.last_finished - start).total_seconds() if done.last_finished else None
    working = ((done.last_finished - done.first_started).total_seconds()
               if done.last_finished and done.first_started else None)
    return {
        "per_s": published / elapsed if elapsed else 0.0,
        "worker_per_s": published / working if working else 0.0,
        "published": published, "sandbox_posts": held, "counts": done.counts,
        "dispatch_s": dispatch_s, "relay_s": relay_s, "elapsed_s": elapsed, "cpu": cpu,
    }


def raw_run(raw: RawBaseline, workers: Workers, n: int, redis: str) -> dict:
    meter = CPUMeter(redis, {"workers": workers})
    meter.start()
    rate = raw.run(n)
    return {"per_s": rate, "cpu": meter.stop(n)}


def measure(system: Siaran, sandbox: SandboxProcess, raw: RawBaseline, processes: int,
            threads: int, n: int, reps: int, redis: str, root) -> dict:
    """Raw and Siaran alternately, ``reps`` times each, at ``processes`` × ``threads``."""
    tag = f"{processes}x{threads}"
    siaran_w = system.workers(processes, threads)
    raw_w = raw.workers(processes, threads, root / f"raw-{tag}.log")
    try:
        siaran_w.wait_started()
        raw_w.wait_started()
        raw.run(200)  # warm-up: workers up, connections open
        warm = system.write_posts(25)
        system.tick()
        system.wait(warm, timeout=120)
        raws, runs = [], []
        for _ in range(reps):
            raws.append(raw_run(raw, raw_w, n, redis))
            runs.append(siaran_run(system, sandbox, siaran_w, n, redis))
            say(f"    {tag}: raw {raws[-1]['per_s']:7.0f}/s   siaran {runs[-1]['per_s']:6.0f}/s"
                f"   (dispatch {runs[-1]['dispatch_s']:.2f} s, relay {runs[-1]['relay_s']:.2f} s,"
                f" {runs[-1]['published']}/{n} published, sandbox holds "
                f"{runs[-1]['sandbox_posts']})")
        rss = {"siaran": max(siaran_w.peak_rss_mb() or [0]), "raw": max(raw_w.peak_rss_mb() or [0])}
    finally:
        siaran_w.stop()
        raw_w.stop()
    mid = sorted(runs, key=lambda x: x["per_s"])[len(runs) // 2]
    raw_mid = sorted(raws, key=lambda x: x["per_s"])[len(raws) // 2]
    return {
        "raw_per_s": median(x["per_s"] for x in raws),
        "siaran_per_s": median(x["per_s"] for x in runs),
        "worker_per_s": median(x["worker_per_s"] for x in runs),
        "siaran_runs": [r(x["per_s"]) for x in runs], "raw_runs": [r(x["per_s"]) for x in raws],
        "exactly_once": all(x["published"] == n and x["sandbox_posts"] == n for x in runs),
        "dispatch_s": mid["dispatch_s"], "relay_s": mid["relay_s"],
        "cpu": mid["cpu"], "raw_cpu": raw_mid["cpu"], "rss_mb": rss,
    }


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0])
    p.add_argument("--deliveries", type=int, help="deliveries per run (default 5000)")
    p.add_argument("--reps", type=int,
                   help="runs of the default configuration (default 3, quick 1)")
    p.add_argument("--configs", default="", metavar="PxT,...",
                   help="only these processes x threads configurations, e.g. 1x8,1x16,2x8 "
                        "(each run --reps times, SQLite unless PostgreSQL is reachable too)")
    args = p.parse_args()
    n = args.deliveries or (1000 if args.quick else 5000)
    n -= n % PER_POST
    reps = args.reps or (1 if args.quick else 3)
    nproc = os.cpu_count() or 1
    default = (nproc, 8)  # what `siaran worker` runs on this machine
    root = workdir("throughput")
    redis = redis_url()
    kinds = ["sqlite"] if args.quick else databases(args.no_postgres)
    say(f"throughput: {n} deliveries per run, {reps} run(s) of {default[0]}x{default[1]}, "
        f"databases {', '.join(kinds)}"
        + f"; machine {machine()}")
    sandbox = SandboxProcess(root, bench_accounts(x=4, facebook=4),
                             {"SIARAN_DATA_DIR": str(root / "sandbox-data")})
    raw = RawBaseline(redis)
    results: dict[str, dict] = {}
    started = time.monotonic()
    try:
        for kind in kinds:
            plan = [(default, reps, n)]
            if args.configs:
                plan = [(_config(c), reps, n) for c in args.configs.split(",")]
            elif not args.quick:
                other = (1, 8) if default != (1, 8) else (2, 8)
                plan.append((other, 1, n))
            if kind == "sqlite" and not args.configs:
                plan.append(((1, 64), 1, n // 2 // PER_POST * PER_POST))  # the memory run
            with database(kind, root) as url:
                system = Siaran(root / kind, url, redis)
                try:
                    system.add_channels(sandbox.url, sandbox.accounts)
                    for (processes, threads), k, size in plan:
                        if time.monotonic() - started > BUDGET:
                            say(f"  skipped {kind} {processes}x{threads}: over the time budget")
                            continue
                        say(f"  {kind} {processes} process(es) x {threads} threads")
                        results[f"{kind}_{processes}x{threads}"] = measure(
                            system, sandbox, raw, processes, threads, size, k, redis,
                            root / kind)
                finally:
                    system.close()
    finally:
        raw.close()
        sandbox.stop()
    report(results, n, reps, default, time.monotonic() - started)
    if args.keep:
        say(f"work directory kept: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


def _config(text: str) -> tuple[int, int]:
    try:
        processes, threads = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"--configs: {text!r} is not PROCESSESxTHREADS, e.g. 2x8") from None
    return processes, threads


def report(results: dict[str, dict], n: int, reps: int, default: tuple[int, int],
           seconds: float) -> None:
    say("")
    say(f"{'configuration':16s} {'raw msg/s':>10s} {'siaran/s':>9s} {'ratio':>6s} "
        f"{'claim→/s':>8s} "
        f"{'worker ms':>9s} {'raw ms':>7s} {'sandbox':>7s} {'driver':>7s} {'redis':>6s} "
        f"{'other':>6s} {'busy':>5s} {'RSS MB':>7s}")
    out: dict[str, object] = {"deliveries": n, "reps": reps,
                              "machine": machine()}
    for key, m in results.items():
        ratio = m["siaran_per_s"] / m["raw_per_s"] if m["raw_per_s"] else 0.0
        c, rc = m["cpu"], m["raw_cpu"]
        say(f"{key:16s} {m['raw_per_s']:10.0f} {m['siaran_per_s']:9.0f} {ratio:6.2f} "
            f"{m['worker_per_s']:8.0f} "
            f"{c['workers_ms']:9.2f} {rc['workers_ms']:7.2f} {c['sandbox_ms']:7.2f} "
            f"{c['driver_ms']:7.2f} {c['redis_ms']:6.2f} {c['other_ms']:6.2f} "
            f"{c['machine_busy_cores']:5.2f} {m['rss_mb']['siaran']:7.1f}")
        out[f"siaran_{key}"] = r(m["siaran_per_s"])
        out[f"siaran_from_first_claim_{key}"] = r(m["worker_per_s"])
        out[f"raw_{key}"] = r(m["raw_per_s"])
        out[f"ratio_{key}"] = round(ratio, 3)
        out[f"cpu_ms_per_delivery_{key}"] = c
        out[f"raw_cpu_ms_per_message_{key}"] = rc
        out[f"runs_{key}"] = {"siaran": m["siaran_runs"], "raw": m["raw_runs"]}
        out[f"exactly_once_{key}"] = m["exactly_once"]
    say("(claim→/s: Siaran's rate from its first claim on; worker/raw/sandbox/driver/redis/"
        "other: CPU ms per delivery; other = database server and anything else on the "
        "machine; busy = cores in use)")
    head = results.get(f"sqlite_{default[0]}x{default[1]}")
    if head:
        out["siaran_per_s"] = r(head["siaran_per_s"])
        out["raw_per_s"] = r(head["raw_per_s"])
        out["ratio"] = round(head["siaran_per_s"] / head["raw_per_s"], 3)
        out["above_celery"] = head["siaran_per_s"] > CELERY_NOOP
    for threads in (8, 64):
        m = results.get(f"sqlite_1x{threads}") or (
            results.get(f"sqlite_{default[0]}x{default[1]}") if threads == 8 else None)
        if m:
            out[f"rss_mb_{threads}"] = m["rss_mb"]["siaran"]
            out[f"raw_rss_mb_{threads}"] = m["rss_mb"]["raw"]
    out["seconds"] = round(seconds)
    say(f"headline (SQLite, {default[0]} x {default[1]}): ratio {out.get('ratio')} "
        f"(target >= 0.40), {out.get('siaran_per_s')}/s (Celery no-op {CELERY_NOOP}/s)")
    emit("throughput", out)


if __name__ == "__main__":
    sys.exit(main())
