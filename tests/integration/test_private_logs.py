"""What the platform logs holds nothing personal: a whole journey on the embedded stack
(sign-in by SMS code, submit, the agency's worker, an officer's decision, the SMS worker,
tracking, a refresh), at DEBUG, and then its every log line is searched for the phone,
the NID and the birth registration number (in both scripts), the sign-in code, the
applicant's name and every token handed out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chalicelib.domain.bangla import to_bangla_digits
from devtools.launch import post, sign_in_citizen
from tests.helpers import example, submission
from tests.integration.test_embedded_stack import call, wait_for_status
from tests.stack import running_stack

PHONE_LOCAL = "01712345678"
SERVICE, FORM = "online-gd-lost-item", "valid-lost-nid"


def secrets_of(form: dict[str, Any], name: str) -> set[str]:
    """Every spelling of the journey's personal data that must never be logged."""
    found = {PHONE_LOCAL, "+88" + PHONE_LOCAL, "88" + PHONE_LOCAL, PHONE_LOCAL[1:], name}
    for value in (form["nid"], form["document_number"]):
        found |= {value, to_bangla_digits(value)}
    found |= {to_bangla_digits(phone) for phone in list(found) if phone[-1].isdigit()}
    return found


def test_a_whole_journey_logs_no_phone_id_number_name_code_or_token(tmp_path: Path) -> None:
    with running_stack(tmp_path, LOG_LEVEL="DEBUG") as stack:
        tokens = sign_in_citizen(stack.api, stack.web, PHONE_LOCAL)
        code_messages = [m["text"] for m in call(f"{stack.web}/dev/sms?phone={PHONE_LOCAL}")[1][
            "messages"]]
        codes = set(re.findall(r"কোড ([০-৯]{6})", " ".join(code_messages)))
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        body = submission(SERVICE, example(SERVICE, FORM))
        status, answer = call(f"{stack.api}/applications", body, **bearer,
                              **{"Idempotency-Key": "private-logs-0001"})
        assert status == 201, answer
        tracking_id = answer["tracking_id"]
        wait_for_status(stack.api, tracking_id, "in_review")
        officer = _officer(tmp_path)
        status, staff = post(f"{stack.api}/auth/login", officer)
        assert status == 200, staff
        status, decided = post(f"{stack.api}/applications/{tracking_id}/decisions",
                               {"decision": "reject", "reason": "কাগজ অস্পষ্ট"},
                               Authorization=f"Bearer {staff['access_token']}")
        assert status == 200, decided
        status, renewed = call(f"{stack.api}/auth/refresh",
                               {"refresh_token": tokens["refresh_token"]})
        assert status == 200
        _wait_for_sms(stack.web, count=3)  # the code, submitted, rejected
        output = "".join(stack.output)

    assert tracking_id in output  # the logs do speak of the application, by its number
    leaked = {value for value in secrets_of(body["form"], body["applicant"]["name"])
              | codes | {tokens["access_token"], tokens["refresh_token"],
                         renewed["access_token"], renewed["refresh_token"],
                         staff["access_token"], staff["refresh_token"], officer["password"]}
              if value in output}
    assert not leaked, f"{len(leaked)} personal values in the logs"
    assert not re.search(r"eyJ[\w-]{10,}\.[\w-]{10,}\.", output)  # no token of anyone's


def _officer(data_dir: Path) -> dict[str, str]:
    import json

    accounts = json.loads((data_dir / "demo-accounts.json").read_text(encoding="utf-8"))
    police = next(entry for entry in accounts if entry.get("agency_id") == "police")
    return {"phone": police["phone"], "password": police["password"]}


def _wait_for_sms(web: str, *, count: int, seconds: float = 30) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(call(f"{web}/dev/sms?phone={PHONE_LOCAL}")[1]["messages"]) >= count:
            return
        time.sleep(0.2)
    raise AssertionError("the SMS worker did not send the application's messages")
