"""The embedded stack over real HTTP: submit, let the workers run, restart, find it all again."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from devtools.launch import sign_in_citizen
from tests.helpers import example, submission
from tests.stack import running_stack

PHONE = "+8801712345678"  # the examples' applicant

SERVICES = ("online-gd-lost-item", "birth-registration-new", "trade-licence-new")
VALID = {"online-gd-lost-item": "valid-lost-nid", "birth-registration-new": "valid-newborn",
         "trade-licence-new": "valid-proprietor-shop"}


def call(url: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_for_status(api: str, tracking_id: str, wanted: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        status, answer = call(f"{api}/applications/{tracking_id}?phone=01712345678")
        if status == 200 and answer["status"] == wanted:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"{tracking_id} stuck at {answer}")
        time.sleep(0.3)


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_applications_reach_review_and_survive_a_restart(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        signed_in = sign_in_citizen(stack.api, stack.web, PHONE)
        ids = []
        for number, service_id in enumerate(SERVICES):
            body = submission(service_id, example(service_id, VALID[service_id]))
            status, answer = call(f"{stack.api}/applications", body, **bearer(signed_in),
                                  **{"Idempotency-Key": f"integration-{number:04d}"})
            assert status == 201, answer
            ids.append(answer["tracking_id"])
        reviewed = [wait_for_status(stack.api, tracking_id, "in_review") for tracking_id in ids]
        assert all(answer["agency_ref"] for answer in reviewed)

    with running_stack(tmp_path) as stack:
        for tracking_id in ids:
            status, answer = call(f"{stack.api}/applications/{tracking_id}?phone=01712345678")
            assert status == 200
            assert [step["status"] for step in answer["history"]] == [
                "submitted", "queued", "forwarded", "in_review"]
        # the sign-in survived the restart: its refresh token still works (once)
        status, renewed = call(f"{stack.api}/auth/refresh",
                               {"refresh_token": signed_in["refresh_token"]})
        assert status == 200, renewed
        replay_status, _ = call(
            f"{stack.api}/applications",
            submission(SERVICES[0], example(SERVICES[0], VALID[SERVICES[0]])),
            **bearer(renewed), **{"Idempotency-Key": "integration-0000"})
        assert replay_status == 200  # idempotency records survived the restart too
        status, mine = call(f"{stack.api}/me/applications", **bearer(renewed))
        assert status == 200
        assert {entry["tracking_id"] for entry in mine["applications"]} == set(ids)


def test_ctrl_c_saves_and_the_web_server_proxies_the_api(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        status, catalog = call(f"{stack.web}/api/services?q={quote('জন্ম')}")
        assert status == 200
        assert any(entry["id"] == "birth-registration-new" for entry in catalog["services"])
        with urllib.request.urlopen(f"{stack.web}/", timeout=10) as page:
            assert "নাগরিক সেবা" in page.read().decode()
        body = submission(SERVICES[0], example(SERVICES[0], VALID[SERVICES[0]]))
        signed_in = sign_in_citizen(f"{stack.web}/api", stack.web, PHONE)
        status, answer = call(f"{stack.web}/api/applications", body, **bearer(signed_in),
                              **{"Idempotency-Key": "integration-ctrl-c"})
        assert status == 201
        stack.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert stack.process.wait(timeout=60) == 0
        assert (tmp_path / "state.json").exists()

    with running_stack(tmp_path) as stack:
        status, found = call(f"{stack.api}/applications/{answer['tracking_id']}?phone=01712345678")
        assert status == 200 and found["tracking_id"] == answer["tracking_id"]


def test_forged_tokens_get_401_in_both_languages_over_http(tmp_path: Path) -> None:
    import base64

    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    with running_stack(tmp_path) as stack:
        real = sign_in_citizen(stack.api, stack.web, PHONE)["access_token"]
        header, payload, signature = real.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        kid = json.loads(base64.urlsafe_b64decode(header + "==")).get("kid")
        other_key = ec.generate_private_key(ec.SECP256R1())
        forged = {
            "alg none": part({"alg": "none", "typ": "JWT"}) + "." + payload + ".",
            "another key": jwt.encode(claims, other_key, algorithm="ES256",
                                      headers={"kid": kid} if kid else None),
            "promoted": header + "." + part({**claims, "role": "ops"}) + "." + signature,
            "hs256": jwt.encode(claims, "a-shared-secret-that-no-one-was-given",
                                algorithm="HS256"),
        }
        for what, token in forged.items():
            status, answer = call(f"{stack.api}/me", Authorization=f"Bearer {token}")
            assert status == 401, what
            assert answer["code"] == "sign_in_required", what
            assert answer["message_bn"] and answer["message_en"], what
        status, me = call(f"{stack.api}/me", Authorization=f"Bearer {real}")
        assert status == 200 and me["role"] == "citizen"
