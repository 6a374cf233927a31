"""A whole running Siaran: real ``siaran worker`` and ``siaran scheduler`` processes,
real Redis, a SQLite file, and the sandbox, shared by the tests of one module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fixtures.sandbox import credentials
from tests.fixtures.services import clear_namespace, siaran

FINISHED = {"published", "partially_published", "failed", "cancelled"}


class System:
    """Siaran's processes for one test module, and helpers to drive them."""

    def __init__(self, root: Path, redis_url: str, sandbox_url: str) -> None:
        self.root = root
        self.redis_url = redis_url
        self.sandbox_url = sandbox_url
        self.env = {
            "SIARAN_DATA_DIR": str(root / "data"),
            "SIARAN_DATABASE_URL": f"sqlite:///{root / 'data' / 'siaran.db'}",
            "SIARAN_REDIS_URL": redis_url,
            "SIARAN_REDIS_NAMESPACE": f"siaran-e2e-{uuid.uuid4().hex[:10]}",
            "SIARAN_USER": "editor",
            "SIARAN_LOG_FORMAT": "json",
            "SIARAN_HTTP_TIMEOUT": "3",
            "SIARAN_TICK_SECONDS": "0.2",
        }
        self.processes: list[subprocess.Popen] = []

    def cli(self, *args: str, user: str | None = None, check: bool = True):
        return siaran(*args, env=self.env, user=user, check=check)

    def json(self, *args: str) -> object:
        return json.loads(self.cli(*args, "--json").stdout)

    def start(self, *args: str, name: str) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "w")  # noqa: SIM115 - closed at stop
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestrator.cli.main", *args], stdout=log,
            stderr=subprocess.STDOUT, env={**os.environ, **self.env})
        self.processes.append(process)
        return process

    def add_channel(self, name: str, platform: str, account: str) -> None:
        creds = [f"--credential={k}={v}" for k, v in credentials(platform, account).items()]
        self.cli("channel", "add", name, "--platform", platform,
                 "--api-base", self.sandbox_url, *creds)

    def approved_post(self, *channels: str, at: str | None = None, text: str = "") -> int:
        text = text or f"Pengumuman {uuid.uuid4().hex[:8]}"
        args = ["post", "create", "--title", "Uji", "--text", text, "--pillar", "informatif"]
        for channel in channels:
            args += ["--channel", channel]
        if at:
            args += ["--at", at]
        post_id = self.json(*args)["id"]
        self.cli("post", "submit", str(post_id))
        self.cli("post", "approve", str(post_id), user="approver")
        return post_id

    def wait_finished(self, post_id: int, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.json("post", "show", str(post_id))
            if shown["status"] in FINISHED or time.monotonic() > deadline:
                return shown
            time.sleep(0.2)

    def stop(self) -> None:
        for p in self.processes:
            p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@contextmanager
def running_system(root: Path, redis_url: str, sandbox_url: str,
                   **env: str) -> Iterator[System]:
    """Initialise Siaran in ``root`` and run a worker and a scheduler until the block ends."""
    running = System(root, redis_url, sandbox_url)
    running.env.update(env)
    running.cli("init")
    running.start("worker", "--processes", "1", "--threads", "4", name="worker")
    running.start("scheduler", name="scheduler")
    try:
        yield running
    finally:
        running.stop()
        clear_namespace(redis_url, running.env["SIARAN_REDIS_NAMESPACE"])


@pytest.fixture(scope="module")
def system(tmp_path_factory, redis_url, sandbox_server) -> Iterator[System]:
    with running_system(tmp_path_factory.mktemp("siaran"), redis_url,
                        sandbox_server.url) as running:
        yield running
