"""Soak under faults: many deliveries, SIGKILLed workers, an emptied Redis, a flaky sandbox.

Counted from the sandbox's own records, never from Siaran's: every delivery must end
published exactly once on its account, or visibly failed/unknown with a reason.
Used by ``bench/soak.py`` (10,000 deliveries) and by a bounded test in CI (500).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from connectors.sandbox import Sandbox
from connectors.sandbox.accounts import channel_credentials
from orchestrator.channels import admin as channel_admin
from orchestrator.editorial import publishing, workflow
from orchestrator.runtime import config
from orchestrator.runtime.context import open_context
from orchestrator.runtime.embedded_redis import is_alive, server_binary
from orchestrator.runtime.installation import initialise
from orchestrator.store import deliveries as rows
from orchestrator.store.schema import deliveries as deliveries_table

OPEN = {"pending", "queued", "sending", "retry_wait"}


@dataclass
class SoakReport:
    deliveries: int
    published: int
    failed: int
    unknown: int
    duplicates: int
    lost: int
    phantom: int
    worker_kills: int
    redis_restarts: int
    faults: int
    seconds: float


class RedisServer:
    """A Redis-compatible server this harness can kill and restart empty on one port."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not is_alive(self.url):
            if time.monotonic() > deadline:
                raise RuntimeError("soak Redis did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process:
            self.process.kill()
            self.process.wait()


class Workers:
    """Dramatiq worker processes, each in its own process group so SIGKILL takes it all."""

    def __init__(self, env: dict[str, str], count: int, threads: int, log: Path) -> None:
        self.env, self.count, self.threads, self.log = env, count, threads, log
        self.processes: list[subprocess.Popen] = []

    def spawn(self) -> subprocess.Popen:
        with open(self.log, "a") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "dramatiq", "orchestrator.pipeline.worker_main",
                 "--skip-logging", "-p", "1", "-t", str(self.threads)],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> None:
        self.processes = [self.spawn() for _ in range(self.count)]

    def kill_one(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.processes))
        os.killpg(self.processes[index].pid, signal.SIGKILL)
        self.processes[index].wait()
        self.processes[index] = self.spawn()

    def stop(self) -> None:
        for p in self.processes:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for p in self.processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def _accounts(n: int) -> dict[str, list[dict]]:
    return {
        "x": [{"user_id": str(5000 + i), "username": f"soak{i}", "consumer_key": f"ck{i}",
               "consumer_secret": f"cs{i}", "access_token": f"at{i}",
               "access_token_secret": f"ats{i}", "post_limit": 10 ** 6} for i in range(n)],
        "facebook": [{"page_id": str(7000 + i), "page_access_token": f"pt{i}"}
                     for i in range(n)],
    }


def run_soak(workdir: Path, *, deliveries: int = 500, accounts: int = 4, workers: int = 2,
             threads: int = 8, kill_every: tuple[float, float] = (1.0, 3.0),
             restart_redis: bool = True, faults: bool = True, timeout: float = 300,
             seed: int = 7, progress=print) -> SoakReport:
    """Run one soak and count the outcome from the sandbox's records."""
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    redis_server = RedisServer(workdir)
    redis_server.start()
    env = {**os.environ,
           "SIARAN_DATA_DIR": str(workdir / "data"),
           "SIARAN_DATABASE_URL": f"sqlite:///{workdir / 'data' / 'siaran.db'}",
           "SIARAN_REDIS_URL": redis_server.url,
           "SIARAN_REDIS_NAMESPACE": f"soak-{uuid.uuid4().hex[:8]}",
           "SIARAN_LOG_FORMAT": "json", "SIARAN_HTTP_TIMEOUT": "2",
           "SIARAN_CLAIM_TIMEOUT": "6", "SIARAN_HEARTBEAT_SECONDS": "5",
           "SIARAN_TICK_SECONDS": "0.2", "SIARAN_USER": "soak",
           "dramatiq_worker_timeout": "100"}
    settings = config.load(env)
    initialise(settings)
    ctx = open_context(settings)
    sandbox = Sandbox(_accounts(accounts)).start()
    texts: dict[tuple[str, str], str] = {}
    started = time.monotonic()
    try:
        pairs = []
        for platform in ("x", "facebook"):
            for account in _accounts(accounts)[platform]:
                name = f"{platform}-{account.get('user_id') or account.get('page_id')}"
                channel_admin.add_channel(ctx, name=name, platform=platform,
                                          api_base=sandbox.url, rate_limits=(),
                                          credentials=channel_credentials(platform, account))
                pairs.append(name)
        x_names = [n for n in pairs if n.startswith("x-")]
        fb_names = [n for n in pairs if n.startswith("facebook-")]
        for i in range(deliveries // 2):
            text = f"Soak {i} {uuid.uuid4().hex[:12]}"
            chosen = [x_names[i % len(x_names)], fb_names[i % len(fb_names)]]
            post_id = workflow.create_post(ctx, title=f"Soak {i}", text=text,
                                            pillar="informatif", channels=chosen)
            workflow.submit(ctx, post_id)
            workflow.approve(ctx, post_id)
            publishing.publish_now(ctx, post_id)
            for name in chosen:
                texts[(name, text)] = text
        progress(f"{len(texts)} deliveries approved in {time.monotonic() - started:.1f} s")
        log = workdir / "workers.log"
        scheduler = subprocess.Popen([sys.executable, "-m", "orchestrator.cli.main",
                                      "scheduler"], env=env, stdout=open(log, "a"),  # noqa: SIM115
                                     stderr=subprocess.STDOUT, start_new_session=True)
        pool = Workers(env, workers, threads, log)
        pool.start()
        kills = restarts = injected = 0
        next_kill = time.monotonic() + rng.uniform(*kill_every)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = _statuses(ctx)
            remaining = sum(n for s, n in counts.items() if s in OPEN)
            done = len(texts) - remaining
            if remaining == 0 and counts.get("unknown", 0) == 0:
                break
            if time.monotonic() >= next_kill and remaining:
                pool.kill_one(rng)
                kills += 1
                next_kill = time.monotonic() + rng.uniform(*kill_every)
            if restart_redis and restarts == 0 and done >= len(texts) // 2:
                redis_server.kill()
                redis_server.start()
                restarts += 1
                progress("redis restarted empty")
            if faults and rng.random() < 0.1:
                injected += _inject(sandbox, rng, accounts)
            time.sleep(0.5)
            progress(f"  {done}/{len(texts)} settled, {dict(counts)}")
        pool.stop()
        scheduler.terminate()
        scheduler.wait(timeout=20)
        return _count(ctx, sandbox, texts, kills, restarts, injected,
                      time.monotonic() - started)
    finally:
        sandbox.stop()
        redis_server.kill()
        ctx.db.dispose()


def _inject(sandbox: Sandbox, rng: random.Random, accounts: int) -> int:
    platform = rng.choice(["x", "facebook"])
    account = str((5000 if platform == "x" else 7000) + rng.randrange(accounts))
    kind, params = rng.choice([
        ("status", {"status": 503} if platform == "x" else {"code": 2}),
        ("commit_then_drop", {}),
        ("commit_then_hang", {"seconds": 3}),
        ("latency", {"seconds": 0.3}),
    ])
    sandbox.add_fault(platform, kind, account=account, count=1, **params)
    return 1


def _statuses(ctx) -> Counter:
    from sqlalchemy import func, select

    with ctx.db.read() as conn:
        return Counter(dict(conn.execute(
            select(deliveries_table.c.status, func.count()).group_by(
                deliveries_table.c.status)).all()))


def _count(ctx, sandbox: Sandbox, texts: dict, kills: int, restarts: int, injected: int,
           seconds: float) -> SoakReport:
    from sqlalchemy import select

    from orchestrator.store.schema import posts

    held = Counter((p.platform, p.account, p.text) for p in sandbox.posts())
    with ctx.db.read() as conn:
        bodies = dict(conn.execute(select(posts.c.id, posts.c.body)).all())
        every = rows.page(conn, limit=10 ** 7)
    tally = Counter()
    for d in every:
        n = held[(d.platform, d.channel.split("-", 1)[1], bodies[d.post_id])]
        tally["duplicates"] += max(0, n - 1)
        tally[d.status.value] += 1
        if d.status.value == "failed":
            tally["phantom"] += n > 0
        elif d.status.value != "unknown":
            tally["lost"] += n == 0
    return SoakReport(len(texts), tally["published"], tally["failed"], tally["unknown"],
                      tally["duplicates"], tally["lost"], tally["phantom"], kills, restarts,
                      injected, round(seconds, 1))


def report_json(report: SoakReport) -> dict:
    return asdict(report)
