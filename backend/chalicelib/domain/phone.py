"""Bangladeshi mobile numbers: one normal form (E.164) for storage and lookup."""

from __future__ import annotations

import re

from .bangla import to_ascii_digits

_SEPARATORS = re.compile(r"[\s\-().]")
_LOCAL = re.compile(r"^01[3-9][0-9]{8}$")  # ASCII digits only: \d matches every script


def normalise_mobile(text: str) -> str | None:
    """Return ``+8801XXXXXXXXX`` for any usual way of writing a BD mobile, else ``None``.

    Accepts Bangla or ASCII digits, spaces, hyphens, and the ``+88`` / ``88`` /
    ``0088`` prefixes.
    """
    if not isinstance(text, str):
        return None
    digits = _SEPARATORS.sub("", to_ascii_digits(text))
    for prefix in ("+88", "0088", "88"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    if not _LOCAL.match(digits):
        return None
    return "+88" + digits


def local_form(e164: str) -> str:
    """``+8801712345678`` -> ``01712345678``."""
    return e164[3:] if e164.startswith("+88") else e164


def mask(e164: str) -> str:
    """``+8801712345678`` -> ``+88017******78``: enough for a person to recognise it."""
    return e164[:6] + "*" * (len(e164) - 8) + e164[-2:]
