"""``/readyz`` of a real ``siaran web`` process as the processes around it come and go: a
scheduler killed and started again, a Redis stopped, a database dropped."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from orchestrator.runtime.embedded_redis import is_alive, running
from tests.fixtures.services import clear_namespace, create_pg_database, drop_pg_database
from tests.fixtures.system import System

CHECKS = ["database", "redis", "scheduler", "queues"]


def wait_for(answer: Callable[[], httpx.Response | None], done: Callable[[httpx.Response], bool],
             timeout: float) -> httpx.Response:
    """Ask until ``done`` holds (or the time is up: the last answer, for the assertion)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = answer()
        except httpx.TransportError:
            last = None
        if last is not None and done(last):
            return last
        time.sleep(0.2)
    assert last is not None, "the web process never answered"
    return last


def checks(response: httpx.Response) -> dict[str, dict]:
    return {c["name"]: c for c in response.json()["checks"]}


@contextmanager
def web_system(root: Path, redis_url: str, port: int, **env: str) -> Iterator[System]:
    """An initialised Siaran with ``siaran web`` on ``port``; processes stop at the end."""
    system = System(root, redis_url, "http://127.0.0.1:9")
    system.env.update(env)
    system.cli("init")
    system.start("web", "--port", str(port), name="web")
    try:
        yield system
    finally:
        system.stop()
        if is_alive(redis_url):
            clear_namespace(redis_url, system.env["SIARAN_REDIS_NAMESPACE"])


def test_readyz_fails_when_the_scheduler_is_killed_and_recovers(tmp_path, redis_url,
                                                                 unused_port):
    url = f"http://127.0.0.1:{unused_port}"
    with web_system(tmp_path, redis_url, unused_port, SIARAN_SCHEDULER_STALE="2s") as system:
        scheduler = system.start("scheduler", name="scheduler")
        ready = wait_for(lambda: httpx.get(f"{url}/readyz"), lambda r: r.status_code == 200, 30)
        assert ready.status_code == 200 and ready.json()["ready"] is True
        assert [c["name"] for c in ready.json()["checks"]] == CHECKS
        assert checks(ready)["scheduler"]["age"] < 2
        scheduler.send_signal(signal.SIGKILL)
        scheduler.wait()
        stale = wait_for(lambda: httpx.get(f"{url}/readyz"), lambda r: r.status_code == 503,
                         2 + 15)
        assert stale.status_code == 503 and stale.json()["ready"] is False
        found = checks(stale)
        assert not found["scheduler"]["ok"] and found["scheduler"]["age"] > 2
        assert "silent for" in found["scheduler"]["detail"]
        assert all(found[name]["ok"] for name in ("database", "redis", "queues"))
        assert httpx.get(f"{url}/healthz").status_code == 200
        system.start("scheduler", name="scheduler-again")
        again = wait_for(lambda: httpx.get(f"{url}/readyz"), lambda r: r.status_code == 200, 30)
        assert again.status_code == 200 and checks(again)["scheduler"]["ok"]


def test_readyz_names_redis_when_redis_stops(tmp_path, unused_port):
    url = f"http://127.0.0.1:{unused_port}"
    with ExitStack() as server:  # this test's own Redis server, never the machine's
        redis_url = server.enter_context(running(tmp_path / "private-redis"))
        with web_system(tmp_path / "siaran", redis_url, unused_port) as system:
            system.start("scheduler", name="scheduler")
            ready = wait_for(lambda: httpx.get(f"{url}/readyz"),
                             lambda r: r.status_code == 200, 30)
            assert ready.status_code == 200
            server.close()
            down = wait_for(lambda: httpx.get(f"{url}/readyz"),
                            lambda r: not checks(r)["redis"]["ok"], 15)
            assert down.status_code == 503
            found = checks(down)
            assert found["redis"]["detail"].startswith("not reachable")
            assert not found["queues"]["ok"] and found["database"]["ok"]
            assert urlsplit(redis_url).password not in down.text


@pytest.mark.postgres
def test_healthz_answers_while_the_database_is_gone(tmp_path, redis_url, postgres_admin,
                                                     unused_port):
    url = f"http://127.0.0.1:{unused_port}"
    database = create_pg_database(postgres_admin)
    try:
        with web_system(tmp_path, redis_url, unused_port, SIARAN_DATABASE_URL=database):
            alive = wait_for(lambda: httpx.get(f"{url}/healthz"),
                             lambda r: r.status_code == 200, 30)
            assert alive.json() == {"status": "ok", "api": "closed"}
            drop_pg_database(postgres_admin, database)
            assert httpx.get(f"{url}/healthz").json() == {"status": "ok", "api": "unknown"}
            gone = httpx.get(f"{url}/readyz")
            assert gone.status_code == 503
            found = checks(gone)
            assert found["database"] == {"name": "database", "ok": False, "age": None,
                                         "detail": "not reachable (OperationalError)"}
            assert not found["scheduler"]["ok"] and found["redis"]["ok"]
            assert "postgres" not in gone.text
    finally:
        drop_pg_database(postgres_admin, database)
