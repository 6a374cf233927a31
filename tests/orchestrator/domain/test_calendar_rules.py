"""The calendar's pure rules: durations and missed windows, posting slot rules and their
moments in a zone, recurrence rules of series."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import ValidationError
from orchestrator.domain.series import Recurrence
from orchestrator.domain.slots import checked_zone, from_json, instants, parse_rule, to_json
from orchestrator.domain.windows import describe, missed_reason, parse_duration

WIB, WITA, WIT = (ZoneInfo(z) for z in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"))


@pytest.mark.parametrize(("text", "seconds"), [
    ("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("45", 45),
    ("1.5h", 5400), (" 2 H ", 7200)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "2x", "h", "0m", "-5m", "30m later"])
def test_unreadable_durations_are_refused(text):
    with pytest.raises(ValidationError):
        parse_duration(text)


def test_a_missed_reason_names_the_deadline_in_the_office_zone():
    assert describe(5400) == "1h30m" and describe(59) == "59s" and describe(0) == "0s"
    deadline = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    assert missed_reason(deadline, datetime(2026, 12, 7, 14, 5, tzinfo=UTC), WIB) == (
        "missed its window: it had to start by 2026-12-07 10:00:00 WIB, 11h5m ago")


@pytest.mark.parametrize(("text", "days", "times", "shown"), [
    ("mon-fri 09:00,12:00,19:00", (0, 1, 2, 3, 4), ("09:00", "12:00", "19:00"),
     "mon-fri 09:00,12:00,19:00"),
    ("sat 10:00", (5,), ("10:00",), "sat 10:00"),
    ("fri-mon 7:30", (0, 4, 5, 6), ("07:30",), "mon,fri-sun 07:30"),
    ("sen,rab,jum 08:00,08:00", (0, 2, 4), ("08:00",), "mon,wed,fri 08:00"),
    ("Daily 06:00", tuple(range(7)), ("06:00",), "daily 06:00"),
])
def test_slot_rules(text, days, times, shown):
    rule = parse_rule(text)
    assert rule.days == days
    assert rule.times == tuple(time.fromisoformat(t) for t in times)
    assert str(rule) == shown
    assert from_json(to_json((rule,))) == (rule,)


@pytest.mark.parametrize(("text", "message"), [
    ("mon-fri", "looks like"), ("funday 09:00", "unknown day"), ("mon 9", "cannot read time"),
    ("mon 24:00", "cannot read time"), ("mon 09:60", "cannot read time")])
def test_bad_slot_rules_are_refused(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_rule(text)


def test_slot_moments_across_the_end_of_a_year_in_three_zones():
    rules = (parse_rule("mon-fri 09:00"), parse_rule("sat 10:00"))
    start = datetime(2026, 12, 31, 0, 0, tzinfo=UTC)   # Thursday
    end = datetime(2027, 1, 4, 3, 0, tzinfo=UTC)       # Monday
    assert instants(rules, WIB, start, end) == [
        datetime(2026, 12, 31, 2, tzinfo=UTC), datetime(2027, 1, 1, 2, tzinfo=UTC),
        datetime(2027, 1, 2, 3, tzinfo=UTC), datetime(2027, 1, 4, 2, tzinfo=UTC)]
    assert instants(rules, WITA, start, end)[0] == datetime(2026, 12, 31, 1, tzinfo=UTC)
    # 09:00 WIT is 00:00 UTC: the start itself counts, the end does not.
    assert instants(rules, WIT, start, end) == [
        datetime(2026, 12, 31, 0, tzinfo=UTC), datetime(2027, 1, 1, 0, tzinfo=UTC),
        datetime(2027, 1, 2, 1, tzinfo=UTC), datetime(2027, 1, 4, 0, tzinfo=UTC)]
    assert instants(rules, WIT, start, datetime(2027, 1, 4, 0, tzinfo=UTC))[-1] == datetime(
        2027, 1, 2, 1, tzinfo=UTC)


def test_time_zones_are_checked():
    assert checked_zone("Asia/Makassar") == WITA
    with pytest.raises(ValidationError, match=r"Asia/Jakarta \(WIB\), Asia/Makassar \(WITA\)"):
        checked_zone("WITA")


def test_a_weekly_rule_keeps_its_local_time():
    first = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 09:00 WIB
    rule = Recurrence("rrule:freq=weekly;byday=fr;count=8", first, WIB)
    assert rule.text == "FREQ=WEEKLY;BYDAY=FR;COUNT=8"
    every = rule.after(first, inclusive=True)
    assert len(every) == 8 and rule.first(first) == every[0]
    assert {t.astimezone(WIB).strftime("%a %H:%M") for t in every} == {"Fri 09:00"}
    assert every[-1] == datetime(2027, 1, 22, 2, 0, tzinfo=UTC)
    assert rule.after(every[2], limit=2) == every[3:5]
    assert rule.after(every[-1]) == []
    assert rule.after(first, until=every[1]) == every[:2]


def test_until_may_be_utc_or_local():
    first = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    utc = Recurrence("FREQ=DAILY;UNTIL=20261204T020000Z", first, WIB)
    local = Recurrence("FREQ=DAILY;UNTIL=20261204T090000", first, WIB)
    assert utc.after(first, inclusive=True) == local.after(first, inclusive=True) == [
        datetime(2026, 12, d, 2, 0, tzinfo=UTC) for d in (2, 3, 4)]


@pytest.mark.parametrize(("text", "message"), [
    ("FREQ=SOMETIMES", "cannot read recurrence rule"),
    ("DTSTART:20261201T090000 RRULE:FREQ=DAILY", "the first time is --at"),
    ("", "give one recurrence rule"),
    ("FREQ=DAILY;UNTIL=20261201T000000Z", "has no occurrence"),
])
def test_bad_recurrence_rules_are_refused(text, message):
    with pytest.raises(ValidationError, match=message):
        Recurrence(text, datetime(2026, 12, 2, 2, tzinfo=UTC), WIB).first(
            datetime(2026, 12, 2, 2, tzinfo=UTC))
