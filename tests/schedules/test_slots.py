"""Posting slots per channel in its own zone: the next free ones, ``--queue`` across zones,
across the end of a month and of a year, a full calendar, and placement under concurrency
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import ValidationError
from orchestrator.channels import admin as channel_admin
from orchestrator.editorial import workflow
from orchestrator.store import posts as post_rows
from schedules import planning, slots
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import context_on, run_cli

NOWHERE = "http://127.0.0.1:9"


def _channel(ctx, name: str, zone: str | None = None, rules: list[str] | None = None,
             account: str = "1001") -> None:
    channel_admin.add_channel(ctx, name=name, platform="x", rate_limits=(), api_base=NOWHERE,
                              credentials=credentials("x", account))
    if zone:
        channel_admin.update_channel(ctx, name, timezone=zone)
    if rules:
        slots.set_slots(ctx, name, rules)


def _at(ctx, when: datetime) -> None:
    ctx.clock = lambda: when


def _queue(ctx, *channels: str, **extra) -> datetime:
    made = planning.create(ctx, title="T", text="Isi", pillar="informatif",
                           channels=list(channels), queue=True, **extra)
    return made.scheduled_at


def _wib(text: str) -> datetime:
    return datetime.fromisoformat(text + "+07:00").astimezone(UTC)


def test_next_free_slots_across_the_end_of_a_year_in_the_channels_zone(ctx):
    _channel(ctx, "papua", "Asia/Jayapura", ["daily 09:00,20:00"])
    _at(ctx, _wib("2026-12-31T17:00"))
    # 20:00 WIT on 31 December is 18:00 WIB; a post already takes 09:00 WIT on 1 January.
    workflow.create_post(ctx, title="T", text="Tahun baru", pillar="informatif",
                         channels=["papua"], at=_wib("2027-01-01T07:00"))
    found = slots.next_free(ctx, "papua", 3)
    assert [t.astimezone(slots.checked_zone("Asia/Jayapura")).isoformat() for t in found] == [
        "2026-12-31T20:00:00+09:00", "2027-01-01T20:00:00+09:00", "2027-01-02T09:00:00+09:00"]


def test_next_free_slots_across_the_end_of_a_month(ctx):
    _channel(ctx, "makassar", "Asia/Makassar", ["mon-fri 08:00"])
    _at(ctx, _wib("2027-01-29T08:00"))  # Friday 09:00 WITA: that slot has passed
    found = slots.next_free(ctx, "makassar", 2)
    assert [t.isoformat() for t in found] == ["2027-02-01T00:00:00+00:00",
                                              "2027-02-02T00:00:00+00:00"]


def test_queue_finds_the_first_slot_common_to_channels_in_different_zones(ctx):
    _channel(ctx, "jakarta", None, ["mon-fri 09:00,12:00"])
    _channel(ctx, "makassar", "Asia/Makassar", ["mon-fri 10:00,14:00"], account="1002")
    _at(ctx, _wib("2026-12-07T08:00"))  # Monday
    # Only 09:00 WIB = 10:00 WITA is a slot of both.
    assert _queue(ctx, "jakarta", "makassar") == _wib("2026-12-07T09:00")
    assert _queue(ctx, "jakarta", "makassar") == _wib("2026-12-08T09:00")
    assert _queue(ctx, "jakarta") == _wib("2026-12-07T12:00")
    assert _queue(ctx, "makassar") == _wib("2026-12-07T13:00")  # 14:00 WITA
    # A cancelled post gives its slot back.
    with ctx.db.read() as conn:
        first = next(p for p in post_rows.page(conn, limit=None)
                     if p.scheduled_at == _wib("2026-12-07T09:00"))
    workflow.cancel(ctx, first.id)
    assert _queue(ctx, "jakarta", "makassar") == _wib("2026-12-07T09:00")


def test_a_full_calendar_says_why_there_is_no_slot(ctx):
    _channel(ctx, "sabtu", None, ["sat 10:00"])
    _at(ctx, _wib("2026-12-07T08:00"))
    placed = []
    with pytest.raises(ValidationError) as full:
        for _ in range(20):
            placed.append(_queue(ctx, "sabtu"))
    assert len(placed) == 13  # every Saturday of the next 90 days
    assert (placed[0], placed[-1]) == (_wib("2026-12-12T10:00"), _wib("2027-03-06T10:00"))
    assert str(full.value) == ("no free posting slot of sabtu (Asia/Jakarta) in the next 90 "
                               "days (13 slots, all taken): give --at, or add slots")


def test_slots_that_never_meet_and_channels_without_slots(ctx):
    _channel(ctx, "jakarta", None, ["mon 09:00"])
    _channel(ctx, "makassar", "Asia/Makassar", ["mon 09:00"], account="1002")
    _channel(ctx, "bare", account="1001")
    with pytest.raises(ValidationError, match="never fall at the same moment"):
        _queue(ctx, "jakarta", "makassar")
    with pytest.raises(ValidationError, match=r"^channel bare has no posting slots"):
        _queue(ctx, "jakarta", "bare")
    with pytest.raises(ValidationError, match="either a time or --queue"):
        _queue(ctx, "jakarta", at=ctx.now() + timedelta(days=1))
    with ctx.db.read() as conn:
        assert post_rows.page(conn, limit=None) == []


def test_slot_commands(ctx, capsys):
    _channel(ctx, "x-main")

    def run(*args):
        return run_cli(capsys, *args)

    assert run("channel", "update", "x-main", "--timezone", "Asia/Makassar")[0] == 0
    assert run("channel", "slots", "x-main", "--set", "mon-fri 09:00,12:00,19:00",
               "--set", "sat 10:00") == (
        0, "channel x-main (Asia/Makassar): mon-fri 09:00,12:00,19:00; sat 10:00\n", "")
    _at(ctx, datetime.now(UTC))
    code, out, _ = run("channel", "slots", "x-main", "--next", "4", "--json")
    shown = json.loads(out)
    assert shown["timezone"] == "Asia/Makassar" and len(shown["next"]) == 4
    assert all(s["at"].endswith("+07:00") and s["local"].endswith("+08:00")
               for s in shown["next"])
    assert shown["next"][0]["local"][11:16] in ("09:00", "12:00", "19:00", "10:00")
    code, out, _ = run("channel", "slots", "x-main", "--next", "2")
    assert out.splitlines()[1].split() == ["AT", "LOCAL"] and len(out.splitlines()) == 4
    assert run("channel", "slots", "x-main", "--clear") == (
        0, "channel x-main (Asia/Makassar): no slots\n", "")
    assert run("channel", "slots", "x-main", "--next", "1") == (
        1, "", "siaran: error: channel x-main has no posting slots: set them with "
               "`siaran channel slots NAME --set 'mon-fri 09:00,12:00'`\n")
    code, _, err = run("channel", "update", "x-main", "--timezone", "WITA")
    assert code == 1 and err.startswith("siaran: error: unknown time zone 'WITA'; ")
    code, _, err = run("channel", "slots", "x-main", "--set", "someday 09:00")
    assert code == 1 and "unknown day 'someday'" in err
    slots.set_slots(ctx, "x-main", ["daily 06:00"])
    code, out, _ = run("post", "create", "--title", "T", "--text", "Pagi", "--pillar",
                       "informatif", "--channel", "x-main", "--queue", "--json")
    made = json.loads(out)
    assert code == 0 and made["scheduled_at"].endswith("+07:00")
    assert made["scheduled_at"][11:16] == "05:00"  # 06:00 WITA


def test_posts_queued_at_once_never_share_a_slot(ctx, database_url):
    office = context_on(ctx, database_url)
    try:
        _channel(office, "jakarta", None, ["daily 09:00,12:00,19:00"])
        _at(office, _wib("2026-12-07T08:00"))
        others = [context_on(office, database_url) for _ in range(4)]
        placed: list[datetime] = []
        errors: list[Exception] = []

        def queue_three(context):
            try:
                for _ in range(3):
                    placed.append(_queue(context, "jakarta"))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=queue_three, args=(c,)) for c in others]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(placed) == 12 and len(set(placed)) == 12
        assert sorted(placed)[-1] == _wib("2026-12-10T19:00")
        for other in others:
            other.db.dispose()
    finally:
        office.db.dispose()
