"""Tracking ids: typeable, and a slip of a finger is caught before any lookup."""

from __future__ import annotations

import random
from datetime import date

import pytest

from chalicelib.domain import tracking


def sample_ids(count: int = 200) -> list[str]:
    rng = random.Random(7)
    return [
        tracking.new_tracking_id(rng.randint(0, 64), date(2026, 11, rng.randint(1, 28)),
                                 randbelow=rng.randrange)
        for _ in range(count)
    ]


def test_new_id_carries_district_and_dhaka_date_and_checks() -> None:
    tracking_id = tracking.new_tracking_id(47, date(2026, 11, 28))
    assert len(tracking_id) == 16 and tracking_id.isdigit()
    assert tracking_id.startswith("47261128")
    assert tracking.parse(tracking_id) == tracking_id


@pytest.mark.parametrize("tracking_id", sample_ids(40))
def test_every_single_digit_slip_is_caught(tracking_id: str) -> None:
    for position in range(16):
        for digit in "0123456789":
            if digit != tracking_id[position]:
                typo = tracking_id[:position] + digit + tracking_id[position + 1 :]
                assert tracking.parse(typo) is None, typo


@pytest.mark.parametrize("tracking_id", sample_ids(40))
def test_every_swap_of_neighbouring_digits_is_caught(tracking_id: str) -> None:
    for position in range(15):
        a, b = tracking_id[position], tracking_id[position + 1]
        if a != b:
            swapped = tracking_id[:position] + b + a + tracking_id[position + 2 :]
            assert tracking.parse(swapped) is None, swapped


def test_bangla_digits_spaces_and_hyphens_are_accepted() -> None:
    tracking_id = tracking.new_tracking_id(47, date(2026, 11, 28))
    shown = tracking.display(tracking_id, bangla=True)
    assert shown.count("-") == 3 and not any(char.isascii() and char.isdigit() for char in shown)
    assert tracking.parse(shown) == tracking_id
    assert tracking.parse(" ".join(tracking.display(tracking_id).split("-"))) == tracking_id


@pytest.mark.parametrize("text", ["", "abc", "123", "47261128123456789", "4726-1128-1234-567x"])
def test_text_that_cannot_be_an_id_is_refused(text: str) -> None:
    assert tracking.parse(text) is None


def test_ids_do_not_repeat_in_practice() -> None:
    ids = [tracking.new_tracking_id(47, date(2026, 11, 28)) for _ in range(5000)]
    assert len(set(ids)) >= 4990  # 10 million per district and day
