"""`siaran up` with no SIARAN_REDIS_URL runs its own Redis, publishes, serves the HTTP API,
and stops it all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from orchestrator.runtime.embedded_redis import URL_FILE, is_alive
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import siaran


def test_up_on_embedded_defaults(tmp_path, sandbox, unused_port):
    env = {"SIARAN_DATA_DIR": str(tmp_path / "data"), "SIARAN_DATABASE_URL": "",
           "SIARAN_REDIS_URL": "", "SIARAN_TICK_SECONDS": "0.2", "SIARAN_USER": "editor"}
    siaran("init", env=env)
    creds = [f"--credential={k}={v}" for k, v in credentials("x", "1001").items()]
    siaran("channel", "add", "x", "--platform", "x", "--api-base", sandbox.url, *creds, env=env)
    up = subprocess.Popen([sys.executable, "-m", "orchestrator.cli.main", "up",
                           "--processes", "1", "--threads", "2", "--port", str(unused_port)],
                          env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    try:
        url_file = tmp_path / "data" / URL_FILE
        deadline = time.monotonic() + 20
        while not url_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        url = url_file.read_text().strip()
        assert is_alive(url)
        post_id = siaran("post", "create", "--title", "T", "--text", "Mode tertanam.",
                         "--pillar", "informatif", "--channel", "x", env=env).stdout.strip()
        siaran("post", "submit", post_id, env=env)
        siaran("post", "approve", post_id, env=env)
        siaran("post", "publish-now", post_id, env=env)
        while time.monotonic() < deadline + 20:
            if [p for p in sandbox.posts("x", "1001") if p.text == "Mode tertanam."]:
                break
            time.sleep(0.2)
        assert [p.text for p in sandbox.posts("x", "1001")] == ["Mode tertanam."]
        health = None
        while health is None and time.monotonic() < deadline + 30:
            try:
                health = httpx.get(f"http://127.0.0.1:{unused_port}/healthz").json()
            except httpx.TransportError:
                time.sleep(0.2)
        assert health == {"status": "ok", "api": "closed"}
    finally:
        up.send_signal(signal.SIGTERM)
        up.wait(timeout=40)
    assert not url_file.exists()
    assert not is_alive(url)
