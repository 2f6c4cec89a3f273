"""Submitting an application: stored once, queued to its agency, answered with a tracking id."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain import tracking
from chalicelib.settings import get_settings
from chalicelib.store.models import ApplicationModel
from tests.functional.conftest import pending_outbox
from tests.functional.conftest import queued_messages as waiting
from tests.helpers import example, post_json, submission

GD = "online-gd-lost-item"


def gd_body(**changes) -> dict:
    return {**submission(GD, example(GD, "valid-lost-nid")), **changes}


def queued_messages(agency_id: str) -> list[dict]:
    return waiting(get_settings().queue_name(agency_id))


def applications_of(phone: str) -> list[ApplicationModel]:
    return list(ApplicationModel.by_applicant.query(phone))


def test_submit_stores_queues_and_answers_with_a_tracking_id(outbox, citizen) -> None:
    response = post_json(citizen, "/applications", gd_body(), **{"Idempotency-Key": "k-00000001"})

    assert response.status_code == 201
    answer = response.json
    assert tracking.parse(answer["tracking_id"]) == answer["tracking_id"]
    assert answer["tracking_id"].startswith("47")  # Dhaka district, from the form's address
    assert answer["tracking_id_bn"] == tracking.display(answer["tracking_id"], bangla=True)
    assert answer["status"] == "submitted" and answer["status_bn"] == "জমা দেওয়া হয়েছে"
    assert [step["status"] for step in answer["history"]] == ["submitted"]
    assert answer["due_by"] is None  # set when the office receives it
    assert response.headers["Location"] == f"/me/applications/{answer['tracking_id']}"
    # Nothing was sent on the request path; the outbox's stream sends it to the agency
    assert queued_messages("police") == []
    outbox()
    assert queued_messages("police") == [{"tracking_id": answer["tracking_id"], "step": "forward"}]
    stored = applications_of("+8801712345678")
    assert [item.tracking_id for item in stored] == [answer["tracking_id"]]
    assert stored[0].form["nid"] == "19901234567890123"  # Bangla digits normalised


def test_the_same_key_again_returns_the_same_answer_and_creates_nothing(outbox, citizen) -> None:
    key = {"Idempotency-Key": "k-00000002"}
    first = post_json(citizen, "/applications", gd_body(), **key)
    again = post_json(citizen, "/applications", gd_body(), **key)
    outbox()

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert len(applications_of("+8801712345678")) == 1
    assert len(queued_messages("police")) == 1


def test_a_different_body_under_a_used_key_is_refused(citizen) -> None:
    key = {"Idempotency-Key": "k-00000003"}
    post_json(citizen, "/applications", gd_body(), **key)
    other = gd_body(applicant={"name": "অন্য কেউ", "phone": "01812345678"})

    response = post_json(citizen, "/applications", other, **key)

    assert response.status_code == 409
    assert response.json["code"] == "idempotency_key_reused"
    assert applications_of("+8801812345678") == []


def test_a_refused_submission_can_be_corrected_and_sent_with_the_same_key(citizen) -> None:
    key = {"Idempotency-Key": "k-00000004"}
    broken = gd_body(form={**example(GD, "valid-lost-nid"), "nid": "12"})
    assert post_json(citizen, "/applications", broken, **key).status_code == 422

    fixed = post_json(citizen, "/applications", gd_body(), **key)

    assert fixed.status_code == 201


def test_every_invalid_field_is_named_in_both_languages(citizen) -> None:
    form = {**example(GD, "valid-lost-nid"), "nid": "12", "lost_on": "2999-01-01", "extra": 1}
    del form["item_kind"]
    body = gd_body(form=form, applicant={"name": "র", "phone": "12345"})

    response = post_json(citizen, "/applications", body, **{"Idempotency-Key": "k-00000005"})

    assert response.status_code == 422
    problems = {(field["path"], field["code"]) for field in response.json["fields"]}
    assert problems == {
        ("applicant.phone", "mobile"), ("applicant.name", "too_short"),
        ("form.nid", "nid"), ("form.lost_on", "future_date"), ("form.item_kind", "required"),
        ("form.extra", "unknown_field"),
    }
    assert all(field["message_bn"] and field["message_en"] for field in response.json["fields"])
    assert applications_of("+8801712345678") == []


def test_form_problems_are_all_listed_once_the_envelope_is_right(citizen) -> None:
    form = {**example(GD, "valid-lost-nid"), "nid": "12", "lost_on": "2999-01-01", "extra": 1}
    del form["item_kind"]

    response = post_json(citizen, "/applications", gd_body(form=form),
                         **{"Idempotency-Key": "k-00000006"})

    problems = {(field["path"], field["code"]) for field in response.json["fields"]}
    assert problems == {("form.nid", "nid"), ("form.lost_on", "future_date"),
                        ("form.item_kind", "required"), ("form.extra", "unknown_field")}


@pytest.mark.parametrize(
    ("headers", "raw", "status", "code"),
    [
        ({"Content-Type": "application/json"}, "{}", 400, "idempotency_key_missing"),
        ({"Content-Type": "application/json", "Idempotency-Key": "short"}, "{}", 400,
         "idempotency_key_invalid"),
        ({"Content-Type": "application/json", "Idempotency-Key": "k-00000007"}, "{not json",
         400, "malformed_json"),
        ({"Content-Type": "application/json", "Idempotency-Key": "k-00000007"}, "[1, 2]",
         400, "body_not_object"),
        ({"Content-Type": "text/plain", "Idempotency-Key": "k-00000007"}, "hello", 415,
         "unsupported_media_type"),
        ({"Content-Type": "application/json", "Idempotency-Key": "k-00000007"},
         json.dumps({"padding": "x" * 300_000}), 413, "payload_too_large"),
    ],
)
def test_unreadable_requests_get_a_clear_4xx(citizen, headers, raw, status, code) -> None:
    response = citizen.http.post("/applications", headers=headers, body=raw)
    body = json.loads(response.body)
    assert response.status_code == status
    assert body["code"] == code and body["message_bn"] and body["message_en"]


def test_unknown_service_is_404_and_unknown_envelope_fields_422(citizen) -> None:
    unknown = post_json(citizen, "/applications", gd_body(service_id="no-such-service"),
                        **{"Idempotency-Key": "k-00000008"})
    extra = post_json(citizen, "/applications", gd_body(channel="sms"),
                      **{"Idempotency-Key": "k-00000009"})

    assert (unknown.status_code, unknown.json["code"]) == (404, "service_not_found")
    assert extra.status_code == 422
    assert [(f["path"], f["code"]) for f in extra.json["fields"]] == [("channel", "unknown_field")]


def test_an_outdated_form_version_is_told_to_reload(citizen) -> None:
    response = post_json(citizen, "/applications", gd_body(service_version=99),
                         **{"Idempotency-Key": "k-00000010"})
    assert (response.status_code, response.json["code"]) == (409, "service_version_outdated")


def test_a_submission_while_the_queue_is_down_is_kept_and_sent_later(
    client, outbox, monkeypatch
, citizen) -> None:
    from datetime import timedelta

    from chalicelib.domain.errors import ServiceUnavailable
    from chalicelib.messaging import SqsQueues
    from chalicelib.runtime import runtime

    def down(self, message):
        raise ServiceUnavailable("service_unavailable")

    # GIVEN SQS is down while the stream forwards a new application
    with monkeypatch.context() as patch:
        patch.setattr(SqsQueues, "send", down)
        response = post_json(citizen, "/applications", gd_body(),
                             **{"Idempotency-Key": "k-00000011"})
        outbox()

    # THEN the citizen got their answer and the outbox record waits, pending
    assert response.status_code == 201 and response.json["status"] == "submitted"
    assert queued_messages("police") == []
    assert [record.tracking_id for record in pending_outbox()] == [response.json["tracking_id"]]

    # WHEN the sweeper runs once the queue is back, it sends it (once)
    swept = runtime().outbox.sweep(older_than=timedelta(0))
    again = runtime().outbox.sweep(older_than=timedelta(0))
    assert (swept.forwarded, again.seen) == (1, 0)
    assert queued_messages("police") == [
        {"tracking_id": response.json["tracking_id"], "step": "forward"}]


def test_a_replay_is_answered_even_after_the_form_changed(monkeypatch, citizen) -> None:
    key = {"Idempotency-Key": "k-00000012"}
    first = post_json(citizen, "/applications", gd_body(), **key)
    from chalicelib.domain.catalog import Service

    monkeypatch.setattr(Service, "version", property(lambda self: 2))  # the form moved on

    again = post_json(citizen, "/applications", gd_body(), **key)
    fresh = post_json(citizen, "/applications", gd_body(), **{"Idempotency-Key": "k-00000013"})

    assert (again.status_code, again.json) == (200, first.json)
    assert (fresh.status_code, fresh.json["code"]) == (409, "service_version_outdated")


def test_the_claim_and_the_application_are_written_together(monkeypatch, citizen) -> None:
    from chalicelib.store.models import IdempotencyModel

    response = post_json(citizen, "/applications", gd_body(), **{"Idempotency-Key": "k-00000014"})

    # THEN the claim keeps the facts (which application, for which body), scoped to the
    # caller, not an answer rendered for one audience
    claim = IdempotencyModel.get(f"{citizen.principal.id}#k-00000014")
    assert claim.tracking_id == response.json["tracking_id"]
    assert not hasattr(claim, "answer")
