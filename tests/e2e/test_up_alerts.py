"""`siaran up` runs the alert watcher: an embargo paused from the command line reaches a
webhook target while `up` runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx

from ops.alerts import signing
from tests.fixtures.alerts import WEBHOOK_SECRET
from tests.fixtures.services import clear_namespace, siaran


def test_up_sends_alerts(tmp_path, redis_url, webhook_receiver, unused_port):
    env = {"SIARAN_DATA_DIR": str(tmp_path / "data"),
           "SIARAN_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'siaran.db'}",
           "SIARAN_REDIS_URL": redis_url, "SIARAN_REDIS_NAMESPACE": f"up-alerts-{unused_port}",
           "SIARAN_TICK_SECONDS": "0.2", "SIARAN_USER": "editor",
           "SIARAN_ALERT_GROUP_WAIT": "0", "SIARAN_ALERT_INTERVAL": "0.3"}
    siaran("init", env=env)
    siaran("alert", "add", "ops", "--target", "webhook", "--url", webhook_receiver.url,
           "--secret", WEBHOOK_SECRET, env=env)
    up = subprocess.Popen([sys.executable, "-m", "orchestrator.cli.main", "up",
                           "--processes", "1", "--threads", "1", "--port", str(unused_port)],
                          env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    try:
        siaran("pause", "--all", "--reason", "Masa tenang", env=env)
        deadline = time.monotonic() + 60
        while not webhook_receiver.received and time.monotonic() < deadline:
            time.sleep(0.2)
        scrape = _scrape_until(f"http://127.0.0.1:{unused_port}/metrics", SENT)
    finally:
        up.terminate()
        up.wait(timeout=60)
        clear_namespace(redis_url, env["SIARAN_REDIS_NAMESPACE"])
    (received,) = webhook_receiver.received[:1]
    assert signing.verify(WEBHOOK_SECRET, received.headers[signing.TIMESTAMP],
                          received.headers[signing.SIGNATURE], received.body, time.time())
    assert json.loads(received.body)["event"] == "embargo_started"
    # the watcher's count reaches the web process's scrape (one metrics directory)
    assert SENT in scrape


SENT = 'siaran_alerts_sent_total{event="embargo_started",outcome="sent",target="webhook"}'


def _scrape_until(url: str, wanted: str, timeout: float = 30) -> str:
    """``/metrics`` once it shows ``wanted`` (or the last scrape after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            text = httpx.get(url, timeout=5).text
        except httpx.HTTPError:
            text = ""
        if wanted in text or time.monotonic() > deadline:
            return text
        time.sleep(0.3)
