"""``/metrics`` of a real ``siaran web`` process sums what two separate ``siaran worker``
processes counted while publishing to the sandbox, and shows the gauges read at scrape
time."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import httpx
import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from orchestrator.runtime import config
from orchestrator.runtime.context import open_context
from orchestrator.store.schema import attempts
from tests.fixtures.sandbox import demo_account
from tests.fixtures.services import clear_namespace, repo_root
from tests.fixtures.system import System

POSTS = 4
PLATFORMS = ("x", "telegram")
OPS = repo_root() / "ops"


def samples(text: str) -> dict[str, list]:
    """Every sample of a scrape by sample name."""
    found = defaultdict(list)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name].append(sample)
    return found


def total(found: dict[str, list], name: str, **labels: str) -> float:
    return sum(s.value for s in found[name]
               if all(s.labels.get(k) == v for k, v in labels.items()))


def test_one_scrape_sums_two_worker_processes(tmp_path, redis_url, sandbox, unused_port):
    began = time.time()
    system = System(tmp_path, redis_url, sandbox.url)
    system.cli("init")
    for platform in PLATFORMS:
        system.add_channel(f"{platform}-prov", platform, demo_account(platform))
    try:
        # Two launchers, one queue each: both must publish.
        for platform in PLATFORMS:
            system.start("worker", "--processes", "1", "--threads", "2",
                         "--queues", f"publish.{platform}", name=f"worker-{platform}")
        system.start("scheduler", name="scheduler")
        system.start("web", "--port", str(unused_port), name="web")
        post_ids = [system.approved_post(
            *(f"{p}-prov" for p in PLATFORMS), text=f"Layanan publik {uuid.uuid4().hex[:8]}",
            at=(datetime.now(UTC) + timedelta(seconds=20)).isoformat()) for _ in range(POSTS)]
        shown = [system.wait_finished(post_id, timeout=90) for post_id in post_ids]
        assert {s["status"] for s in shown} == {"published"}
        scrape = httpx.get(f"http://127.0.0.1:{unused_port}/metrics", timeout=30)
        assert scrape.status_code == 200
        assert scrape.headers["content-type"].startswith("text/plain")
        found = samples(scrape.text)
    finally:
        system.stop()
        clear_namespace(redis_url, system.env["SIARAN_REDIS_NAMESPACE"])
    made = POSTS * len(PLATFORMS)
    assert total(found, "siaran_deliveries_total") == made
    for platform in PLATFORMS:
        assert total(found, "siaran_deliveries_total", platform=platform,
                     status="published") == POSTS
        assert total(found, "siaran_attempts_total", platform=platform,
                     error_kind="none") == POSTS
        assert total(found, "siaran_platform_request_seconds_count", platform=platform,
                     outcome="published") == POSTS
        assert total(found, "siaran_publish_lateness_seconds_count", platform=platform) == POSTS
    # Both worker processes published, and each left its own counter file.
    ctx = open_context(config.load(system.env))
    with ctx.db.read() as conn:
        workers = set(conn.execute(select(attempts.c.worker)).scalars())
    ctx.db.dispose()
    pids = {w.rsplit(":", 1)[1] for w in workers}
    assert len(pids) == 2
    files = {p.name for p in (tmp_path / "data" / "metrics").iterdir()}
    assert {f"counter_{pid}.db" for pid in pids} <= files
    # Gauges read at scrape time.
    assert total(found, "siaran_ready") == 1
    assert {s.labels["check"] for s in found["siaran_check_ok"]} == {
        "database", "redis", "scheduler", "queues"}
    assert total(found, "siaran_queue_messages") == 0
    assert total(found, "siaran_outbox_backlog") == 0
    assert total(found, "siaran_deliveries") == 0  # nothing open
    assert total(found, "siaran_channels", state="active") == len(PLATFORMS)
    assert total(found, "siaran_channel_state", channel="x-prov", state="active") == 1
    assert total(found, "siaran_scheduler_tick_seconds_count") > 0
    assert total(found, "siaran_scheduler_last_tick_timestamp_seconds") >= began
    assert_assets_use(found)


def assert_assets_use(found: dict[str, list]) -> None:
    """The alert rules and the dashboard ask only for series a scrape has."""
    rules = yaml.safe_load((OPS / "prometheus" / "siaran-alerts.yml").read_text())
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((OPS / "grafana" / "siaran-dashboard.json").read_text())
    exprs += [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    asked = {name for expr in exprs for name in re.findall(r"\bsiaran_[a-z_]+", expr)}
    assert asked and asked <= set(found), asked - set(found)
