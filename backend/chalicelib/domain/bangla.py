"""Bangla digits, Bangladesh time, both calendars, and government working days.

The Bangla calendar here follows the revision adopted in 2019 (Bangla Academy):
Boishakh to Ashwin have 31 days, Kartik to Magh and Chaitra 30, Falgun 29 or 30 in
a Gregorian leap year, and 1 Boishakh is always 14 April. The PyPI package
``bangla`` and the npm package ``date-bengali-revised`` still compute the pre-2019
rules (Falgun/Chaitra lengths differ), so the conversion is written here; its
anchors (21 February = 8 Falgun, 26 March = 12 Chaitra, 16 December = 1 Poush)
are unit-tested.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

DHAKA = timezone(timedelta(hours=6), "Asia/Dhaka")  # no DST since 2009

_BN_DIGITS = "০১২৩৪৫৬৭৮৯"
_TO_ASCII = str.maketrans(_BN_DIGITS, "0123456789")
_TO_BANGLA = str.maketrans("0123456789", _BN_DIGITS)

BANGLA_MONTHS = (
    "বৈশাখ", "জ্যৈষ্ঠ", "আষাঢ়", "শ্রাবণ", "ভাদ্র", "আশ্বিন",
    "কার্তিক", "অগ্রহায়ণ", "পৌষ", "মাঘ", "ফাল্গুন", "চৈত্র",
)
GREGORIAN_MONTHS_BN = (
    "জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন",
    "জুলাই", "আগস্ট", "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর",
)
WEEKDAYS_BN = ("সোমবার", "মঙ্গলবার", "বুধবার", "বৃহস্পতিবার", "শুক্রবার", "শনিবার", "রবিবার")

# Friday and Saturday are the weekly government holidays (Monday is 0).
WEEKLY_HOLIDAYS = frozenset({4, 5})

# Public holidays that fall on the same Gregorian date every year (month, day). The
# others (Eid, Puja, Buddha Purnima, ...) move with the lunar or Bangla calendars and
# are added by ops each year to the holiday list in SSM.
FIXED_DATE_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (2, 21, "Shaheed Day and International Mother Language Day"),
    (3, 26, "Independence Day"),
    (4, 14, "Pohela Boishakh (Bangla New Year)"),
    (5, 1, "May Day"),
    (12, 16, "Victory Day"),
    (12, 25, "Christmas Day"),
)


def _is_leap(year: int) -> bool:
    """A Gregorian leap year. (``calendar.isleap`` says the same, but importing
    ``calendar``, which imports ``locale``, is 1.6 ms of every cold start.)"""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def fixed_date_holidays(*years: int) -> list[date]:
    """The fixed-date public holidays of the given years, in order."""
    return sorted(date(year, month, day) for year in years for month, day, _ in FIXED_DATE_HOLIDAYS)


def to_ascii_digits(text: str) -> str:
    """Return ``text`` with Bangla digits replaced by ASCII digits."""
    return text.translate(_TO_ASCII)


def to_bangla_digits(value: object) -> str:
    """Return ``value`` as text with ASCII digits replaced by Bangla digits."""
    return str(value).translate(_TO_BANGLA)


def now_dhaka() -> datetime:
    """The current time in Bangladesh."""
    return datetime.now(DHAKA)


def dhaka_date(moment: datetime) -> date:
    """The Bangladesh calendar day a moment belongs to (01:00 Dhaka is that Dhaka day)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(DHAKA).date()


class BanglaDate(NamedTuple):
    """A day in the revised Bangla calendar."""

    year: int
    month: int  # 1 = Boishakh
    day: int

    @property
    def month_name(self) -> str:
        """The month's Bangla name."""
        return BANGLA_MONTHS[self.month - 1]

    def format(self) -> str:
        """E.g. ``১৪ অগ্রহায়ণ ১৪৩৩``."""
        return f"{to_bangla_digits(self.day)} {self.month_name} {to_bangla_digits(self.year)}"


def _month_lengths(falgun_leap: bool) -> tuple[int, ...]:
    return (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30 if falgun_leap else 29, 30)


def to_bangla_date(day: date) -> BanglaDate:
    """Convert a Gregorian date to the revised (2019) Bangla calendar."""
    start_year = day.year if day >= date(day.year, 4, 14) else day.year - 1
    offset = (day - date(start_year, 4, 14)).days
    # Falgun of this Bangla year falls in February of start_year + 1.
    lengths = _month_lengths(_is_leap(start_year + 1))
    month = 0
    while offset >= lengths[month]:
        offset -= lengths[month]
        month += 1
    return BanglaDate(start_year - 593, month + 1, offset + 1)


def from_bangla_date(bangla: BanglaDate) -> date:
    """Convert a revised-calendar Bangla date back to Gregorian."""
    start_year = bangla.year + 593
    lengths = _month_lengths(_is_leap(start_year + 1))
    if not 1 <= bangla.month <= len(lengths) or not 1 <= bangla.day <= lengths[bangla.month - 1]:
        raise ValueError(f"no such Bangla date: {bangla}")
    offset = sum(lengths[: bangla.month - 1]) + bangla.day - 1
    return date(start_year, 4, 14) + timedelta(days=offset)


def format_gregorian_bn(day: date) -> str:
    """E.g. ``২৮ নভেম্বর ২০২৬``."""
    month = GREGORIAN_MONTHS_BN[day.month - 1]
    return f"{to_bangla_digits(day.day)} {month} {to_bangla_digits(day.year)}"


def format_moment_bn(moment: datetime) -> dict[str, str]:
    """A moment as a person in Bangladesh reads it, in both calendars, Bangla digits."""
    local = moment.astimezone(DHAKA)
    clock = to_bangla_digits(local.strftime("%H:%M"))
    return {
        "date_bn": format_gregorian_bn(local.date()),
        "bangla_date_bn": to_bangla_date(local.date()).format(),
        "time_bn": clock,
    }


def is_working_day(day: date, holidays: Iterable[date] = ()) -> bool:
    """Sunday to Thursday, and not a listed public holiday."""
    return day.weekday() not in WEEKLY_HOLIDAYS and day not in set(holidays)


def add_working_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    closed = set(holidays)
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, closed):
            remaining -= 1
    return current


def minutes_values(seconds: int) -> dict[str, Any]:
    """A wait in whole minutes (at least one, rounded up), for a message: both scripts."""
    minutes = max(1, -(-seconds // 60))
    return {"minutes": minutes, "minutes_bn": to_bangla_digits(minutes)}
