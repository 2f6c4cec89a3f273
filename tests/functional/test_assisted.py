"""Assisted applications through the API (moto in-process): an entrepreneur applies for a
citizen with their consent (a code sent to their phone, or a recorded reason) and the
payment; the fee is the service's, the charge within its cap; the citizen finds it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.functional.conftest import queued_messages
from tests.helpers import example, get_json, post_json, submission

BIRTH = "birth-registration-new"
CITIZEN_PHONE = "+8801812345678"
CASH = {"method": "cash", "service_charge_bdt": 30}


def sent_code(phone: str = CITIZEN_PHONE) -> str:
    from chalicelib.settings import get_settings

    for message in reversed(queued_messages(get_settings().notifications_queue_name,
                                            delete=True)):
        if message.get("kind") == "code" and message["phone"] == phone:
            assert message["purpose"] == "consent"
            return str(message["code"])
    raise AssertionError("no code was queued")


@pytest.fixture
def tablet(as_role) -> Any:
    return as_role("entrepreneur", centre_id="centre-a", phone="+8801900000030",
                   id="u-test-entrepreneur-a")


def body(consent: dict[str, Any] | None, payment: dict[str, Any] | None = CASH,
         **extra: Any) -> dict[str, Any]:
    found = submission(BIRTH, example(BIRTH, "valid-adult-with-present-address"),
                       phone="01812345678", name="রফিকুল ইসলাম")
    if consent is not None:
        found["consent"] = consent
    if payment is not None:
        found["payment"] = payment
    return {**found, **extra}


def consent_by_code(tablet: Any) -> dict[str, str]:
    asked = post_json(tablet, "/consents", {"phone": "০১৮১২৩৪৫৬৭৮"})
    assert asked.status_code == 202, asked.json
    return {"challenge_id": asked.json["challenge_id"], "code": sent_code()}


def fields(response: Any) -> dict[str, str]:
    return {problem["path"]: problem["code"] for problem in response.json["fields"]}


def test_consent_by_code_makes_an_assisted_application_the_citizen_finds(
        tablet, as_role) -> None:
    # GIVEN the citizen's code, read to the entrepreneur
    consent = consent_by_code(tablet)
    # WHEN the entrepreneur submits for them, paid in cash with a Tk 30 service charge
    made = post_json(tablet, "/applications", body(consent), **{"Idempotency-Key": "tab-0001"})
    # THEN it is an assisted application of the centre, with the fee by the service's rules
    assert made.status_code == 201, made.json
    assisted = made.json["assisted"]
    assert made.json["channel"] == "assisted" and made.json["centre_id"] == "centre-a"
    assert assisted["consent"] == "code" and assisted["consent_recorded"] is False
    assert assisted["fee_poisha"] == 5000  # born more than 5 years ago: Tk 50
    assert assisted["service_charge_bdt"] == "30.00" and assisted["payment_method"] == "cash"
    assert assisted["entrepreneur_id"] == "u-test-entrepreneur-a"
    # AND the citizen finds it in their own list, through the same phone
    citizen = as_role("citizen", phone=CITIZEN_PHONE)
    mine = get_json(citizen, "/me/applications")
    assert [item["tracking_id"] for item in mine.json["applications"]] == [
        made.json["tracking_id"]]
    # AND gets the same SMS a citizen's own application gets (the outbox's notification,
    # sent to the applicant's phone)
    from chalicelib.runtime import runtime
    from tests.functional.conftest import pending_outbox

    stored = runtime().applications.store.get(made.json["tracking_id"])
    assert stored is not None and stored.applicant_phone == CITIZEN_PHONE
    kinds = [message.body.get("kind") for record in pending_outbox()
             if record.tracking_id == stored.tracking_id for message in record.messages]
    assert "transition" in kinds
    # AND the same key and body again is the same application, the code not asked again
    again = post_json(tablet, "/applications", body(consent), **{"Idempotency-Key": "tab-0001"})
    assert again.status_code == 200 and again.json["tracking_id"] == made.json["tracking_id"]


def test_a_recorded_consent_is_flagged_for_the_agency_and_ops(tablet, as_role) -> None:
    reason = "নাগরিকের নিজের ফোন নেই"
    made = post_json(tablet, "/applications", body({"method": "recorded", "reason": reason}),
                     **{"Idempotency-Key": "tab-0002"})
    assert made.status_code == 201, made.json
    assert made.json["assisted"]["consent_recorded"] is True
    # THEN the agency's officer sees the flag and the reason
    officer = as_role("officer", agency_id=made.json["agency_id"], phone="+8801900000012")
    seen = get_json(officer, f"/me/applications/{made.json['tracking_id']}")
    assert seen.json["assisted"]["consent_recorded"] is True
    assert seen.json["assisted"]["consent_reason"] == reason
    # AND ops count it among consents without a code
    ops = as_role("ops", phone="+8801900000001")
    assert get_json(ops, "/ops/stats").json["consents_without_code"] == 1
    # AND the citizen sees the flag but not the centre's notes
    citizen = as_role("citizen", phone=CITIZEN_PHONE)
    own = get_json(citizen, f"/me/applications/{made.json['tracking_id']}")
    assert own.json["assisted"]["consent_recorded"] is True
    assert "consent_reason" not in own.json["assisted"]


def without_phone(consent: dict[str, Any]) -> dict[str, Any]:
    found = body(consent)
    del found["applicant"]["phone"]
    return found


def test_a_citizen_with_no_phone_of_their_own_is_served_on_record_and_told_at_the_centre(
        tablet, as_role) -> None:
    from chalicelib.runtime import runtime
    from tests.functional.conftest import pending_outbox

    # GIVEN a citizen with no phone of their own, their consent recorded at the centre
    made = post_json(tablet, "/applications", without_phone(
        {"method": "recorded", "reason": "নাগরিকের নিজের কোনো ফোন নেই"}),
        **{"Idempotency-Key": "tab-nophone-1"})
    # THEN the application is made, with no phone, and no SMS will be sent for it
    assert made.status_code == 201, made.json
    stored = runtime().applications.store.get(made.json["tracking_id"])
    assert stored is not None and stored.applicant_phone is None
    kinds = [message.body.get("kind") for record in pending_outbox()
             if record.tracking_id == stored.tracking_id for message in record.messages]
    assert kinds and "transition" not in kinds  # the agency's step, and no SMS
    # AND the centre's receipt and ledger have it
    receipt = get_json(tablet, f"/applications/{made.json['tracking_id']}/receipt")
    assert receipt.status_code == 200, receipt.json
    ledger = get_json(tablet, "/centres/centre-a/ledger")
    assert made.json["tracking_id"] in [e["tracking_id"] for e in ledger.json["entries"]]


def test_no_phone_needs_a_recorded_consent_and_a_citizen_always_gives_one(
        tablet, citizen) -> None:
    # a consent code cannot reach a citizen with no phone: the phone is asked for
    coded = post_json(tablet, "/applications", without_phone(
        {"challenge_id": "abcdefgh12", "code": "123456"}), **{"Idempotency-Key": "tab-np-2"})
    assert coded.status_code == 422
    assert fields(coded) == {"applicant.phone": "phone_for_code"}
    assert "কারণ" in coded.json["fields"][0]["message_bn"]
    # a citizen applying themself gives their own phone
    own = submission(BIRTH, example(BIRTH, "valid-adult-with-present-address"))
    del own["applicant"]["phone"]
    refused = post_json(citizen, "/applications", own, **{"Idempotency-Key": "self-np-1"})
    assert refused.status_code == 422
    assert fields(refused) == {"applicant.phone": "required"}


def test_a_wrong_code_is_refused_naming_the_field_and_nothing_is_written(tablet) -> None:
    consent = consent_by_code(tablet)
    wrong = {**consent, "code": "000000" if consent["code"] != "000000" else "111111"}
    refused = post_json(tablet, "/applications", body(wrong), **{"Idempotency-Key": "tab-0003"})
    assert refused.status_code == 422
    assert fields(refused) == {"consent.code": "consent_code_wrong"}
    assert refused.json["fields"][0]["message_bn"] and refused.json["fields"][0]["message_en"]
    from chalicelib.runtime import runtime

    store = runtime().applications.store
    assert store.by_applicant(CITIZEN_PHONE, limit=10, cursor=None).items == []
    # AND the wrong try did not use the code up: the right one still works
    made = post_json(tablet, "/applications", body(consent), **{"Idempotency-Key": "tab-0004"})
    assert made.status_code == 201


def test_a_code_that_is_not_six_digits_is_named(tablet) -> None:
    consent = {**consent_by_code(tablet), "code": "12"}
    refused = post_json(tablet, "/applications", body(consent), **{"Idempotency-Key": "tab-0011"})
    assert refused.status_code == 422 and fields(refused) == {"consent.code": "otp_code"}


def test_an_expired_code_is_refused(tablet, monkeypatch) -> None:
    from chalicelib.domain.applications import utc_now
    from chalicelib.runtime import runtime

    consent = consent_by_code(tablet)
    later = utc_now() + timedelta(minutes=6)
    monkeypatch.setattr(runtime().sign_in, "clock", lambda: later)
    refused = post_json(tablet, "/applications", body(consent), **{"Idempotency-Key": "tab-0005"})
    assert refused.status_code == 422 and fields(refused) == {"consent.code": "consent_code_wrong"}


def test_a_code_sent_to_another_phone_is_refused(tablet) -> None:
    asked = post_json(tablet, "/consents", {"phone": "01912345678"})
    other = {"challenge_id": asked.json["challenge_id"], "code": sent_code("+8801912345678")}
    refused = post_json(tablet, "/applications", body(other), **{"Idempotency-Key": "tab-0006"})
    assert refused.status_code == 422 and fields(refused) == {"consent.code": "consent_code_wrong"}


def test_a_service_charge_over_the_cap_is_refused(tablet, monkeypatch) -> None:
    from chalicelib.runtime import runtime

    # GIVEN a service whose cap is known (a cap the test sets: no source sets one yet)
    charge = runtime().catalog.service(BIRTH).document["fees"]["service_charge"]
    monkeypatch.setitem(charge, "cap_bdt", 20)
    recorded = {"method": "recorded", "reason": "ফোন নেই"}
    over = post_json(tablet, "/applications", body(recorded, {**CASH, "service_charge_bdt": 20.5}),
                     **{"Idempotency-Key": "tab-0007"})
    assert over.status_code == 422
    assert fields(over) == {"payment.service_charge_bdt": "over_cap"}
    assert "২০.০০" in over.json["fields"][0]["message_bn"]
    at_cap = post_json(tablet, "/applications", body(recorded, {**CASH, "service_charge_bdt": 20}),
                       **{"Idempotency-Key": "tab-0008"})
    assert at_cap.status_code == 201, at_cap.json


@pytest.mark.parametrize(("envelope", "expected"), [
    (body(None, None), {"consent": "required", "payment": "required"}),
    (body({"method": "recorded"}), {"consent.reason": "required"}),
    (body({"challenge_id": "abcdefgh1"}), {"consent.code": "required"}),
    (body({"method": "recorded", "reason": "ফোন নেই"}, {"method": "mfs", "service_charge_bdt": 10}),
     {"payment.mfs_provider": "required", "payment.mfs_reference": "required"}),
    (body({"method": "recorded", "reason": "ফোন নেই"},
          {"method": "cash", "service_charge_bdt": 10, "mfs_reference": "TX1234"}),
     {"payment.mfs_reference": "mfs_only"}),
    (body({"method": "recorded", "reason": "ফোন নেই"}, {**CASH, "service_charge_bdt": 10.005}),
     {"payment.service_charge_bdt": "whole_poisha"}),
])
def test_a_bad_assisted_envelope_names_each_field(tablet, envelope, expected) -> None:
    refused = post_json(tablet, "/applications", envelope, **{"Idempotency-Key": "tab-0009"})
    assert refused.status_code == 422, refused.json
    assert fields(refused) == expected


def test_mfs_payment_is_recorded_with_its_provider(tablet) -> None:
    paid = {"method": "mfs", "mfs_provider": "bKash", "mfs_reference": "9F3K2L1Q",
            "service_charge_bdt": 25}
    made = post_json(tablet, "/applications",
                     body({"method": "recorded", "reason": "নেটওয়ার্ক নেই"}, paid),
                     **{"Idempotency-Key": "tab-0010"})
    assert made.status_code == 201
    assert made.json["assisted"]["payment_method"] == "mfs"
    assert made.json["assisted"]["mfs_reference"] == "9F3K2L1Q"


def test_a_citizen_cannot_send_consent_or_payment(citizen) -> None:
    own = submission(BIRTH, example(BIRTH, "valid-adult-with-present-address"))
    refused = post_json(citizen, "/applications", {**own, "payment": CASH},
                        **{"Idempotency-Key": "self-0001"})
    assert refused.status_code == 422 and fields(refused) == {"payment": "assisted_only"}


def test_consent_codes_are_for_entrepreneurs_and_keep_sign_in_limits(tablet, citizen) -> None:
    assert post_json(citizen, "/consents", {"phone": "01812345678"}).status_code == 403
    assert post_json(tablet, "/consents", {"phone": "12345"}).status_code == 422
    assert post_json(tablet, "/consents", {"phone": "01812345678"}).status_code == 202
    again = post_json(tablet, "/consents", {"phone": "01812345678"})
    assert again.status_code == 429 and again.json["code"] == "code_wait"
