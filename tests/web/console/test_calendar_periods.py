"""The calendar's periods: months and ISO weeks, their neighbours, the month's grid, and the
dates an address may carry."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.errors import ValidationError
from orchestrator.web.console.periods import parse_day, period


def test_a_month_runs_from_its_first_day_to_the_next_months_and_steps_by_months():
    shown = period("month", date(2026, 12, 17))
    assert (shown.start, shown.end) == (date(2026, 12, 1), date(2027, 1, 1))
    assert shown.following == date(2027, 1, 1)
    assert shown.previous == date(2026, 11, 1)
    weeks = shown.weeks()
    assert weeks[0][0] == date(2026, 11, 30) and weeks[-1][-1] == date(2027, 1, 3)
    assert all(len(week) == 7 for week in weeks) and len(weeks) == 5


def test_a_week_starts_on_monday_and_steps_by_seven_days():
    shown = period("week", date(2026, 12, 3))
    assert (shown.start, shown.end) == (date(2026, 11, 30), date(2026, 12, 7))
    assert shown.previous == date(2026, 11, 23) and shown.following == date(2026, 12, 7)
    assert len(shown.days()) == 7


def test_the_list_covers_the_month_and_an_unknown_view_is_refused():
    assert period("list", date(2027, 2, 10)).end == date(2027, 3, 1)
    with pytest.raises(ValidationError):
        period("year", date(2027, 2, 10))


def test_an_address_names_a_day_or_a_month_or_nothing():
    today = date(2026, 12, 2)
    assert parse_day(None, today) == today
    assert parse_day("2027-03", today) == date(2027, 3, 1)
    assert parse_day("2027-03-09", today) == date(2027, 3, 9)
    with pytest.raises(ValidationError):
        parse_day("kemarin", today)
