"""Tracking by id and phone, and agency decisions with optimistic locking."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest

from chalicelib.domain import tracking
from chalicelib.domain.bangla import dhaka_date, to_bangla_date
from chalicelib.domain.errors import ConcurrentUpdate
from chalicelib.domain.stats import parse_scope
from chalicelib.runtime import runtime
from chalicelib.store.applications import DynamoApplicationStore
from chalicelib.store.models import CounterModel
from tests.helpers import example, get_json, post_json, submission

GD = "online-gd-lost-item"


def submit(client, key: str = "t-00000001") -> str:
    body = submission(GD, example(GD, "valid-lost-nid"))
    return post_json(client, "/applications", body, **{"Idempotency-Key": key}).json["tracking_id"]


def forward(tracking_id: str) -> None:
    """What the worker does once the agency has the application."""
    from chalicelib.agencies.simulator import SimulatedAgency

    runtime().applications.dispatch(tracking_id, SimulatedAgency("police", latency_ms=0,
                                                                 failure_rate=0))


def decide(client, tracking_id: str, body: dict, **headers: str):
    return post_json(client, f"/applications/{tracking_id}/decisions", body, **headers)


def test_the_applicant_sees_status_and_history_in_bangla(client, citizen) -> None:
    tracking_id = submit(citizen)
    forward(tracking_id)
    shown = tracking.display(tracking_id, bangla=True)

    response = get_json(client, f"/applications/{shown}?phone=০১৭১২৩৪৫৬৭৮")

    assert response.status_code == 200
    answer = response.json
    assert answer["status"] == "in_review" and answer["status_bn"] == "প্রক্রিয়াধীন"
    assert [step["status"] for step in answer["history"]] == [
        "submitted", "queued", "forwarded", "in_review"]
    first = answer["history"][0]
    assert first["at"].endswith("+00:00")  # ISO beside the Bangla
    day = dhaka_date(datetime.fromisoformat(first["at"]))
    assert first["at_bangla_date_bn"] == to_bangla_date(day).format()
    assert all(not char.isascii() for char in first["at_time_bn"].replace(":", ""))
    assert answer["agency_name"]["bn"] == "বাংলাদেশ পুলিশ"
    assert answer["due_by"] is None  # the GD service publishes no time limit
    assert response.headers["Cache-Control"] == "no-store"
    assert "form" not in answer  # identifiers are not echoed back


def test_a_wrong_phone_reveals_nothing_more_than_an_unknown_id(client, citizen) -> None:
    tracking_id = submit(citizen)
    unknown = tracking.new_tracking_id(47, date(2026, 1, 1))

    wrong_phone = get_json(client, f"/applications/{tracking_id}?phone=01812345678")
    no_such_id = get_json(client, f"/applications/{unknown}?phone=01712345678")

    assert wrong_phone.status_code == no_such_id.status_code == 404
    assert wrong_phone.json == no_such_id.json


def test_a_mistyped_id_is_refused_before_any_lookup(client, monkeypatch, citizen) -> None:
    tracking_id = submit(citizen)
    typo = tracking_id[:5] + str((int(tracking_id[5]) + 1) % 10) + tracking_id[6:]
    lookups = []
    monkeypatch.setattr(DynamoApplicationStore, "get",
                        lambda self, key: lookups.append(key))

    response = get_json(client, f"/applications/{typo}?phone=01712345678")

    assert response.status_code == 422
    assert response.json["code"] == "tracking_id_invalid"
    assert response.json["fields"][0]["path"] == "tracking_id"
    assert lookups == []


def test_a_malformed_phone_is_named(client, citizen) -> None:
    tracking_id = submit(citizen)
    response = get_json(client, f"/applications/{tracking_id}?phone=12")
    assert response.status_code == 422
    assert [field["path"] for field in response.json["fields"]] == ["phone"]


@pytest.mark.parametrize(
    ("body", "status", "status_bn"),
    [
        ({"decision": "approve"}, "approved", "অনুমোদিত"),
        ({"decision": "reject", "reason": "ভুল তথ্য"}, "rejected", "নামঞ্জুর"),
        ({"decision": "needs_info", "reason": "হারানোর স্থানের বিস্তারিত দিন"}, "needs_info",
         "আরও তথ্য প্রয়োজন"),
    ],
)
def test_an_agency_decides_an_application_under_review(
    body, status, status_bn, citizen, police_officer,
) -> None:
    tracking_id = submit(citizen)
    forward(tracking_id)

    response = decide(police_officer, tracking_id, body)

    assert response.status_code == 200
    assert (response.json["status"], response.json["status_bn"]) == (status, status_bn)
    last = response.json["history"][-1]
    # THEN the history names the officer who decided, at the agency's desk
    assert (last["actor"], last["channel"], last["reason"]) == (
        "officer:u-test-police", "agency_desk", body.get("reason"))
    tracked = get_json(citizen, f"/applications/{tracking_id}?phone=01712345678")
    assert tracked.json["status"] == status


def test_a_rejection_must_say_why(citizen, police_officer) -> None:
    tracking_id = submit(citizen)
    forward(tracking_id)
    response = decide(police_officer, tracking_id, {"decision": "reject"})
    assert response.status_code == 422
    assert [(f["path"], f["code"]) for f in response.json["fields"]] == [("reason", "required")]


def test_deciding_what_is_not_under_review_is_a_conflict(citizen, police_officer) -> None:
    tracking_id = submit(citizen)  # not yet with the agency
    response = decide(police_officer, tracking_id, {"decision": "approve"})
    assert response.status_code == 409
    assert response.json["code"] == "transition_not_allowed"
    assert "জমা দেওয়া হয়েছে" in response.json["message_bn"]


def test_deciding_twice_is_a_conflict_and_the_first_decision_stands(
    client, citizen, police_officer,
) -> None:
    tracking_id = submit(citizen)
    forward(tracking_id)
    assert decide(police_officer, tracking_id, {"decision": "approve"}).status_code == 200

    second = decide(police_officer, tracking_id, {"decision": "reject", "reason": "দেরিতে"})

    assert second.status_code == 409
    tracked = get_json(client, f"/applications/{tracking_id}?phone=01712345678")
    assert tracked.json["status"] == "approved"


def test_a_decision_against_an_old_version_is_refused(client, citizen, police_officer) -> None:
    tracking_id = submit(citizen)
    forward(tracking_id)
    seen = get_json(client, f"/applications/{tracking_id}?phone=01712345678").json["version"]
    decide(police_officer, tracking_id, {"decision": "needs_info", "reason": "ছবি দিন"},
           **{"If-Match": str(seen)})

    stale = decide(police_officer, tracking_id, {"decision": "approve"}, **{"If-Match": str(seen)})

    assert (stale.status_code, stale.json["code"]) == (409, "concurrent_update")


def test_of_two_concurrent_decisions_exactly_one_wins(monkeypatch, citizen, police_officer) -> None:
    tracking_id = submit(citizen)
    forward(tracking_id)
    both_read = threading.Barrier(2, timeout=10)
    original_get = DynamoApplicationStore.get

    def get_then_wait(self, key):
        application = original_get(self, key)
        both_read.wait()  # both deciders hold the same version before either writes
        return application

    monkeypatch.setattr(DynamoApplicationStore, "get", get_then_wait)
    outcomes: list[str] = []

    def decide_directly(body: dict) -> None:
        try:
            runtime().applications.decide(tracking_id, body,
                                          principal=police_officer.principal)
            outcomes.append("won")
        except ConcurrentUpdate:
            outcomes.append("lost")

    threads = [threading.Thread(target=decide_directly, args=(body,)) for body in (
        {"decision": "approve"}, {"decision": "reject", "reason": "একই সময়ে"})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["lost", "won"]
    monkeypatch.setattr(DynamoApplicationStore, "get", original_get)
    final = runtime().applications.store.get(tracking_id)
    assert final is not None and final.status.value in ("approved", "rejected")
    assert [entry.status.value for entry in final.history].count(final.status.value) == 1


def test_counters_move_with_the_transitions(citizen, police_officer) -> None:
    tracking_id = submit(citizen)
    forward(tracking_id)
    decide(police_officer, tracking_id, {"decision": "approve"})
    application = runtime().applications.store.get(tracking_id)
    assert application is not None
    day = dhaka_date(application.history[0].at).isoformat()

    counts: dict[str, int] = {}
    # the district family's rows, summed over the shards
    for row in CounterModel.query(day, CounterModel.scope.startswith("area#")):
        status = parse_scope(row.scope, int(row.total)).dimensions["status"]
        counts[status] = counts.get(status, 0) + int(row.total)

    assert counts == {"submitted": 1, "queued": 1, "forwarded": 1, "in_review": 1, "approved": 1}
