"""Signing in through the API: codes by SMS, staff passwords, tokens the authorizer checks,
refresh and sign-out; every refusal in the bilingual body."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chalicelib.settings import get_settings
from tests.functional.conftest import queued_messages
from tests.helpers import get_json, post_json

PHONE = "01712345678"


def sent_code(phone: str = "+8801712345678") -> str:
    """The code the SMS worker would send (read from its queue)."""
    for message in reversed(queued_messages(get_settings().notifications_queue_name,
                                            delete=True)):
        if message.get("kind") == "code" and message["phone"] == phone:
            return str(message["code"])
    raise AssertionError("no code was queued")


def sign_in(client: Any, phone: str = PHONE) -> dict[str, Any]:
    asked = post_json(client, "/auth/otp", {"phone": phone})
    assert asked.status_code == 202, asked.json
    verified = post_json(client, "/auth/otp/verify", {
        "challenge_id": asked.json["challenge_id"], "code": sent_code()})
    assert verified.status_code == 200, verified.json
    return verified.json


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_citizen_signs_in_by_sms_code_and_the_token_opens_their_routes(client) -> None:
    asked = post_json(client, "/auth/otp", {"phone": "০১৭১২-৩৪৫৬৭৮"})
    assert asked.status_code == 202
    assert set(asked.json) == {"challenge_id", "expires_in", "resend_after"}
    assert (asked.json["expires_in"], asked.json["resend_after"]) == (300, 60)
    code = sent_code().translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))

    verified = post_json(client, "/auth/otp/verify",
                         {"challenge_id": asked.json["challenge_id"], "code": code})

    assert verified.status_code == 200
    answer = verified.json
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 900
    assert answer["principal"]["role"] == "citizen"
    assert verified.headers["Cache-Control"] == "no-store"
    me = get_json(client, "/me", **bearer(answer["access_token"]))
    assert me.status_code == 200
    assert (me.json["role"], me.json["phone"]) == ("citizen", "+8801712345678")


def test_no_token_an_expired_one_and_forged_ones_get_401_in_both_languages(client) -> None:
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.access import Principal, Role
    from chalicelib.tokens import tokens

    principal = Principal(Role.OPS, "u-x", phone="+8801900000001")
    expired = tokens().issue(principal, now=datetime.now(UTC) - timedelta(hours=1), seconds=900)
    real = tokens().issue(principal, now=datetime.now(UTC), seconds=900)
    header, payload, _ = real.split(".")

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    unsigned = part({"alg": "none", "typ": "JWT"}) + "." + payload + "."
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    promoted = header + "." + part({**claims, "role": "ops", "sub": "u-admin"}) + "." + (
        real.split(".")[2])
    attempts = {"no token": {}, "not bearer": {"Authorization": "Basic abc"},
                "expired": bearer(expired), "alg none": bearer(unsigned),
                "claims changed": bearer(promoted), "garbage": bearer("a.b.c")}
    for what, headers in attempts.items():
        response = get_json(client, "/me", **headers)
        assert response.status_code == 401, what
        assert response.json["code"] == "sign_in_required", what
        assert response.json["message_bn"] and response.json["message_en"]
    assert get_json(client, "/me", **bearer(real)).status_code == 200


def test_a_wrong_code_says_how_many_tries_are_left_then_locks(client) -> None:
    asked = post_json(client, "/auth/otp", {"phone": PHONE})
    code = sent_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    first = post_json(client, "/auth/otp/verify",
                      {"challenge_id": asked.json["challenge_id"], "code": wrong})
    assert (first.status_code, first.json["code"]) == (401, "code_wrong")
    assert "৪" in first.json["message_bn"] and "4 tries" in first.json["message_en"]
    for _ in range(3):
        post_json(client, "/auth/otp/verify",
                  {"challenge_id": asked.json["challenge_id"], "code": wrong})
    locked = post_json(client, "/auth/otp/verify",
                       {"challenge_id": asked.json["challenge_id"], "code": wrong})
    assert (locked.status_code, locked.json["code"]) == (429, "phone_locked")
    assert int(locked.headers["Retry-After"]) == 900
    again = post_json(client, "/auth/otp", {"phone": PHONE})
    assert again.status_code == 429 and "১৫ মিনিট" in again.json["message_bn"]


def test_a_second_code_within_a_minute_is_refused_with_retry_after(client) -> None:
    assert post_json(client, "/auth/otp", {"phone": PHONE}).status_code == 202
    again = post_json(client, "/auth/otp", {"phone": PHONE})
    assert (again.status_code, again.json["code"]) == (429, "code_wait")
    assert 0 < int(again.headers["Retry-After"]) <= 60


@pytest.mark.parametrize(("body", "field"), [
    ({"phone": "12345"}, "phone"), ({}, "phone"), ({"phone": "01712345678", "x": 1}, "x"),
])
def test_a_bad_request_for_a_code_names_the_field(client, body: dict, field: str) -> None:
    response = post_json(client, "/auth/otp", body)
    assert response.status_code == 422
    assert field in [problem["path"] for problem in response.json["fields"]]


def test_a_refresh_rotates_and_a_replayed_refresh_token_ends_the_sign_in(client) -> None:
    first = sign_in(client)
    second = post_json(client, "/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    replayed = post_json(client, "/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert (replayed.status_code, replayed.json["code"]) == (401, "session_reused")
    newer = post_json(client, "/auth/refresh", {"refresh_token": second.json["refresh_token"]})
    assert newer.status_code == 401


def test_signing_out_ends_the_refresh_token(client) -> None:
    tokens = sign_in(client)
    out = client.http.post("/auth/logout", headers={"Content-Type": "application/json"},
                           body=json.dumps({"refresh_token": tokens["refresh_token"]}))
    assert out.status_code == 204
    after = post_json(client, "/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert after.status_code == 401


@pytest.fixture
def officer_account() -> dict[str, str]:
    from datetime import UTC, datetime

    from chalicelib.domain.access import Role
    from chalicelib.domain.auth import StaffAccount
    from chalicelib.passwords import Argon2Passwords
    from chalicelib.store.auth import DynamoStaff

    password = "a long enough password"
    DynamoStaff().add(StaffAccount(
        id="u-officer-1", phone="+8801900000010", role=Role.OFFICER, name="Officer",
        password_hash=Argon2Passwords().hash(password), agency_id="police"),
        now=datetime.now(UTC))
    return {"phone": "01900000010", "password": password}


def test_staff_sign_in_and_five_failures_lock_the_account(client, officer_account) -> None:
    good = post_json(client, "/auth/login", officer_account)
    assert good.status_code == 200
    assert good.json["principal"] == {"role": "officer", "id": "u-officer-1",
                                      "phone": "+8801900000010", "agency_id": "police"}
    unknown = post_json(client, "/auth/login", {"phone": "01900000099", "password": "x" * 12})
    wrong = post_json(client, "/auth/login", {**officer_account, "password": "not it at all"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json == wrong.json
    for _ in range(4):
        last = post_json(client, "/auth/login", {**officer_account, "password": "not it"})
    assert (last.status_code, last.json["code"]) == (429, "account_locked")
    assert post_json(client, "/auth/login", officer_account).status_code == 429


def test_the_cli_adds_lists_and_disables_staff(client) -> None:
    from click.testing import CliRunner

    from ops.cli import main

    runner = CliRunner()
    added = runner.invoke(main, ["users", "add", "--role", "officer", "--agency", "police",
                                 "--phone", "01900000020", "--name", "New officer"])
    assert added.exit_code == 0, added.output
    password = added.output.split("one-time password: ")[1].split()[0]
    signed = post_json(client, "/auth/login", {"phone": "01900000020", "password": password})
    assert signed.status_code == 200
    listed = runner.invoke(main, ["users", "list", "--role", "officer"])
    assert "+8801900000020" in listed.output and "active" in listed.output
    again = runner.invoke(main, ["users", "add", "--role", "officer", "--agency", "police",
                                 "--phone", "01900000020", "--name", "Twice"])
    assert again.exit_code != 0 and "already" in again.output
    no_agency = runner.invoke(main, ["users", "add", "--role", "officer", "--phone",
                                     "01900000021", "--name", "Nobody's"])
    assert no_agency.exit_code != 0 and "--agency" in no_agency.output
    disabled = runner.invoke(main, ["users", "disable", "01900000020"])
    assert disabled.exit_code == 0 and "ended 1 session" in disabled.output
    refused = post_json(client, "/auth/refresh", {"refresh_token": signed.json["refresh_token"]})
    assert refused.status_code == 401
    assert post_json(client, "/auth/login", {"phone": "01900000020",
                                             "password": password}).status_code == 401


def test_every_personal_answer_is_marked_not_to_be_kept(client, citizen) -> None:
    # GIVEN a citizen signed in by code, with an application
    from tests.helpers import example, submission

    signed_in = sign_in(client)
    made = post_json(citizen, "/applications",
                     submission("online-gd-lost-item", example("online-gd-lost-item",
                                                               "valid-lost-nid")),
                     **{"Idempotency-Key": "t-no-store-1"})
    tracking_id = made.json["tracking_id"]

    # WHEN each answer about them is asked for
    token = bearer(signed_in["access_token"])
    answers = {
        "submit": made,
        "me": get_json(client, "/me", **token),
        "mine": get_json(client, "/me/applications", **token),
        "mine one": get_json(client, f"/me/applications/{tracking_id}", **token),
        "tracking": get_json(client, f"/applications/{tracking_id}?phone={PHONE}"),
        "cancel": post_json(client, f"/applications/{tracking_id}/cancel", {}, **token),
        "code": post_json(client, "/auth/otp", {"phone": "01812345678"}),
        "refresh": post_json(client, "/auth/refresh",
                             {"refresh_token": signed_in["refresh_token"]}),
    }
    answers["logout"] = post_json(client, "/auth/logout",
                                  {"refresh_token": answers["refresh"].json["refresh_token"]})

    # THEN every one succeeded and says no-store (no browser or service worker keeps it)
    assert {name: answer.status_code for name, answer in answers.items()} == {
        "submit": 201, "me": 200, "mine": 200, "mine one": 200, "tracking": 200,
        "cancel": 200, "code": 202, "refresh": 200, "logout": 204}
    assert {name: answer.headers.get("Cache-Control") for name, answer in answers.items()} == {
        name: "no-store" for name in answers}
