"""Bangla digits, Dhaka days, the revised Bangla calendar of 2019, and working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.bangla import (
    BanglaDate,
    add_working_days,
    dhaka_date,
    format_gregorian_bn,
    format_moment_bn,
    from_bangla_date,
    is_working_day,
    to_ascii_digits,
    to_bangla_date,
    to_bangla_digits,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 2, 21), "৮ ফাল্গুন ১৪৩১"),  # Language Martyrs' Day
        (date(2024, 2, 21), "৮ ফাল্গুন ১৪৩০"),
        (date(2026, 3, 26), "১২ চৈত্র ১৪৩২"),  # Independence Day
        (date(2024, 3, 26), "১২ চৈত্র ১৪৩০"),
        (date(2025, 12, 16), "১ পৌষ ১৪৩২"),  # Victory Day
        (date(2026, 4, 14), "১ বৈশাখ ১৪৩৩"),  # Pohela Boishakh
        (date(2026, 4, 13), "৩০ চৈত্র ১৪৩২"),
    ],
)
def test_anchor_dates(day: date, expected: str) -> None:
    assert to_bangla_date(day).format() == expected


def test_falgun_has_thirty_days_in_a_leap_year_and_twenty_nine_otherwise() -> None:
    assert to_bangla_date(date(2024, 3, 14)) == BanglaDate(1430, 11, 30)
    assert to_bangla_date(date(2024, 3, 15)) == BanglaDate(1430, 12, 1)
    assert to_bangla_date(date(2025, 3, 14)) == BanglaDate(1431, 11, 29)  # not 30: 2025 is not leap
    assert to_bangla_date(date(2025, 3, 15)) == BanglaDate(1431, 12, 1)


def test_months_have_the_revised_lengths() -> None:
    start = date(2026, 4, 14)
    lengths = []
    for month in range(1, 13):
        first = from_bangla_date(BanglaDate(1433, month, 1))
        following = from_bangla_date(BanglaDate(1433 + month // 12, month % 12 + 1, 1))
        lengths.append((following - first).days)
    assert from_bangla_date(BanglaDate(1433, 1, 1)) == start
    assert lengths == [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 29, 30]


def test_every_day_of_a_century_converts_and_back() -> None:
    day = date(1990, 1, 1)
    while day < date(2090, 1, 1):
        assert from_bangla_date(to_bangla_date(day)) == day
        day += timedelta(days=1)


def test_digits_both_ways() -> None:
    assert to_bangla_digits("2026-11-28") == "২০২৬-১১-২৮"
    assert to_ascii_digits("০১৭১২৩৪৫৬৭৮") == "01712345678"


def test_an_application_at_one_in_the_morning_belongs_to_that_dhaka_day() -> None:
    moment = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)  # 01:00 on the 28th in Dhaka
    assert dhaka_date(moment) == date(2026, 11, 28)
    shown = format_moment_bn(moment)
    assert shown == {"date_bn": "২৮ নভেম্বর ২০২৬", "bangla_date_bn": "১৩ অগ্রহায়ণ ১৪৩৩",
                     "time_bn": "০১:০০"}


def test_friday_and_saturday_are_not_working_days() -> None:
    assert [is_working_day(date(2026, 11, 26 + offset)) for offset in range(5)] == [
        True, False, False, True, True]  # Thu, Fri, Sat, Sun, Mon


def test_working_days_skip_weekends_and_listed_holidays() -> None:
    thursday = date(2026, 11, 26)
    assert add_working_days(thursday, 1) == date(2026, 11, 29)  # Sunday
    assert add_working_days(thursday, 1, {date(2026, 11, 29)}) == date(2026, 11, 30)
    assert add_working_days(thursday, 0) == thursday


def test_gregorian_date_in_bangla() -> None:
    assert format_gregorian_bn(date(2026, 2, 21)) == "২১ ফেব্রুয়ারি ২০২৬"


def test_the_fixed_date_holidays_make_victory_day_a_day_off() -> None:
    from chalicelib.domain.bangla import fixed_date_holidays

    holidays = fixed_date_holidays(2026)
    assert date(2026, 12, 16) in holidays and date(2026, 2, 21) in holidays
    assert len(holidays) == 6
    # An e-passport received on Tuesday 1 December 2026 (15 working days): without the
    # list, 16 December counts and the deadline is a day early (22 December).
    assert add_working_days(date(2026, 12, 1), 15) == date(2026, 12, 22)
    assert add_working_days(date(2026, 12, 1), 15, holidays) == date(2026, 12, 23)


def test_the_leap_years_are_the_gregorian_ones() -> None:
    import calendar

    from chalicelib.domain.bangla import _is_leap

    assert [year for year in range(1600, 2801) if _is_leap(year)] == [
        year for year in range(1600, 2801) if calendar.isleap(year)]
