"""Mobile numbers are stored in one form, however they were typed."""

import pytest

from chalicelib.domain.phone import mask, normalise_mobile


@pytest.mark.parametrize(
    "typed",
    ["01712345678", "০১৭১২৩৪৫৬৭৮", "+8801712345678", "8801712345678", "008801712345678",
     "017-1234-5678", " 01712 345678 ", "+88 01712-345678"],
)
def test_every_usual_way_of_writing_a_number_gives_the_same_number(typed: str) -> None:
    assert normalise_mobile(typed) == "+8801712345678"


@pytest.mark.parametrize("typed", ["", "0171234567", "01212345678", "017123456789", "phone", None])
def test_what_is_not_a_bangladeshi_mobile_is_refused(typed: object) -> None:
    assert normalise_mobile(typed) is None  # type: ignore[arg-type]


def test_mask_keeps_enough_to_recognise() -> None:
    assert mask("+8801712345678") == "+88017******78"
