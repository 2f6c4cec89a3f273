"""Agencies' signed callbacks: acted on once per webhook-id; forged, stale, replayed,
foreign and out-of-order callbacks refused with no change to the history."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from chalicelib.agencies import webhooks
from chalicelib.agencies.adapter import AgencyReceipt
from tests.helpers import example, get_json, post_json, submission

GD = "online-gd-lost-item"
SECRET = "whsec_" + "c2VjcmV0LW9mLXRoZS1wb2xpY2UtZm9yLXRlc3Rz"
LAND_SECRET = "whsec_" + "c2VjcmV0LW9mLXRoZS1sYW5kLW9mZmljZS10ZXN0"


@pytest.fixture
def agencies_file(tmp_path, monkeypatch) -> None:
    """The police and land offices have APIs, with their own secrets (the local file)."""
    from chalicelib.settings import reset_settings

    path = tmp_path / "agencies.json"
    path.write_text(json.dumps({
        "police": {"adapter": "rest", "url": "http://127.0.0.1:9/", "secret": SECRET},
        "land": {"adapter": "rest", "url": "http://127.0.0.1:9/", "secret": LAND_SECRET},
    }))
    monkeypatch.setenv("NAGORIK_AGENCIES_FILE", str(path))
    reset_settings()


class Accepting:
    def forward(self, application):
        return AgencyReceipt(reference=f"GD-{application.tracking_id[-4:]}", under_review=False)


@pytest.fixture
def forwarded(client, citizen, agencies_file) -> str:
    """The citizen's GD, forwarded to the police (not yet under review)."""
    from chalicelib.runtime import runtime

    answer = post_json(citizen, "/applications", submission(GD, example(GD, "valid-lost-nid")),
                       **{"Idempotency-Key": "callback-0001"})
    tracking_id = answer.json["tracking_id"]
    runtime().applications.dispatch(tracking_id, Accepting())
    return str(tracking_id)


def send(client, body: Any, *, agency: str = "police", secret: str = SECRET,
         webhook_id: str = "evt-1", at: int | None = None, raw: bytes | None = None) -> Any:
    payload = raw if raw is not None else json.dumps(body).encode()
    headers = webhooks.headers(secret, webhook_id, int(time.time()) if at is None else at,
                               payload)
    return client.http.post(f"/agencies/{agency}/callbacks", body=payload,
                            headers={"Content-Type": "application/json", **headers})


def history(client, tracking_id: str) -> list[str]:
    found = get_json(client, f"/applications/{tracking_id}?phone=01712345678").json
    return [step["status"] for step in found["history"]]


def test_a_signed_callback_moves_the_application_on(client, forwarded) -> None:
    answer = send(client, {"tracking_id": forwarded, "event": "in_review"})
    assert answer.status_code == 200
    assert json.loads(answer.body) == {"tracking_id": forwarded, "status": "in_review"}

    decided = send(client, {"tracking_id": forwarded, "event": "decision",
                            "decision": "needs_info", "missing": ["photo"]},
                   webhook_id="evt-2")
    assert decided.status_code == 200
    assert history(client, forwarded)[-2:] == ["in_review", "needs_info"]


def test_a_replayed_webhook_id_gets_the_earlier_answer_and_moves_nothing(
        client, forwarded) -> None:
    first = send(client, {"tracking_id": forwarded, "event": "in_review"})
    before = history(client, forwarded)

    again = send(client, {"tracking_id": forwarded, "event": "in_review"})

    assert again.status_code == 200
    assert json.loads(again.body) == json.loads(first.body)
    assert history(client, forwarded) == before


@pytest.mark.parametrize("forgery", ["wrong secret", "other agency's secret", "stale",
                                     "future", "altered body", "unsigned", "unknown agency"])
def test_forged_and_stale_callbacks_are_refused_with_no_change(
        client, forwarded, forgery: str) -> None:
    body = {"tracking_id": forwarded, "event": "in_review"}
    before = history(client, forwarded)
    if forgery == "wrong secret":
        answer = send(client, body, secret="whsec_" + "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==")
    elif forgery == "other agency's secret":
        answer = send(client, body, secret=LAND_SECRET)
    elif forgery == "stale":
        answer = send(client, body, at=int(time.time()) - 6 * 60)
    elif forgery == "future":
        answer = send(client, body, at=int(time.time()) + 6 * 60)
    elif forgery == "altered body":
        payload = json.dumps(body).encode()
        headers = webhooks.headers(SECRET, "evt-9", int(time.time()), payload)
        answer = client.http.post("/agencies/police/callbacks",
                                  body=payload.replace(b"in_review", b"delivered"),
                                  headers={"Content-Type": "application/json", **headers})
    elif forgery == "unsigned":
        answer = client.http.post("/agencies/police/callbacks", body=json.dumps(body),
                                  headers={"Content-Type": "application/json"})
    else:
        answer = send(client, body, agency="no-such-agency")
    assert answer.status_code == 401
    refusal = json.loads(answer.body)
    assert refusal["code"] == "callback_unauthorized"
    assert refusal["message_bn"] and refusal["message_en"]
    assert history(client, forwarded) == before


def test_a_callback_about_another_agencys_application_is_404(client, forwarded) -> None:
    answer = send(client, {"tracking_id": forwarded, "event": "in_review"}, agency="land",
                  secret=LAND_SECRET)
    assert answer.status_code == 404
    assert history(client, forwarded)[-1] == "forwarded"


def test_an_illegal_move_is_409_and_leaves_the_history_alone(client, forwarded) -> None:
    before = history(client, forwarded)
    answer = send(client, {"tracking_id": forwarded, "event": "delivered"})
    assert answer.status_code == 409
    assert history(client, forwarded) == before
    # AND a refused callback is not remembered: once legal, the same id is acted on
    send(client, {"tracking_id": forwarded, "event": "in_review"}, webhook_id="evt-a")
    send(client, {"tracking_id": forwarded, "event": "decision", "decision": "approve"},
         webhook_id="evt-b")
    assert send(client, {"tracking_id": forwarded, "event": "delivered"}).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"event": "in_review"}, "tracking_id"),
    ({"tracking_id": "x", "event": "archived"}, "event"),
    ({"tracking_id": "x", "event": "decision"}, "decision"),
    ({"tracking_id": "x", "event": "decision", "decision": "reject"}, "reason"),
])
def test_a_bad_body_names_the_field(client, forwarded, body: dict, field: str) -> None:
    answer = send(client, body)
    assert answer.status_code == 422
    problems = json.loads(answer.body)["fields"]
    assert field in {problem["path"] for problem in problems}
    assert all(problem["message_bn"] for problem in problems)


def test_a_body_that_is_not_json_is_400(client, forwarded) -> None:
    assert send(client, None, raw=b"{not json").status_code == 400
