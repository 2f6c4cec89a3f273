"""The agency desk: an officer's queue (oldest first, paginated, due-by and overdue), one
application with its form's Bangla labels, deciding, asking for information, delivering,
and two officers deciding at once."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.agencies.simulator import SimulatedAgency
from tests.helpers import example, get_json, post_json, submission

GD = "online-gd-lost-item"


@pytest.fixture
def in_review(client, citizen):
    """``in_review(n)``: n of the citizen's GDs, under review at the police, oldest first."""
    from chalicelib.runtime import runtime

    def make(count: int) -> list[str]:
        found = []
        for number in range(count):
            answer = post_json(citizen, "/applications",
                               submission(GD, example(GD, "valid-lost-nid")),
                               **{"Idempotency-Key": f"desk-{len(found)}-{number:04d}"})
            tracking_id = answer.json["tracking_id"]
            runtime().applications.dispatch(
                tracking_id, SimulatedAgency("police", latency_ms=0, failure_rate=0))
            found.append(tracking_id)
        return found

    return make


def queue(officer, status: str | None = None, cursor: str | None = None):
    params = "&".join(f"{k}={v}" for k, v in (("status", status), ("cursor", cursor)) if v)
    return get_json(officer, "/agencies/police/applications" + (f"?{params}" if params else ""))


def test_the_queue_is_the_agencys_oldest_first_with_due_by_and_overdue(
        police_officer, in_review) -> None:
    from chalicelib.store.models import ApplicationModel

    first, second = in_review(2)
    # GIVEN the older one's due date has passed
    ApplicationModel._get_connection().update_item(
        first, actions=[ApplicationModel.due_by.set(date(2026, 1, 4).isoformat())])

    answer = queue(police_officer)

    assert answer.status_code == 200
    rows = answer.json["applications"]
    assert [row["tracking_id"] for row in rows] == [first, second]
    assert [row["overdue"] for row in rows] == [True, False]
    assert rows[0]["due_by"]["date"] == "2026-01-04" and rows[0]["service_title"]["bn"]
    assert "form" not in rows[0] and "applicant" not in rows[0]


def test_the_queue_pages_with_a_cursor(police_officer, in_review, monkeypatch) -> None:
    from chalicelib.api import desk

    monkeypatch.setattr(desk, "PAGE_LIMIT", 2)
    made = in_review(3)
    first = queue(police_officer)
    assert len(first.json["applications"]) == 2 and first.json["cursor"]
    rest = queue(police_officer, cursor=first.json["cursor"])
    seen = [row["tracking_id"] for row in first.json["applications"] + rest.json["applications"]]
    assert seen == made
    assert rest.json["cursor"] is None


def test_an_unknown_status_is_named(police_officer) -> None:
    answer = queue(police_officer, status="lost")
    assert answer.status_code == 422
    assert [problem["path"] for problem in answer.json["fields"]] == ["status"]
    assert answer.json["fields"][0]["message_bn"]


def test_an_officer_opens_one_with_its_form_labelled_in_bangla(police_officer, in_review) -> None:
    (tracking_id,) = in_review(1)
    view = get_json(police_officer, f"/me/applications/{tracking_id}").json
    labels = {field["name"]: field["label_bn"] for field in view["form_fields"]}
    assert labels and all(labels.values())
    assert any(any("\u0980" <= ch <= "\u09ff" for ch in label) for label in labels.values())
    assert "consent" in view
    assert [step["status"] for step in view["history"]][-1] == "in_review"


def test_asking_for_information_names_what_is_missing_and_it_comes_back_resubmitted(
        police_officer, citizen, in_review) -> None:
    (tracking_id,) = in_review(1)
    asked = post_json(police_officer, f"/applications/{tracking_id}/decisions",
                      {"decision": "needs_info", "reason": "আরও তথ্য দিন",
                       "missing": ["details"]})
    assert asked.status_code == 200
    assert "details" in asked.json["history"][-1]["reason"]

    answered = post_json(citizen, f"/applications/{tracking_id}/responses",
                         {"form": {"details": "হারানো জাতীয় পরিচয়পত্র, নীল খামে"}})
    assert answered.status_code == 200
    rows = queue(police_officer, status="resubmitted").json["applications"]
    assert [row["tracking_id"] for row in rows] == [tracking_id]


def test_approve_then_deliver_and_not_twice(police_officer, in_review) -> None:
    (tracking_id,) = in_review(1)
    assert post_json(police_officer, f"/applications/{tracking_id}/decisions",
                     {"decision": "approve"}).status_code == 200
    delivered = post_json(police_officer, f"/applications/{tracking_id}/deliver", {})
    assert delivered.status_code == 200
    assert delivered.json["status"] == "delivered"
    again = post_json(police_officer, f"/applications/{tracking_id}/deliver", {})
    assert again.status_code == 409
    assert again.json["message_bn"] and again.json["message_en"]


def test_of_two_decisions_on_the_same_version_the_second_gets_a_clear_409(
        police_officer, as_role, in_review) -> None:
    (tracking_id,) = in_review(1)
    other = as_role("officer", agency_id="police", id="u-test-police-2", phone="+8801900000012")
    version = get_json(police_officer, f"/me/applications/{tracking_id}").json["version"]

    won = post_json(police_officer, f"/applications/{tracking_id}/decisions",
                    {"decision": "approve"}, **{"If-Match": f'"{version}"'})
    lost = post_json(other, f"/applications/{tracking_id}/decisions",
                     {"decision": "reject", "reason": "ছবি অস্পষ্ট"},
                     **{"If-Match": f'"{version}"'})

    assert won.status_code == 200
    assert lost.status_code == 409
    assert lost.json["code"] == "concurrent_update"
    assert lost.json["message_bn"] and lost.json["message_en"]
    statuses = [step["status"] for step in get_json(
        police_officer, f"/me/applications/{tracking_id}").json["history"]]
    assert statuses.count("approved") == 1 and "rejected" not in statuses
