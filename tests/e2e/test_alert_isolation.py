"""An alert target that is down does not delay publishing: with real worker, scheduler and
watcher processes, the same calendar is published once without alert targets and once
with a target that accepts connections and never answers, while a failing channel makes
the watcher try it again and again. Each post's lateness is the platform's publication
time minus its due time."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from orchestrator.editorial import workflow
from orchestrator.runtime import config
from orchestrator.runtime.context import open_context
from orchestrator.store import alert_events
from orchestrator.store.db import Database
from tests.fixtures.alerts import WEBHOOK_SECRET
from tests.fixtures.system import running_system

ALERT_TIMEOUT = 4.0
POSTS = 6
TIMED_OUT = "no answer within the timeout"


def _publish_calendar(system, sandbox, tag: str) -> tuple[list[float], datetime]:
    """Posts due every half second on a good and a failing channel (planned through the
    services on the system's database); the lateness of each on the good one, and the last
    due time."""
    ctx = open_context(config.load(system.env))
    first = datetime.now(UTC) + timedelta(seconds=4)
    due = {}
    for i in range(POSTS):
        at = first + timedelta(seconds=0.5 * i)
        text = f"{tag} pengumuman {i}"
        post_id = workflow.create_post(ctx, title="Uji", text=text, pillar="informatif",
                                       channels=["x-good", "x-bad"], at=at)
        workflow.submit(ctx, post_id)
        workflow.approve(ctx, post_id)
        due[text] = (post_id, at)
    ctx.db.dispose()
    for post_id, _at in due.values():
        system.wait_finished(post_id, timeout=60)
    published = {p.text: p.time for p in sandbox.posts("x", "1001")}
    lateness = [published[text] - at.timestamp() for text, (_p, at) in due.items()]
    return lateness, max(at for _p, at in due.values())


def _sends_until_one_timed_out(system, target: str) -> list:
    """The target's recorded sends, once one attempt has run into its timeout (or after
    three timeouts' time: the assertions then say what was recorded)."""
    db = Database(system.env["SIARAN_DATABASE_URL"])
    deadline = time.monotonic() + 3 * ALERT_TIMEOUT
    try:
        while True:
            with db.read() as conn:
                tried = list(alert_events.sends(conn, target=target))
            if any(s.error == TIMED_OUT for s in tried) or time.monotonic() > deadline:
                return tried
            time.sleep(0.3)
    finally:
        db.dispose()


def test_a_dead_alert_target_does_not_delay_publishing(tmp_path, redis_url, sandbox,
                                                        dead_port):
    env = {"SIARAN_ALERT_TIMEOUT": str(ALERT_TIMEOUT), "SIARAN_ALERT_GROUP_WAIT": "0",
           "SIARAN_ALERT_RENOTIFY": "1s", "SIARAN_ALERT_INTERVAL": "0.3"}
    sandbox.add_fault("x", "status", account="1002", status=400)
    with running_system(tmp_path, redis_url, sandbox.url, **env) as system:
        system.start("watch", name="watch")
        system.add_channel("x-good", "x", "1001")
        system.add_channel("x-bad", "x", "1002")
        without, _ = _publish_calendar(system, sandbox, "tanpa")

        system.cli("alert", "add", "dead", "--target", "webhook", "--url", dead_port,
                   "--secret", WEBHOOK_SECRET, user="admin")
        with_dead, last_due = _publish_calendar(system, sandbox, "dengan")
        tried = _sends_until_one_timed_out(system, "dead")

    print(f"lateness without alert targets: median {statistics.median(without):.3f} s, "
          f"max {max(without):.3f} s; with a dead target: median "
          f"{statistics.median(with_dead):.3f} s, max {max(with_dead):.3f} s")
    # The watcher did try the dead target while the calendar was going out, and waited
    # for it: a send made before the last post was due, timed out.
    assert any(s.created_at <= last_due and s.attempts >= 1 for s in tried), tried
    assert any(s.error == TIMED_OUT for s in tried), tried
    assert all(s.outcome != "sent" for s in tried)
    # No post waited for it: every one went out well within one alert timeout of its time,
    # as it did without alert targets.
    assert all(late >= -0.05 for late in with_dead)
    assert max(with_dead) < ALERT_TIMEOUT, with_dead
    assert statistics.median(with_dead) < statistics.median(without) + ALERT_TIMEOUT / 2
