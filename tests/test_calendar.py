"""Working days follow the Chinese statutory calendar (holidays and make-up workdays)."""

from __future__ import annotations

import datetime as dt

from sim.engine.calendar import Calendar


def test_2023_spring_festival_and_make_up_days():
    cal = Calendar(dt.date(2023, 1, 1), 365, "china")
    day = {date: d for d, date in enumerate(cal.dates)}
    assert not cal.is_workday[day[dt.date(2023, 1, 23)]]  # Monday in the Spring Festival break
    assert cal.is_workday[day[dt.date(2023, 1, 28)]]  # Saturday make-up workday
    assert not cal.is_workday[day[dt.date(2023, 10, 2)]]  # National Day
    assert cal.spring_festival_day(2023) == day[dt.date(2023, 1, 21)]


def test_delay_until_open_skips_weekends():
    cal = Calendar(dt.date(2024, 3, 1), 30, "weekdays")  # 1 March 2024 is a Friday
    assert cal.delay_until_open(0.5) == 0.0
    assert cal.delay_until_open(1.25) == 1.75  # Saturday 06:00 -> Monday 00:00


def test_years_without_data_fall_back_to_weekdays():
    cal = Calendar(dt.date(2040, 1, 1), 10, "china")
    assert 2040 in cal.fallback_years
