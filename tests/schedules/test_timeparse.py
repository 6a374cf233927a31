"""Times as the office types them: zone names, dot clocks, and no silent midnight."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import ValidationError
from orchestrator.domain.times import shown
from schedules.timeparse import parse_bound, parse_day, parse_time

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(("text", "utc"), [
    ("2026-12-01 09:00", "2026-12-01T02:00"),
    ("2026-12-01T09:00", "2026-12-01T02:00"),
    ("2026-12-01 9:00", "2026-12-01T02:00"),
    ("2026-12-01 09.00", "2026-12-01T02:00"),
    ("2026-12-01 09:00:30", "2026-12-01T02:00:30"),
    ("2026-12-01 09:00 WIB", "2026-12-01T02:00"),
    ("2026-12-01 09:00 WITA", "2026-12-01T01:00"),
    ("2026-12-01 09:00 WIT", "2026-12-01T00:00"),
    ("2026-12-01 09.00 wita", "2026-12-01T01:00"),
    ("2026-12-01 09:00WIB", "2026-12-01T02:00"),
    ("2026-12-01 09:00 UTC", "2026-12-01T09:00"),
    ("2026-12-01T09:00+08:00", "2026-12-01T01:00"),
    ("2026-12-01T02:00Z", "2026-12-01T02:00"),
    ("  2026-12-01 09:00  ", "2026-12-01T02:00"),
])
def test_what_people_type_is_read_as_the_moment_they_mean(text, utc):
    assert parse_time(text, JAKARTA) == datetime.fromisoformat(utc).replace(tzinfo=UTC)


def test_a_time_without_zone_is_read_in_the_office_zone_given():
    assert parse_time("2026-12-01 09:00", ZoneInfo("Asia/Jayapura")) == datetime(
        2026, 12, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-12-01", "2026-12-01 WIB", "20261201"])
def test_a_day_without_a_time_is_refused_not_taken_as_midnight(text):
    with pytest.raises(ValidationError, match="day without a time of day") as refused:
        parse_time(text, JAKARTA)
    assert "09:00" in str(refused.value)


@pytest.mark.parametrize(("text", "message"), [
    ("besok pagi", "cannot read time"),
    ("2026-12-01 09:00 CET", "unknown time zone 'CET'"),
    ("2026-12-01 25:00", "hour must be in 0..23"),
    ("2026-02-30 09:00", "day is out of range"),
])
def test_what_cannot_be_read_is_refused_with_the_accepted_forms(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_time(text, JAKARTA)


def test_days_and_starts_of_periods():
    assert parse_day("2026-12-01", JAKARTA) == datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert parse_bound("2026-12-01", JAKARTA) == datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert parse_bound("2026-12-01 09:00 WITA", JAKARTA) == datetime(2026, 12, 1, 1,
                                                                     tzinfo=UTC)
    with pytest.raises(ValidationError, match="cannot read date"):
        parse_day("2026-13-01", JAKARTA)
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_bound("kemarin", JAKARTA)


def test_times_are_shown_in_the_office_zone_with_its_name():
    moment = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert shown(moment, JAKARTA) == "2026-12-01 09:00 WIB"
    assert shown(moment, ZoneInfo("Asia/Makassar")) == "2026-12-01 10:00 WITA"
    assert shown(moment.replace(second=5), JAKARTA) == "2026-12-01 09:00:05 WIB"
