"""Receipt check codes: the genuine one is accepted; every single-character change of the
tracking id or of the code is refused as not genuine (the same answer for each)."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain import tracking
from chalicelib.domain.errors import NotFound
from chalicelib.domain.lifecycle import Application, Channel
from chalicelib.domain.receipts import CODE_LENGTH, Receipts, receipt_code

KEY = b"k" * 32
MADE = datetime(2026, 3, 25, 19, 30, tzinfo=UTC)  # 26 March in Dhaka
ID = tracking.new_tracking_id(47, date(2026, 3, 26), randbelow=lambda _: 7)
# every character an id or a code could be changed to: digits (ASCII and Bangla),
# base32 and lower-case letters, and a few that URLs carry
ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase + "০১২৩৪৫৬৭৮৯-_ ."


def application(tracking_id: str = ID) -> Application:
    return Application(tracking_id=tracking_id, service_id="online-gd-lost-item",
                       service_version=1, agency_id="police", applicant_name="ক",
                       applicant_phone="+8801712345678", form={}, channel=Channel.SELF,
                       created_at=MADE, district_id=47)


@pytest.fixture
def receipts() -> Receipts:
    # every id resolves to an application of that id: a changed id is refused by its
    # code, not because it is unknown
    return Receipts(key=lambda: KEY, find=application)


def changes(text: str) -> set[str]:
    """Every text one substitution, deletion or insertion away from ``text``."""
    found = {text[:i] + c + text[i + 1:] for i in range(len(text)) for c in ALPHABET}
    found |= {text[:i] + text[i + 1:] for i in range(len(text))}
    found |= {text[:i] + c + text[i:] for i in range(len(text) + 1) for c in ALPHABET}
    return found - {text}


def test_the_genuine_code_is_accepted(receipts: Receipts) -> None:
    code = receipts.code_for(application())
    assert len(code) == CODE_LENGTH
    assert code == receipt_code(KEY, ID, date(2026, 3, 26))  # the Dhaka day, not the UTC one
    assert receipts.verify(ID, code).tracking_id == ID


def test_every_single_character_change_of_the_code_is_refused(receipts: Receipts) -> None:
    code = receipts.code_for(application())
    changed = changes(code)
    assert len(changed) > 1000
    for other in changed:
        with pytest.raises(NotFound) as refused:
            receipts.verify(ID, other)
        assert refused.value.code == "receipt_not_genuine", other


def test_every_single_character_change_of_the_id_is_refused(receipts: Receipts) -> None:
    code = receipts.code_for(application())
    changed = changes(ID)
    assert len(changed) > 1000
    for other in changed:
        with pytest.raises(NotFound) as refused:
            receipts.verify(other, code)
        assert refused.value.code == "receipt_not_genuine", other


def test_another_real_id_is_refused_by_its_code(receipts: Receipts) -> None:
    # (the check digit already refuses every single-character change; an id with its own
    # valid check digit is refused because the code is another id's)
    code = receipts.code_for(application())
    other = tracking.new_tracking_id(47, date(2026, 3, 26), randbelow=lambda _: 8)
    with pytest.raises(NotFound):
        receipts.verify(other, code)
    assert receipts.verify(other, receipts.code_for(application(other))).tracking_id == other


def test_another_key_or_another_day_gives_another_code() -> None:
    assert receipt_code(KEY, ID, date(2026, 3, 26)) != receipt_code(b"x" * 32, ID,
                                                                    date(2026, 3, 26))
    assert receipt_code(KEY, ID, date(2026, 3, 26)) != receipt_code(KEY, ID, date(2026, 3, 27))


@pytest.mark.parametrize("code", [None, "", "A" * 65])
def test_no_code_or_a_huge_one_is_refused(receipts: Receipts, code: str | None) -> None:
    with pytest.raises(NotFound):
        receipts.verify(ID, code)
