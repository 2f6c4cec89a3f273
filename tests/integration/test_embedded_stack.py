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

from tests.helpers import example, submission
from tests.stack import running_stack

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


def test_applications_reach_review_and_survive_a_restart(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        ids = []
        for number, service_id in enumerate(SERVICES):
            body = submission(service_id, example(service_id, VALID[service_id]))
            status, answer = call(f"{stack.api}/applications", body,
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
        replay_status, _ = call(
            f"{stack.api}/applications",
            submission(SERVICES[0], example(SERVICES[0], VALID[SERVICES[0]])),
            **{"Idempotency-Key": "integration-0000"})
        assert replay_status == 200  # idempotency records survived the restart too


def test_ctrl_c_saves_and_the_web_server_proxies_the_api(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        status, catalog = call(f"{stack.web}/api/services?q={quote('জন্ম')}")
        assert status == 200
        assert any(entry["id"] == "birth-registration-new" for entry in catalog["services"])
        with urllib.request.urlopen(f"{stack.web}/", timeout=10) as page:
            assert "নাগরিক সেবা" in page.read().decode()
        body = submission(SERVICES[0], example(SERVICES[0], VALID[SERVICES[0]]))
        status, answer = call(f"{stack.web}/api/applications", body,
                              **{"Idempotency-Key": "integration-ctrl-c"})
        assert status == 201
        stack.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert stack.process.wait(timeout=60) == 0
        assert (tmp_path / "state.json").exists()

    with running_stack(tmp_path) as stack:
        status, found = call(f"{stack.api}/applications/{answer['tracking_id']}?phone=01712345678")
        assert status == 200 and found["tracking_id"] == answer["tracking_id"]
