"""Series: eight weekly occurrences written ahead, approved together and published on time
(a clock the test moves, the real delivery code, the sandbox); one occurrence edited or
cancelled without touching the rest; the rolling horizon; the commands."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import AccessDenied
from orchestrator.access.roles import add_user
from orchestrator.channels import admin as channel_admin
from orchestrator.domain.series import SeriesStatus as S
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.domain.states import PostStatus as P
from orchestrator.editorial import review, workflow
from orchestrator.pipeline.delivery import deliver
from orchestrator.store import deliveries as rows
from orchestrator.store import series as series_rows
from schedules import approval, planning, series
from schedules.dispatch import dispatch_due
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import context_on, run_cli

WEDNESDAY = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 09:00 WIB
FRIDAYS = [datetime(2026, 12, 4, 2, 0, tzinfo=UTC) + timedelta(weeks=i) for i in range(8)]
WEEKLY = "FREQ=WEEKLY;BYDAY=FR;COUNT=8"


class Office:
    def __init__(self, ctx, sandbox):
        self.ctx, self.sandbox = ctx, sandbox
        self.now = WEDNESDAY - timedelta(days=1)
        ctx.clock = lambda: self.now
        channel_admin.add_channel(ctx, name="tg", platform="telegram", rate_limits=(),
                                  api_base=sandbox.url,
                                  credentials=credentials("telegram", "@setneg", sandbox.url))

    def series(self, rule: str = WEEKLY, at: datetime = WEDNESDAY) -> planning.Created:
        return planning.create(self.ctx, title="Jumat Berkah", text="Selamat hari Jumat!",
                               pillar="edukasi-hiburan", channels=["tg"], at=at, repeat=rule)

    def occurrences(self, series_id: int):
        with self.ctx.db.read() as conn:
            return series_rows.occurrences(conn, series_id)

    def found(self, series_id: int):
        with self.ctx.db.read() as conn:
            return series_rows.get(conn, series_id)

    def at(self, when: datetime) -> None:
        self.now = when

    def run(self) -> int:
        """What the scheduler and a worker do at this moment; returns deliveries made."""
        series.extend_due(self.ctx)
        dispatch_due(self.ctx)
        with self.ctx.db.read() as conn:
            queued = [d for d in rows.page(conn, status=D.QUEUED, limit=1000)]
        for delivery in queued:
            deliver(self.ctx, delivery.id)
        return len(queued)


@pytest.fixture
def office(ctx, sandbox):
    return Office(ctx, sandbox)


def test_eight_weekly_occurrences_are_approved_together_and_published_on_time(office):
    made = office.series()
    assert made.scheduled_at == FRIDAYS[0] and made.series_id
    written = office.occurrences(made.series_id)
    # Written ahead over the horizon (35 days): five Fridays so far, all drafts.
    assert [p.scheduled_at for p in written] == FRIDAYS[:5]
    assert {p.status for p in written} == {P.DRAFT} and written[0].id == made.post_id
    approval.submit(office.ctx, made.post_id)
    assert {p.status for p in office.occurrences(made.series_id)} == {P.IN_REVIEW}
    office.ctx.settings = office.ctx.settings.with_user("kabag")
    approval.approve(office.ctx, written[3].id)  # any occurrence approves the series
    found = office.found(made.series_id)
    assert (found.status, found.approver) == (S.APPROVED, "kabag")
    approved = office.occurrences(made.series_id)
    assert {(p.status, p.approved_hash) for p in approved} == {(P.APPROVED,
                                                               found.approved_hash)}
    assert all(p.content_hash == found.approved_hash for p in approved)
    for week, friday in enumerate(FRIDAYS):
        office.at(friday - timedelta(seconds=1))
        assert office.run() == 0  # nothing early
        office.at(friday)
        assert office.run() == 1, week
    published = office.occurrences(made.series_id)
    assert [p.scheduled_at for p in published] == FRIDAYS
    assert {p.status for p in published} == {P.PUBLISHED}
    assert {p.approved_hash for p in published} == {found.approved_hash}
    with office.ctx.db.read() as conn:
        started = [rows.for_post(conn, p.id)[0].first_attempt_at for p in published]
    assert started == FRIDAYS  # each on its time
    assert len(office.sandbox.posts("telegram")) == 8
    assert office.found(made.series_id).ended


def test_one_occurrence_edited_needs_its_own_approval_and_one_cancelled_stays_away(office):
    made = office.series()
    approval.submit(office.ctx, made.post_id)
    approval.approve(office.ctx, made.post_id)
    second, third = office.occurrences(made.series_id)[1:3]
    edited = series.edit_occurrence(office.ctx, second.id, text="Jumat Berkah edisi khusus",
                                    at=FRIDAYS[1] + timedelta(hours=1))
    assert edited.status is P.DRAFT and edited.approved_hash is None
    with office.ctx.db.read() as conn:
        assert rows.for_post(conn, second.id) == []  # written again at its approval
    workflow.cancel(office.ctx, third.id)
    found, occurrences, digest = series.show_series(office.ctx, made.series_id)
    shown = series.series_view(found, occurrences, office.ctx.settings.timezone, digest)
    assert [(o["status"], o["own_approval"]) for o in shown["occurrences"][:4]] == [
        ("approved", False), ("draft", True), ("cancelled", False), ("approved", False)]
    for when in FRIDAYS[:2]:
        office.at(when)
        office.run()
    assert [p.status for p in office.occurrences(made.series_id)[:3]] == [
        P.PUBLISHED, P.DRAFT, P.CANCELLED]
    approval.submit(office.ctx, second.id)  # its own review: the series is not involved
    (waiting,) = [w for w in review.queue(office.ctx) if w.post.id == second.id]
    assert waiting.last_review is not None and waiting.last_review.outcome == "approve"
    assert [c.field for c in waiting.changes] == ["text"]  # since the series was approved
    approval.approve(office.ctx, second.id)
    again = office.occurrences(made.series_id)[1]
    assert again.status is P.APPROVED and again.approved_hash != found.approved_hash
    for when in (FRIDAYS[1] + timedelta(hours=1), *FRIDAYS[2:]):
        office.at(when)
        office.run()
    texts = [p.text for p in office.sandbox.posts("telegram")]
    assert len(texts) == 7 and texts.count("Jumat Berkah edisi khusus") == 1
    assert [p.status for p in office.occurrences(made.series_id)].count(P.PUBLISHED) == 7


def test_the_series_is_approved_by_someone_else(office):
    with office.ctx.db.write() as conn:
        add_user(conn, acting="root", name="root", roles=["admin"], now=office.now)
        add_user(conn, acting="root", name="editor", roles=["author"], now=office.now)
        add_user(conn, acting="root", name="kabag", roles=["approver"], now=office.now)
    made = office.series()
    approval.submit(office.ctx, made.post_id)
    with pytest.raises(AccessDenied):
        approval.approve(office.ctx, made.post_id)
    assert office.found(made.series_id).status is S.IN_REVIEW
    office.ctx.settings = office.ctx.settings.with_user("kabag")
    approval.approve(office.ctx, made.post_id)
    assert office.found(made.series_id).status is S.APPROVED


def test_cancelling_a_series_stops_it(office):
    made = office.series()
    approval.submit(office.ctx, made.post_id)
    approval.approve(office.ctx, made.post_id)
    office.at(FRIDAYS[0])
    office.run()
    cancelled = series.cancel_series(office.ctx, made.series_id)
    assert len(cancelled) == 5  # written up to 8 January, the horizon seen on 4 December
    office.at(FRIDAYS[7])
    office.run()
    assert [p.status for p in office.occurrences(made.series_id)] == [P.PUBLISHED] + [
        P.CANCELLED] * 5  # and no more were written
    assert len(office.sandbox.posts("telegram")) == 1


def test_the_rolling_horizon_writes_a_bounded_number_per_pass(office):
    made = office.series("FREQ=DAILY")  # no end
    found = office.found(made.series_id)
    assert found.materialised == 1 + series.PER_PASS and found.refill_at == office.now
    assert series.extend_due(office.ctx) == 35 - 1 - series.PER_PASS  # up to the horizon
    found = office.found(made.series_id)
    last = office.occurrences(made.series_id)[-1].scheduled_at
    assert last <= office.now + series.HORIZON < last + timedelta(days=1)
    assert found.refill_at == last + timedelta(days=1) - series.HORIZON
    assert series.extend_due(office.ctx) == 0  # nothing until a day more comes in
    office.at(found.refill_at)
    assert series.extend_due(office.ctx) == 1


def test_two_schedulers_extend_series_once(ctx, database_url):
    office = context_on(ctx, database_url)
    try:
        now = WEDNESDAY - timedelta(days=1)
        office.clock = lambda: now
        channel_admin.add_channel(office, name="tg", platform="telegram", rate_limits=(),
                                  api_base="http://127.0.0.1:9",
                                  credentials=credentials("telegram", "@setneg"))
        made = [planning.create(office, title=f"Seri {i}", text="Isi", pillar="informatif",
                                channels=["tg"], at=WEDNESDAY, repeat="FREQ=DAILY")
                for i in range(6)]
        schedulers = [context_on(office, database_url) for _ in range(2)]
        for scheduler in schedulers:
            scheduler.clock = lambda: now + timedelta(days=10)

        errors: list[Exception] = []

        def work(context):
            try:
                for _ in range(4):
                    series.extend_due(context)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(c,)) for c in schedulers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with office.db.read() as conn:
            for m in made:
                times = [p.occurrence_at for p in series_rows.occurrences(conn, m.series_id)]
                assert len(times) == len(set(times)) == 45  # 10 days more, the horizon on
                assert series_rows.get(conn, m.series_id).materialised == 45
        for scheduler in schedulers:
            scheduler.db.dispose()
    finally:
        office.db.dispose()


def test_series_commands(office, capsys):
    def run(*args):
        return run_cli(capsys, *args)

    office.ctx.clock = lambda: datetime.now(UTC)
    at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    code, out, _ = run("post", "create", "--title", "Kuis", "--text", "Kuis mingguan",
                       "--pillar", "interaktif", "--channel", "tg", "--at", at,
                       "--repeat", "FREQ=WEEKLY;COUNT=3", "--json")
    made = json.loads(out)
    assert code == 0 and set(made) == {"id", "series_id", "scheduled_at"}
    assert made["scheduled_at"] == datetime.fromisoformat(at).replace(microsecond=0).astimezone(
        office.ctx.settings.timezone).isoformat()
    assert run("post", "submit", str(made["id"])) == (0, f"post {made['id']}: in_review\n", "")
    assert run("--user", "kabag", "post", "approve", str(made["id"]))[:2] == (
        0, f"post {made['id']}: approved\n")
    code, out, _ = run("series", "list", "--json")
    (listed,) = json.loads(out)
    assert (listed["id"], listed["status"], listed["rule"], listed["written"]) == (
        made["series_id"], "approved", "FREQ=WEEKLY;COUNT=3", 3)
    code, out, _ = run("series", "show", str(made["series_id"]), "--json")
    shown = json.loads(out)
    assert [o["status"] for o in shown["occurrences"]] == ["approved"] * 3
    second = shown["occurrences"][1]["id"]
    code, out, _ = run("series", "edit", str(second), "--text", "Kuis edisi spesial")
    assert (code, out) == (0, f"post {second}: draft (needs its own approval)\n")
    code, out, _ = run("series", "show", str(made["series_id"]))
    assert out.splitlines()[0] == f"series {made['series_id']}: Kuis  [approved]"
    assert run("series", "cancel", str(made["series_id"])) == (
        0, f"series {made['series_id']}: cancelled, 3 occurrences cancelled\n", "")
    code, _, err = run("series", "cancel", str(made["series_id"]))
    assert (code, err) == (1, "siaran: error: series cannot go from cancelled to cancelled\n")
    code, _, err = run("post", "create", "--title", "T", "--text", "t", "--pillar",
                       "informatif", "--channel", "tg", "--repeat", "FREQ=DAILY")
    assert err == ("siaran: error: a series needs the time of its first occurrence "
                   "(--at)\n")
    code, _, err = run("post", "create", "--title", "T", "--text", "t", "--pillar",
                       "informatif", "--channel", "tg", "--at", at, "--repeat", "FREQ=NEVER")
    assert code == 1 and "cannot read recurrence rule" in err
