"""Identifiers never reach a log line: phones, NIDs and birth registration numbers are masked."""

from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib.observability import logger, mask

SECRETS = [
    "01712345678", "+8801712345678", "০১৭১২৩৪৫৬৭৮",  # mobile numbers
    "1234567890", "1234567890123", "19901234567890123",  # NIDs of 10, 13, 17 digits
    "20101234567890123", "২০১০১২৩৪৫৬৭৮৯০১২৩",  # birth registration numbers
]


@pytest.mark.parametrize("secret", SECRETS)
def test_mask_hides_all_but_the_last_digits(secret: str) -> None:
    masked = mask(f"applicant {secret} applied")
    assert secret not in masked
    assert masked.startswith("applicant ") and masked.endswith(" applied")
    assert masked.count("*") >= len(secret) - 3


def test_tracking_ids_and_timestamps_stay_readable() -> None:
    line = "tracking 4726112886228778 at 2026-11-28T10:00:00+06:00"
    assert mask(line) == line


def test_a_logged_record_is_masked_whatever_key_it_sits_under() -> None:
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        logger.info("submitted", extra={"form": {"nid": "19901234567890123"},
                                        "phone": "01712345678", "tracking_id": "4726112886228778"})
    finally:
        logger.removeHandler(handler)
    line = written.getvalue().strip().splitlines()[-1]
    record = json.loads(line)

    assert "19901234567890123" not in line and "01712345678" not in line
    assert record["tracking_id"] == "4726112886228778"
    assert record["form"]["nid"].endswith("123")
