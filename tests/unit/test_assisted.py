"""The assisted envelope's rules: consent and payment named field by field, the fee from the
service's rules, the service charge within a known cap."""

from __future__ import annotations

import pytest

from chalicelib.domain.assisted import assisted_record, consent_problems, payment_problems
from chalicelib.domain.fees import FeeQuote

QUOTE = FeeQuote(lines=(), total_poisha=2500, confirmed=True, service_charge_cap_poisha=None,
                 service_charge_cap_confirmed=False)


def codes(problems) -> dict[str, str]:
    return {problem.path: problem.code for problem in problems}


@pytest.mark.parametrize(("consent", "expected"), [
    (None, {"consent": "required"}),
    ({}, {"consent.challenge_id": "required", "consent.code": "required"}),
    ({"challenge_id": "abcdefgh", "code": "123456"}, {}),
    ({"method": "recorded"}, {"consent.reason": "required"}),
    ({"method": "recorded", "reason": "ফোন নেই", "code": "1"}, {"consent.code": "unknown_field"}),
])
def test_consent_needs_a_code_or_a_reason(consent, expected) -> None:
    assert codes(consent_problems(consent)) == expected


@pytest.mark.parametrize(("payment", "expected"), [
    (None, {"payment": "required"}),
    ({"method": "cash", "service_charge_bdt": 10}, {}),
    ({"method": "mfs", "service_charge_bdt": 10, "mfs_provider": "bKash"},
     {"payment.mfs_reference": "required"}),
    ({"method": "cash", "service_charge_bdt": 10, "mfs_provider": "bKash"},
     {"payment.mfs_provider": "mfs_only"}),
    ({"method": "cash", "service_charge_bdt": 0.001},
     {"payment.service_charge_bdt": "whole_poisha"}),
])
def test_payment_shape(payment, expected) -> None:
    assert codes(payment_problems(payment)) == expected


def test_the_fee_is_the_quotes_and_an_unknown_cap_records_the_charge() -> None:
    record, problems = assisted_record(
        entrepreneur_id="u-1", consent={"challenge_id": "abcdefgh", "code": "123456"},
        payment={"method": "cash", "service_charge_bdt": 999.5}, quote=QUOTE)
    assert problems == [] and record is not None
    assert (record.fee_poisha, record.service_charge_poisha, record.consent_reason) == (
        2500, 99950, None)


@pytest.mark.parametrize(("charge", "refused"), [(50, False), (50.01, True), (0, False)])
def test_a_known_cap_refuses_only_what_is_above_it(charge: float, refused: bool) -> None:
    capped = FeeQuote(lines=(), total_poisha=None, confirmed=False,
                      service_charge_cap_poisha=5000, service_charge_cap_confirmed=True)
    record, problems = assisted_record(
        entrepreneur_id="u-1", consent={"method": "recorded", "reason": "ফোন নেই"},
        payment={"method": "cash", "service_charge_bdt": charge}, quote=capped)
    assert (record is None) is refused
    assert codes(problems) == ({"payment.service_charge_bdt": "over_cap"} if refused else {})
    if record is not None:
        assert record.consent_reason == "ফোন নেই" and record.fee_poisha is None
