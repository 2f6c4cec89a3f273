"""Receipts through the API (moto in-process): who may have one, what it shows, and the
public check of its QR code's URL, which says nothing about the person."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import example, get_json, post_json, submission

GD = "online-gd-lost-item"
BIRTH = "birth-registration-new"


@pytest.fixture
def assisted(as_role, aws) -> dict:
    from chalicelib.domain.centres import Centre, CentreType
    from chalicelib.domain.messages import Text
    from chalicelib.store.centres import DynamoCentres

    DynamoCentres().put(Centre(
        id="centre-a", type=CentreType.UDC, name=Text("বিরুলিয়া কেন্দ্র", "Birulia centre"),
        division_id="6", district_id="47", upazila_id="365", union_id="3272",
        address=Text("ঠিকানা", "Address"), hours=Text("৯–৫", "9–5")))
    tablet = as_role("entrepreneur", centre_id="centre-a", phone="+8801900000030",
                     id="u-test-tablet")
    body = {**submission(BIRTH, example(BIRTH, "valid-adult-with-present-address"),
                         phone="01812345678", name="রফিকুল ইসলাম"),
            "consent": {"method": "recorded", "reason": "ফোন নেই"},
            "payment": {"method": "cash", "service_charge_bdt": 30}}
    made = post_json(tablet, "/applications", body, **{"Idempotency-Key": "receipt-0001"})
    assert made.status_code == 201, made.json
    return {"tablet": tablet, "tracking_id": made.json["tracking_id"]}


def test_the_receipt_shows_fees_centre_dates_and_a_qr_code(assisted, as_role) -> None:
    tracking_id = assisted["tracking_id"]
    receipt = get_json(assisted["tablet"], f"/applications/{tracking_id}/receipt")
    assert receipt.status_code == 200, receipt.json
    body = receipt.json
    assert all("০" <= c <= "৯" for c in body["tracking_id_bn"].replace("-", ""))
    assert body["service_title"]["bn"] and body["agency_name"]["en"]
    assert (body["fee_bdt"], body["service_charge_bdt"], body["total_bdt"]) == (
        "50.00", "30.00", "80.00")
    assert body["payment_method"]["bn"] == "নগদ"
    assert body["centre"] == {"id": "centre-a",
                              "name": {"bn": "বিরুলিয়া কেন্দ্র", "en": "Birulia centre"}}
    assert body["entrepreneur"]["id"] == "u-test-tablet"
    assert body["submitted"]["date_bn"] and body["submitted"]["bangla_date_bn"]
    assert body["qr_svg"].startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in (
        body["qr_svg"]) and body["consent_recorded"] is True
    assert f"/verify/{tracking_id}?c=" in body["verify_url"]
    # AND the applicant and ops get the same receipt; another centre does not
    citizen = as_role("citizen", phone="+8801812345678")
    assert get_json(citizen, f"/applications/{tracking_id}/receipt").json["verify_url"] == (
        body["verify_url"])
    ops = as_role("ops", phone="+8801900000001")
    assert get_json(ops, f"/applications/{tracking_id}/receipt").status_code == 200
    other = as_role("entrepreneur", centre_id="centre-b", phone="+8801900000031")
    assert get_json(other, f"/applications/{tracking_id}/receipt").status_code == 404


def test_the_qr_codes_url_verifies_and_says_nothing_personal(client, assisted) -> None:
    url = get_json(assisted["tablet"],
                   f"/applications/{assisted['tracking_id']}/receipt").json["verify_url"]
    parts = urlsplit(url)
    code = parse_qs(parts.query)["c"][0]
    checked = get_json(client, f"{parts.path}?c={code}")
    assert checked.status_code == 200, checked.json
    body = checked.json
    assert body["genuine"] is True and body["centre_name"]["en"] == "Birulia centre"
    assert body["status"] == "submitted" and body["submitted"]["bangla_date_bn"]
    text = json.dumps(body, ensure_ascii=False)
    for personal in ("রফিকুল", "RAFIQUL", "01812345678", "8801812345678", "ফোন নেই",
                     "u-test-tablet"):
        assert personal not in text
    # AND a changed code is refused as not genuine, in both languages
    changed = ("B" if code[0] != "B" else "C") + code[1:]
    refused = get_json(client, f"{parts.path}?c={changed}")
    assert refused.status_code == 404 and refused.json["code"] == "receipt_not_genuine"
    assert refused.json["message_bn"] and refused.json["message_en"]
    assert get_json(client, parts.path).status_code == 404  # no code at all


def test_a_citizens_own_application_has_a_receipt_too(citizen) -> None:
    made = post_json(citizen, "/applications", submission(GD, example(GD, "valid-lost-nid")),
                     **{"Idempotency-Key": "receipt-0002"})
    receipt = get_json(citizen, f"/applications/{made.json['tracking_id']}/receipt")
    assert receipt.status_code == 200
    assert receipt.json["centre"] is None and receipt.json["service_charge_poisha"] is None
    assert receipt.json["channel"] == "self"
