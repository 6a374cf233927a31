"""The decaying schedule: its ages, its next read, the setting."""

import pytest

from connectors.errors import ConfigError
from orchestrator.domain.engagement import DEFAULT_SCHEDULE, next_age, parse_schedule, pull_ages
from orchestrator.runtime import config

H = 3600.0


def test_the_default_reads_hourly_then_every_3h_twice_a_day_daily_then_stops():
    ages = [a / H for a in pull_ages(parse_schedule(DEFAULT_SCHEDULE))]
    assert ages == [1, 2, 3, 4, 5, 6, 9, 12, 15, 18, 21, 24, 36, 48, 60, 72,
                    96, 120, 144, 168]


def test_next_age_after_a_given_age():
    steps = parse_schedule(DEFAULT_SCHEDULE)
    assert next_age(steps, 0) == H
    assert next_age(steps, 6.5 * H) == 9 * H
    assert next_age(steps, 30 * H) == 36 * H
    assert next_age(steps, 168 * H) is None


def test_the_setting_is_read_and_checked(tmp_path):
    env = {"SIARAN_DATA_DIR": str(tmp_path), "SIARAN_ENGAGEMENT_SCHEDULE": "30m/2h,2h/1d"}
    steps = config.load(env).engagement_schedule
    assert [a / H for a in pull_ages(steps)][:5] == [0.5, 1, 1.5, 2, 4]
    for bad in ("1h", "1h/6h,1h/3h", "x/6h"):
        with pytest.raises(ConfigError, match="SIARAN_ENGAGEMENT_SCHEDULE"):
            config.load({**env, "SIARAN_ENGAGEMENT_SCHEDULE": bad})
