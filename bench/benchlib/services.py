"""The services a benchmark runs against: Redis, a throw-away database, the sandbox process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import requests
from sqlalchemy import create_engine, text

from benchlib.common import cpu_seconds, python

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
#: High enough that the sandbox's emulated X posting caps (15-minute and 24-hour) never bite.
NO_CAP = 1_000_000_000


def redis_url() -> str:
    """The machine's Redis; the benchmarks need one (they measure it, not a stand-in)."""
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
        client.close()
    except redis.RedisError as error:
        raise SystemExit(f"no Redis at {REDIS_URL} ({error}); set BENCH_REDIS_URL") from None
    return REDIS_URL


def namespace(kind: str) -> str:
    return f"siaran-bench-{kind}-{uuid.uuid4().hex[:10]}"


def clear_namespace(url: str, prefix: str) -> None:
    """Delete every key of a benchmark's namespace."""
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    for i in range(0, len(keys), 1000):
        client.delete(*keys[i:i + 1000])
    client.close()


def postgres_reachable() -> bool:
    try:
        engine = create_engine(PG_ADMIN, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


@contextmanager
def database(kind: str, root: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a throw-away PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{root / f'siaran-{uuid.uuid4().hex[:6]}.db'}"
        return
    name = f"siaran_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def reachable(kind: str) -> str:
    """``kind`` (from ``--database``), once it is known to answer."""
    if kind == "postgresql" and not postgres_reachable():
        raise SystemExit("PostgreSQL is not reachable")
    return kind


def databases(no_postgres: bool) -> list[str]:
    """The kinds to measure: SQLite always, PostgreSQL when reachable and wanted."""
    return ["sqlite"] + ([] if no_postgres or not postgres_reachable() else ["postgresql"])


# the sandbox ---------------------------------------------------------------------------
def bench_accounts(x: int, facebook: int) -> dict[str, list[dict]]:
    """Sandbox accounts for benchmarks: ``x`` X users and ``facebook`` Pages, no caps."""
    return {
        "x": [{"user_id": str(2001 + i), "username": f"bench{i}", "name": f"Bench X {i}",
               "consumer_key": f"ck-{i}", "consumer_secret": f"cs-{i}",
               "access_token": f"at-{i}", "access_token_secret": f"ats-{i}",
               "bearer_tokens": [], "user_24h_limit": NO_CAP,
               "post_limit": NO_CAP} for i in range(x)],
        "facebook": [{"page_id": str(3001 + i), "page_access_token": f"pt-{i}",
                      "name": f"Bench Page {i}"} for i in range(facebook)],
    }


class SandboxProcess:
    """``siaran sandbox`` in its own process, so it does not share the driver's GIL."""

    def __init__(self, root: Path, accounts: dict[str, list[dict]], env: dict[str, str]
                 ) -> None:
        self.accounts = accounts
        path = root / "sandbox-accounts.json"
        path.write_text(json.dumps(accounts))
        self.log_path = root / "sandbox.log"
        log = open(self.log_path, "w")  # noqa: SIM115 - kept open for the child
        self.proc = subprocess.Popen(
            [python(), "-m", "orchestrator.cli.main", "sandbox", "--port", "0",
             "--accounts", str(path)],
            stdout=subprocess.PIPE, stderr=log, text=True, env={**os.environ, **env})
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if "http://" not in line:
            self.stop()
            raise SystemExit(f"the sandbox did not start: {line!r}; see {self.log_path}")
        self.url = line.strip().rsplit(" ", 1)[1]
        self.http = requests.Session()

    def reset(self) -> None:
        self._call("POST", "/_sandbox/reset")

    def latency(self, seconds: float) -> None:
        """Every request of every platform waits ``seconds`` before its answer."""
        for platform in self.accounts:
            self._call("POST", "/_sandbox/faults", json={
                "platform": platform, "kind": "latency", "params": {"seconds": seconds}})

    def posts(self) -> list[dict]:
        return self._call("GET", "/_sandbox/posts")["posts"]

    def requests(self) -> list[dict]:
        return self._call("GET", "/_sandbox/requests")["requests"]

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.proc.pid)

    def _call(self, method: str, path: str, **kwargs) -> dict:
        response = self.http.request(method, self.url + path, timeout=60, **kwargs)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
