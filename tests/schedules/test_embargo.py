"""The embargo (kill switch) through the service layer: the row, the Redis flag, the wait for
requests in flight, held deliveries and their release, publish-now refused or overridden,
an embargo planned ahead, Redis losing the flag, roles and the commands. Real SQLite,
Redis and sandbox."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest

from connectors.errors import AccessDenied, ValidationError
from orchestrator.access.roles import add_user
from orchestrator.channels import admin as channel_admin
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.domain.states import PostStatus as P
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline.delivery import deliver
from orchestrator.runtime.context import utc_now
from orchestrator.store import audit, embargoes
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows
from orchestrator.store.schema import embargoes as embargoes_table
from schedules import embargo
from schedules.dispatch import dispatch_due
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import run_cli

REASON = "Hari berkabung nasional"


class Office:
    def __init__(self, ctx, sandbox):
        self.ctx, self.sandbox = ctx, sandbox
        self.now = ctx.now()
        ctx.clock = lambda: self.now
        channel_admin.add_channel(ctx, name="tg", platform="telegram", rate_limits=(),
                                  api_base=sandbox.url,
                                  credentials=credentials("telegram", "@setneg", sandbox.url))
        self.guards = embargo.guards_for(ctx)

    def approved(self, minutes: float | None = None, window: float | None = None) -> int:
        at = None if minutes is None else self.now + timedelta(minutes=minutes)
        post_id = workflow.create_post(self.ctx, title="T", text=f"Kabar {time.time_ns()}",
                                       pillar="informatif", channels=["tg"], at=at,
                                       missed_after=window)
        workflow.submit(self.ctx, post_id)
        workflow.approve(self.ctx, post_id)
        return post_id

    def queued(self) -> tuple[int, int]:
        post_id = self.approved()
        publishing.publish_now(self.ctx, post_id)
        return post_id, self.delivery(post_id).id

    def delivery(self, post_id: int):
        with self.ctx.db.read() as conn:
            (found,) = rows.for_post(conn, post_id)
            return found

    def post(self, post_id: int):
        with self.ctx.db.read() as conn:
            return post_rows.get(conn, post_id)

    def deliver(self, delivery_id: int):
        return deliver(self.ctx, delivery_id, guards=self.guards)

    def later(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def office(ctx, sandbox):
    return Office(ctx, sandbox)


def test_pause_waits_for_the_request_in_flight_then_nothing_starts(office):
    _, slow = office.queued()
    post_after, after = office.queued()
    office.sandbox.add_fault("telegram", "latency", count=1, seconds=1.0)
    worker = threading.Thread(target=office.deliver, args=(slow,))
    worker.start()
    deadline = time.monotonic() + 10
    while office.guards.in_flight() != [slow] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert office.guards.in_flight() == [slow]
    heard: list[list[int]] = []
    paused = embargo.pause_all(office.ctx, REASON, progress=heard.append)
    returned = time.time()
    worker.join()
    assert heard == [[slow], []] and paused.in_flight == [] and paused.in_force
    assert paused.held == 1  # the other queued delivery
    # The request on the wire finished, and was recorded, before the command returned.
    with office.ctx.db.read() as conn:
        assert rows.get(conn, slow).status is D.PUBLISHED
    assert [r.time <= returned for r in office.sandbox.requests("telegram")] == [True]
    held = office.delivery(post_after)
    assert (held.status, held.error, held.error_kind) == (D.HELD, f"embargo: {REASON}",
                                                         "embargo")
    assert office.deliver(after) is None  # a stray message: nothing to claim
    assert len(office.sandbox.requests("telegram")) == 1


def test_the_claim_holds_without_redis_guards_and_the_flag_without_the_row(office):
    post_id, delivery_id = office.queued()
    other_post, other = office.queued()
    with office.ctx.db.write() as conn:
        embargoes.add(conn, reason=REASON, starts_at=office.now, ends_at=None, by="x",
                      now=office.now)
    assert deliver(office.ctx, delivery_id) is None  # no guards: the row holds it
    assert office.delivery(post_id).status is D.HELD
    # The flag alone (the row not visible to this claim) turns it away before any request.
    with office.ctx.db.write() as conn:
        conn.execute(embargoes_table.delete())
    office.guards.set_embargo(99, REASON)
    outcome = office.deliver(other)
    assert outcome.status is D.RETRY_WAIT and outcome.retry_in == 1.0
    found = office.delivery(other_post)
    assert found.status is D.RETRY_WAIT and found.attempts == 0
    assert office.sandbox.requests("telegram") == []


def test_resume_queues_what_was_held_and_misses_what_is_too_late(office):
    on_time = office.approved(5, window=3 * 60 * 60)
    late = office.approved(5, window=10 * 60)
    embargo.pause_all(office.ctx, REASON)
    office.later(6)
    assert dispatch_due(office.ctx) == 2
    assert office.delivery(on_time).status is D.HELD
    assert office.delivery(late).error == f"embargo: {REASON}"
    office.later(60)
    resumed = embargo.resume_all(office.ctx)
    assert (resumed.released, resumed.missed) == (1, 1)
    assert office.guards.embargo() is None
    assert office.delivery(on_time).status is D.QUEUED
    missed = office.delivery(late)
    assert missed.status is D.MISSED and missed.error.startswith("missed its window")
    assert office.post(late).status is P.MISSED
    office.deliver(office.delivery(on_time).id)
    assert office.post(on_time).status is P.PUBLISHED
    assert len(office.sandbox.posts("telegram")) == 1
    with pytest.raises(ValidationError, match="no embargo is in force"):
        embargo.resume_all(office.ctx)


def test_publish_now_is_refused_during_an_embargo_unless_an_admin_overrides_it(office):
    post_id = office.approved(60)
    with office.ctx.db.write() as conn:
        add_user(conn, acting="root", name="root", roles=["admin"], now=office.now)
        add_user(conn, acting="root", name="kabag", roles=["approver"], now=office.now)
    office.ctx.settings = office.ctx.settings.with_user("kabag")
    embargo.pause_all(office.ctx, REASON)
    with pytest.raises(AccessDenied, match="publish-now is refused unless an admin"):
        publishing.publish_now(office.ctx, post_id)
    with pytest.raises(AccessDenied, match="may not override embargo"):
        publishing.publish_now(office.ctx, post_id, override_embargo="Pengumuman darurat")
    office.ctx.settings = office.ctx.settings.with_user("root")
    with pytest.raises(ValidationError, match="needs a reason"):
        publishing.publish_now(office.ctx, post_id, override_embargo=" ")
    assert office.post(post_id).status is P.APPROVED
    publishing.publish_now(office.ctx, post_id, override_embargo="Pengumuman darurat")
    delivery = office.delivery(post_id)
    assert delivery.status is D.QUEUED and delivery.overrides_embargo
    assert office.deliver(delivery.id).status is D.PUBLISHED
    with office.ctx.db.read() as conn:
        events = audit.events(conn, "post", post_id)
    override = next(e for e in events if e["action"] == "override_embargo")
    assert override["actor"] == "root"
    assert override["detail"]["reason"] == "Pengumuman darurat"
    assert override["detail"]["embargo_reason"] == REASON


def test_an_embargo_planned_ahead_holds_from_its_start_to_its_end(office):
    window = 3 * 60 * 60
    before, during = office.approved(30, window), office.approved(90, window)
    paused = embargo.pause_all(office.ctx, "Masa tenang pemilu",
                               starts_at=office.now + timedelta(hours=1),
                               ends_at=office.now + timedelta(hours=2))
    assert not paused.in_force and office.guards.embargo() is None
    assert embargo.status(office.ctx)["planned"][0]["reason"] == "Masa tenang pemilu"
    office.later(31)
    dispatch_due(office.ctx)
    assert office.delivery(before).status is D.QUEUED
    office.later(60)  # 91 minutes: inside the embargo
    embargo.enforce(office.ctx, office.guards)
    assert office.guards.embargo() == (paused.embargo.id, "Masa tenang pemilu")
    dispatch_due(office.ctx)
    assert office.delivery(during).status is D.HELD
    assert deliver(office.ctx, office.delivery(before).id) is None
    assert office.delivery(before).status is D.HELD
    shown = embargo.status(office.ctx)
    assert shown["embargo"]["id"] == paused.embargo.id and shown["held"] == 2
    office.later(30)  # 121 minutes: over
    embargo.enforce(office.ctx, office.guards)
    assert office.guards.embargo() is None
    assert {office.delivery(p).status for p in (before, during)} == {D.QUEUED}
    assert embargo.status(office.ctx)["held"] == 0


def test_a_redis_that_lost_the_flag_gets_it_back(office):
    paused = embargo.pause_all(office.ctx, REASON)
    office.guards.client.delete(office.guards.embargo_key)  # as after a restart of Redis
    assert office.guards.embargo() is None
    embargo.enforce(office.ctx, office.guards)
    assert office.guards.embargo() == (paused.embargo.id, REASON)


def test_only_approvers_and_admins_pause_and_resume(office):
    with office.ctx.db.write() as conn:
        add_user(conn, acting="root", name="root", roles=["admin"], now=office.now)
        add_user(conn, acting="root", name="ani", roles=["author", "operator"], now=office.now)
        add_user(conn, acting="root", name="kabag", roles=["approver"], now=office.now)
    office.ctx.settings = office.ctx.settings.with_user("ani")
    with pytest.raises(AccessDenied, match="needs role admin or approver"):
        embargo.pause_all(office.ctx, REASON)
    assert embargo.status(office.ctx)["embargo"] is None and office.guards.embargo() is None
    office.ctx.settings = office.ctx.settings.with_user("kabag")
    paused = embargo.pause_all(office.ctx, REASON)
    office.ctx.settings = office.ctx.settings.with_user("ani")
    with pytest.raises(AccessDenied):
        embargo.resume_all(office.ctx)
    office.ctx.settings = office.ctx.settings.with_user("root")
    embargo.resume_all(office.ctx)
    with office.ctx.db.read() as conn:
        events = audit.events(conn, "embargo", paused.embargo.id)
    assert [(e["actor"], e["action"]) for e in events] == [("kabag", "embargo"),
                                                           ("root", "embargo_lift")]


def test_embargo_commands(office, capsys):
    def run(*args):
        return run_cli(capsys, *args)

    office.ctx.clock = utc_now  # the commands open their own context, on the real clock
    post_id = office.approved(60)
    code, out, _ = run("status")  # no scheduler runs here: not ready
    assert code == 1 and "no embargo in force: publishing" in out.splitlines()
    code, out, _ = run("pause", "--all", "--reason", REASON, "--json")
    paused = json.loads(out)
    assert code == 0 and paused["in_force"] and paused["reason"] == REASON
    assert paused["in_flight"] == [] and paused["since"].endswith("+07:00")
    code, out, _ = run("status", "--json")
    shown = json.loads(out)["embargo"]
    assert shown["embargo"]["id"] == paused["id"] and shown["flag"] and shown["redis"]
    code, out, _ = run("status")
    (line,) = [x for x in out.splitlines() if x.startswith("embargo ")]
    assert line.startswith(f"embargo {paused['id']} in force since ")
    assert line.endswith(f"(by editor): {REASON}")
    code, _, err = run("post", "publish-now", str(post_id))
    assert code == 1 and "publish-now is refused unless an admin overrides" in err
    code, _, err = run("pause", "--reason", "x")  # --all is required
    assert code == 1 and "the following arguments are required: --all" in err
    assert run("resume", "--all") == (
        0, f"embargo {paused['id']} lifted: 0 deliveries released, 0 missed their window\n",
        "")
    code, _, err = run("resume", "--all")
    assert (code, err) == (1, "siaran: error: no embargo is in force\n")
