"""Tracking ids: 16 digits a citizen can read out over the phone and type on a keypad.

Layout: district (2) + Dhaka date YYMMDD (6) + random (7) + Damm check digit (1),
shown in groups of four (``1226-1128-4839-2071``, in Bangla digits on screen).
There is no counter to contend on: ids are random within a district and day and a
collision is caught by the store's conditional put. The Damm check digit catches
every single-digit slip and every swap of two neighbouring digits, so a mistyped id
is refused before any lookup.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

from .bangla import to_ascii_digits, to_bangla_digits

LENGTH = 16
NO_DISTRICT = 0  # applications with no address in the form
MAX_DISTRICT = 99  # two digits

# The Damm algorithm's operation table (a totally anti-symmetric quasigroup).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SEPARATORS = re.compile(r"[\s\-_.]")


def check_digit(digits: str) -> int:
    """The Damm check digit of a string of ASCII digits."""
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return interim


def new_tracking_id(district_id: int, day: date, *, randbelow=secrets.randbelow) -> str:
    """A fresh canonical (ASCII, unseparated) tracking id for a district and Dhaka day."""
    if not NO_DISTRICT <= district_id <= MAX_DISTRICT:
        raise ValueError("district_id must be 0-99")
    body = f"{district_id:02d}{day:%y%m%d}{randbelow(10**7):07d}"
    return body + str(check_digit(body))


def parse(text: str) -> str | None:
    """Canonicalise what a person typed; ``None`` if it cannot be a tracking id.

    Accepts Bangla or ASCII digits, with spaces or hyphens anywhere.
    """
    candidate = _SEPARATORS.sub("", to_ascii_digits(text or ""))
    if len(candidate) != LENGTH or not candidate.isdigit() or not candidate.isascii():
        return None
    if check_digit(candidate) != 0:  # a valid Damm number checks to zero
        return None
    return candidate


def display(tracking_id: str, *, bangla: bool = False) -> str:
    """Grouped in fours with hyphens, optionally in Bangla digits."""
    grouped = "-".join(tracking_id[i : i + 4] for i in range(0, len(tracking_id), 4))
    return to_bangla_digits(grouped) if bangla else grouped
