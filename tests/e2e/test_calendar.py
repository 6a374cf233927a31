"""The calendar end to end, with real worker and scheduler processes, Redis and the sandbox:
a post past its missed window is not sent; the embargo stops a burst of 500 due deliveries
(nothing starts after ``pause --all`` returns) and resume publishes the rest exactly once;
two schedulers at once with a series and an embargo planned ahead."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from orchestrator.editorial import workflow
from orchestrator.runtime import config
from orchestrator.runtime.context import open_context
from schedules import approval
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import clear_namespace
from tests.fixtures.system import System, running_system

TG = "@setneg"


def _channel(system: System) -> None:
    creds = [f"--credential={k}={v}" for k, v in credentials("telegram", TG).items()]
    system.cli("channel", "add", "tg", "--platform", "telegram", "--api-base",
               system.sandbox_url, "--rate-limit", "none", *creds)


def _wait(check, timeout: float = 60, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(every)


def test_a_post_past_its_window_is_missed_and_only_publish_now_sends_it(tmp_path, redis_url,
                                                                       sandbox):
    system = System(tmp_path, redis_url, sandbox.url)
    system.cli("init")
    _channel(system)
    system.start("worker", "--processes", "1", "--threads", "2", name="worker")
    try:
        at = datetime.now(UTC) + timedelta(seconds=8)
        post_id = system.json("post", "create", "--title", "Salam pagi", "--text",
                              "Selamat pagi, Indonesia!", "--pillar", "interaktif",
                              "--channel", "tg", "--at", at.isoformat(),
                              "--missed-after", "1s")["id"]
        system.cli("post", "submit", str(post_id))
        system.cli("post", "approve", str(post_id), user="kabag")
        # The scheduler is down until the window has passed.
        _wait(lambda: datetime.now(UTC) > at + timedelta(seconds=2), every=0.1)
        system.start("scheduler", name="scheduler")
        shown = _wait(lambda: (s := system.json("post", "show", str(post_id)))["status"]
                      == "missed" and s)
        assert shown["deliveries"][0]["status"] == "missed"
        assert shown["deliveries"][0]["error"].startswith("missed its window")
        assert [d["id"] for d in system.json("deliveries", "--status", "missed")] == [
            shown["deliveries"][0]["id"]]
        assert sandbox.requests("telegram", TG) == []
        system.cli("post", "publish-now", str(post_id))
        assert system.wait_finished(post_id)["status"] == "published"
        assert [p.text for p in sandbox.posts("telegram", TG)] == ["Selamat pagi, Indonesia!"]
    finally:
        system.stop()
        clear_namespace(redis_url, system.env["SIARAN_REDIS_NAMESPACE"])


BURST = 500


def test_an_embargo_stops_a_burst_and_resume_publishes_the_rest_once(tmp_path, redis_url,
                                                                     sandbox):
    with running_system(tmp_path, redis_url, sandbox.url) as system:
        _channel(system)
        ctx = open_context(config.load(system.env))
        due = datetime.now(UTC) + timedelta(seconds=8)
        texts = [f"Pengumuman {i:03d}" for i in range(BURST)]
        for text in texts:
            post_id = workflow.create_post(ctx, title="Burst", text=text, pillar="informatif",
                                           channels=["tg"], at=due)
            approval.submit(ctx, post_id)
            approval.approve(ctx, post_id)
        ctx.db.dispose()
        # Every request takes a little while, so that the burst lasts some seconds.
        sandbox.add_fault("telegram", "latency", account=TG, seconds=0.03)
        assert _wait(lambda: len(sandbox.posts("telegram", TG)) >= 50, timeout=90)
        paused = system.cli("pause", "--all", "--reason", "Hari berkabung nasional")
        returned = time.time()
        sent = sandbox.requests("telegram", TG)
        assert paused.stdout.startswith("embargo 1 in force since ")
        assert 50 <= len(sent) < BURST
        time.sleep(2)  # workers and scheduler keep running: nothing may start now
        assert len(sandbox.requests("telegram", TG)) == len(sent)
        assert max(r.time for r in sent) <= returned
        status = system.json("status")
        assert status["ready"]  # workers and scheduler run: an embargo is not a fault
        assert status["embargo"]["embargo"]["reason"] == "Hari berkabung nasional"
        assert status["embargo"]["held"] == BURST - len(sent)
        held = system.json("deliveries", "--status", "held")
        assert {d["error"] for d in held} == {"embargo: Hari berkabung nasional"}
        system.cli("resume", "--all")
        assert _wait(lambda: len(sandbox.posts("telegram", TG)) >= BURST, timeout=120)
        time.sleep(1)
        received = Counter(p.text for p in sandbox.posts("telegram", TG))
        assert received == Counter(texts)  # each exactly once
        assert system.json("status")["embargo"]["held"] == 0


def test_two_schedulers_with_a_series_and_an_embargo_planned_ahead(tmp_path, redis_url,
                                                                  sandbox):
    with running_system(tmp_path, redis_url, sandbox.url) as system:
        system.start("scheduler", name="scheduler-2")
        _channel(system)
        start = (datetime.now(UTC) + timedelta(seconds=6)).replace(microsecond=0)
        made = system.json("post", "create", "--title", "Hitung mundur", "--text",
                           "Hitung mundur HUT RI", "--pillar", "edukasi-hiburan",
                           "--channel", "tg", "--at", start.isoformat(),
                           "--repeat", "FREQ=SECONDLY;INTERVAL=1;COUNT=24")
        system.cli("post", "submit", str(made["id"]))
        system.cli("post", "approve", str(made["id"]), user="kabag")
        system.cli("pause", "--all", "--reason", "Masa tenang",
                   "--from", (start + timedelta(seconds=6)).isoformat(),
                   "--until", (start + timedelta(seconds=10)).isoformat())

        def finished():
            shown = system.json("series", "show", str(made["series_id"]))
            done = [o for o in shown["occurrences"] if o["status"] == "published"]
            return len(done) == 24 and shown

        shown = _wait(finished, timeout=90)
        assert shown, system.json("series", "show", str(made["series_id"]))
        assert len({o["occurrence_at"] for o in shown["occurrences"]}) == 24
        assert len(sandbox.posts("telegram", TG)) == 24  # each occurrence exactly once
        # The occurrences during the embargo went out when it ended, not before.
        end = (start + timedelta(seconds=10)).timestamp()
        during = [o for o in shown["occurrences"]
                  if start + timedelta(seconds=6) <= datetime.fromisoformat(
                      o["occurrence_at"]) < start + timedelta(seconds=10)]
        assert len(during) == 4
        times = sorted(p.time for p in sandbox.posts("telegram", TG))
        assert sum(t >= end for t in times) == 4 + 14
        assert system.json("status")["embargo"]["embargo"] is None
