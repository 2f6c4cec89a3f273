"""The application as its applicant reads it once an office has decided: no deadline after
a decision, and, once approved, what to collect and where."""

from __future__ import annotations

import pytest

from chalicelib.domain.lifecycle import STATUS_LABELS, Status
from chalicelib.runtime import runtime
from tests.helpers import example, get_json, post_json, submission

BIRTH = "birth-registration-new"  # 7 working days: its applications get a due date


@pytest.fixture
def registrar(as_role):
    """An officer of the birth and death registration office."""
    return as_role("officer", agency_id="birth-death-registration", id="u-test-registrar",
                   phone="+8801900000011")


def submitted_and_forwarded(citizen, key: str) -> str:
    from chalicelib.agencies.simulator import SimulatedAgency

    body = submission(BIRTH, example(BIRTH, "valid-newborn"))
    tracking_id = post_json(citizen, "/applications", body,
                            **{"Idempotency-Key": key}).json["tracking_id"]
    runtime().applications.dispatch(
        tracking_id, SimulatedAgency("birth-death-registration", latency_ms=0, failure_rate=0))
    return tracking_id


def track(client, tracking_id: str) -> dict:
    return get_json(client, f"/applications/{tracking_id}?phone=01712345678").json


def test_an_application_under_review_has_a_due_date_and_nothing_to_collect(client, citizen
                                                                        ) -> None:
    tracking_id = submitted_and_forwarded(citizen, "view-00000001")

    shown = track(client, tracking_id)

    assert shown["status"] == "in_review"
    assert shown["due_by"]["date"] and shown["due_by"]["date_bn"]
    assert shown["sla_working_days"] == 7
    assert shown["collect"] is None


def test_a_rejected_application_shows_no_due_date(client, citizen, registrar) -> None:
    tracking_id = submitted_and_forwarded(citizen, "view-00000002")

    decided = post_json(registrar, f"/applications/{tracking_id}/decisions",
                        {"decision": "reject", "reason": "কাগজপত্র অস্পষ্ট"})
    shown = track(client, tracking_id)

    assert decided.status_code == 200
    assert decided.json["due_by"] is None and shown["due_by"] is None
    assert shown["sla_working_days"] is None  # nor "usually N working days"
    assert shown["collect"] is None


def test_an_approved_application_says_what_to_collect_and_where(client, citizen, registrar
                                                                ) -> None:
    tracking_id = submitted_and_forwarded(citizen, "view-00000003")

    post_json(registrar, f"/applications/{tracking_id}/decisions", {"decision": "approve"})
    shown = track(client, tracking_id)

    assert shown["status_bn"] == "অনুমোদিত"
    assert shown["due_by"] is None
    assert shown["collect"]["name"] == {"bn": "জন্ম নিবন্ধন সনদ",
                                        "en": "Birth registration certificate"}
    assert "নিবন্ধকের কার্যালয়" in shown["collect"]["where"]["bn"]
    assert "registrar's office" in shown["collect"]["where"]["en"]


def test_queued_at_the_agency_is_not_named_like_the_phone_s_unsent_list() -> None:
    # the web app's menu calls applications not yet sent from the phone "পাঠানো বাকি আবেদন"
    queued = STATUS_LABELS[Status.QUEUED]
    assert "অপেক্ষমাণ" not in queued.bn and "বাকি" not in queued.bn
    assert "wait" not in queued.en.lower()
    assert len({label.bn for label in STATUS_LABELS.values()}) == len(STATUS_LABELS)
