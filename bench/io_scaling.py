"""I/O scaling: deliveries per second with a slow platform, against threads ÷ latency.

Every sandbox request waits 200 ms before its answer (the sandbox's ``latency`` fault on
every platform). One worker process runs 8, 32 and 64 threads; if each delivery waited for
one 200 ms answer and nothing else, T threads would publish T / 0.2 deliveries per second.
The achieved rate is counted from the first claim to the last committed result (the
dispatch and relay before the first claim are reported apart); each thread count gets about
``--seconds`` of ideal work.

    python bench/io_scaling.py [--quick] [--latency 0.2] [--database sqlite|postgresql]
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from benchlib.common import finish, machine, median, parser, r, say, workdir
from benchlib.processes import CPUMeter
from benchlib.services import (
    SandboxProcess,
    bench_accounts,
    database,
    reachable,
    redis_url,
)
from benchlib.system import PER_POST, Siaran

THREADS = (8, 32, 64)


def run_once(system: Siaran, sandbox: SandboxProcess, workers, n: int, latency: float,
             redis: str) -> dict:
    batch = system.write_posts(n // PER_POST)
    sandbox.reset()
    sandbox.latency(latency)
    meter = CPUMeter(redis, {"workers": workers, "sandbox": sandbox.proc.pid})
    meter.start()
    start = datetime.now(UTC)
    system.tick()
    done = system.wait(batch, timeout=max(120.0, 10 * n * latency / workers.threads))
    cpu = meter.stop(batch.deliveries)
    published = done.counts.get("published", 0)
    window = (done.last_finished - done.first_started).total_seconds()
    requests = len(sandbox.requests())
    return {"per_s": published / window, "e2e_per_s": published /
            (done.last_finished - start).total_seconds(), "published": published,
            "requests_per_delivery": requests / max(1, published), "cpu": cpu}


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0], postgres=False)
    p.add_argument("--latency", type=float, default=0.2, help="seconds per request (0.2)")
    p.add_argument("--seconds", type=float, help="ideal seconds of work per run (8; quick 3)")
    p.add_argument("--reps", type=int, help="runs per thread count (default 3, quick 1)")
    args = p.parse_args()
    seconds = args.seconds or (3.0 if args.quick else 8.0)
    reps = args.reps or (1 if args.quick else 3)
    reachable(args.database)
    root = workdir("io")
    redis = redis_url()
    say(f"io_scaling: latency {args.latency * 1000:.0f} ms per request, 1 worker process, "
        f"threads {', '.join(map(str, THREADS))}, {reps} run(s) each, {args.database}; "
        f"machine {machine()}")
    sandbox = SandboxProcess(root, bench_accounts(x=4, facebook=4),
                             {"SIARAN_DATA_DIR": str(root / "sandbox-data")})
    rows: dict[int, dict] = {}
    started = time.monotonic()
    try:
        with database(args.database, root) as url:
            system = Siaran(root / "siaran", url, redis)
            try:
                system.add_channels(sandbox.url, sandbox.accounts)
                for threads in THREADS:
                    ideal = threads / args.latency
                    n = max(PER_POST * 10, int(ideal * seconds) // PER_POST * PER_POST)
                    workers = system.workers(1, threads)
                    try:
                        workers.wait_started()
                        warm = system.write_posts(10)
                        system.tick()
                        system.wait(warm, timeout=120)
                        runs = []
                        for _ in range(reps):
                            runs.append(run_once(system, sandbox, workers, n, args.latency,
                                                 redis))
                            say(f"  {threads:2d} threads: {runs[-1]['per_s']:6.1f}/s of ideal "
                                f"{ideal:.0f}/s ({n} deliveries, "
                                f"{runs[-1]['requests_per_delivery']:.2f} requests each)")
                    finally:
                        workers.stop()
                    mid = sorted(runs, key=lambda x: x["per_s"])[len(runs) // 2]
                    rows[threads] = {
                        "ideal": ideal, "per_s": median(x["per_s"] for x in runs),
                        "e2e_per_s": median(x["e2e_per_s"] for x in runs),
                        "runs": [r(x["per_s"]) for x in runs], "deliveries": n,
                        "requests_per_delivery": mid["requests_per_delivery"],
                        "cpu": mid["cpu"],
                    }
            finally:
                system.close()
    finally:
        sandbox.stop()
    say("")
    say(f"{'threads':>7s} {'ideal/s':>8s} {'achieved/s':>10s} {'ratio':>6s} {'e2e/s':>7s} "
        f"{'req/deliv':>9s} {'worker ms':>9s} {'busy':>5s}")
    out: dict[str, object] = {"latency_ms": args.latency * 1000, "database": args.database,
                              "reps": reps,
                              "machine": machine()}
    for threads, row in rows.items():
        ratio = row["per_s"] / row["ideal"]
        say(f"{threads:7d} {row['ideal']:8.0f} {row['per_s']:10.1f} {ratio:6.2f} "
            f"{row['e2e_per_s']:7.1f} {row['requests_per_delivery']:9.2f} "
            f"{row['cpu']['workers_ms']:9.2f} {row['cpu']['machine_busy_cores']:5.2f}")
        out[f"per_s_{threads}"] = r(row["per_s"])
        out[f"ideal_{threads}"] = r(row["ideal"])
        out[f"ratio_{threads}"] = round(ratio, 3)
        out[f"e2e_per_s_{threads}"] = r(row["e2e_per_s"])
        out[f"requests_per_delivery_{threads}"] = round(row["requests_per_delivery"], 2)
        out[f"cpu_ms_per_delivery_{threads}"] = row["cpu"]
        out[f"runs_{threads}"] = row["runs"]
    out["ratio"] = out.get("ratio_64")
    say(f"ratio at 64 threads: {out['ratio']} (target >= 0.8)")
    finish("io_scaling", out, root, args.keep, started)


if __name__ == "__main__":
    sys.exit(main())
