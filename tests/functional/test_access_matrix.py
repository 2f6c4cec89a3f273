"""Who may call what: every route, for every kind of caller, answers as the rules say.

A foreign application answers exactly like an unknown one (404, the same body); a role
that may not do a thing at all gets 403; no token gets 401. Later capabilities add
their routes' rows here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from chalicelib.domain.tracking import new_tracking_id
from tests.grants import dynamodb_actions, refused
from tests.helpers import example, get_json, post_json, submission

GD = "online-gd-lost-item"
# a well-formed id (right check digit) that nobody has
UNKNOWN = new_tracking_id(47, date(2026, 1, 20), randbelow=lambda _: 3)


@pytest.fixture
def callers(client, as_role) -> dict[str, Any]:
    """One signed-in client per kind of caller, and one with no token."""
    return {
        "anonymous": client,
        "owner": as_role("citizen"),
        "other citizen": as_role("citizen", phone="+8801812345678"),
        "entrepreneur": as_role("entrepreneur", centre_id="centre-1", phone="+8801900000030"),
        "officer": as_role("officer", agency_id="police", phone="+8801900000010"),
        "other officer": as_role("officer", agency_id="land", phone="+8801900000011",
                                 id="u-test-land"),
        "ops": as_role("ops", phone="+8801900000001"),
    }


@pytest.fixture
def under_review(callers) -> str:
    """The owner's GD, in review at the police."""
    from chalicelib.agencies.simulator import SimulatedAgency
    from chalicelib.runtime import runtime

    answer = post_json(callers["owner"], "/applications",
                       submission(GD, example(GD, "valid-lost-nid")),
                       **{"Idempotency-Key": "matrix-0001"})
    assert answer.status_code == 201
    tracking_id = answer.json["tracking_id"]
    runtime().applications.dispatch(tracking_id, SimulatedAgency("police", latency_ms=0,
                                                                 failure_rate=0))
    return str(tracking_id)


def call(client: Any, method: str, path: str) -> Any:
    bodies = {"decisions": {"decision": "needs_info", "reason": "ছবি দিন"},
              "consents": {"phone": "01812345678"},
              "responses": {"form": {"details": "আরও বিস্তারিত"}}}
    if method == "GET":
        return get_json(client, path)
    body = next((value for key, value in bodies.items() if path.endswith(key)), {})
    if path == "/applications":
        body = submission(GD, example(GD, "valid-lost-nid"))
    return post_json(client, path, body, **{"Idempotency-Key": "matrix-0002"})


# (method, path, {caller: expected status}); "{id}" is the owner's application
MATRIX = [
    ("GET", "/me", {"anonymous": 401, "owner": 200, "entrepreneur": 200, "officer": 200,
                    "ops": 200}),
    # an entrepreneur may submit, with consent and payment (the matrix's body has neither)
    ("POST", "/applications", {"anonymous": 401, "owner": 201, "entrepreneur": 422,
                               "officer": 403, "ops": 403}),
    ("POST", "/consents", {"anonymous": 401, "owner": 403, "entrepreneur": 202,
                           "officer": 403, "ops": 403}),
    ("GET", "/me/applications", {"anonymous": 401, "owner": 200, "other citizen": 200,
                                 "entrepreneur": 403, "officer": 403, "ops": 403}),
    ("GET", "/me/applications/{id}", {"anonymous": 401, "owner": 200, "other citizen": 404,
                                      "entrepreneur": 404, "officer": 200,
                                      "other officer": 404, "ops": 404}),
    ("POST", "/applications/{id}/cancel", {"anonymous": 401, "other citizen": 404,
                                           "entrepreneur": 403, "officer": 403, "ops": 403,
                                           "owner": 409}),
    ("POST", "/applications/{id}/responses", {"anonymous": 401, "other citizen": 404,
                                              "officer": 403, "ops": 403, "owner": 409}),
    ("POST", "/applications/{id}/decisions", {"anonymous": 401, "owner": 403, "ops": 403,
                                              "entrepreneur": 403, "other officer": 404,
                                              "officer": 200}),
    ("GET", "/agencies/police/applications", {"anonymous": 401, "owner": 403,
                                              "entrepreneur": 403, "ops": 403,
                                              "other officer": 404, "officer": 200}),
    ("POST", "/applications/{id}/deliver", {"anonymous": 401, "owner": 403, "ops": 403,
                                            "entrepreneur": 403, "other officer": 404,
                                            "officer": 409}),
    # "centre-1" is the entrepreneur's centre, not in the registry: ops get its 404
    ("GET", "/centres/centre-1/ledger", {"anonymous": 401, "owner": 403, "entrepreneur": 200,
                                         "officer": 403, "ops": 404}),
    ("GET", "/centres/centre-2/ledger", {"entrepreneur": 404}),
    ("GET", "/applications/{id}/receipt", {"anonymous": 401, "owner": 200,
                                           "other citizen": 404, "entrepreneur": 404,
                                           "officer": 403, "ops": 200}),
    ("GET", "/ops/stats", {"anonymous": 401, "owner": 403, "entrepreneur": 403,
                           "officer": 403, "ops": 200}),
    ("GET", "/applications/{id}?phone=01712345678", {"anonymous": 200}),
    ("GET", "/applications/{id}?phone=01812345678", {"anonymous": 404}),
]


@pytest.mark.parametrize(("method", "path", "expected"), MATRIX,
                         ids=[f"{method} {path}" for method, path, _ in MATRIX])
def test_every_caller_gets_what_the_rules_say(
    callers: dict[str, Any], under_review: str, method: str, path: str,
    expected: dict[str, int],
) -> None:
    for caller, status in expected.items():
        with dynamodb_actions() as asked:
            response = call(callers[caller], method, path.replace("{id}", under_review))
        assert response.status_code == status, (caller, response.json)
        if status >= 400:
            assert response.json["message_bn"] and response.json["message_en"], caller
        # AND every DynamoDB call it made is one the API's role allows (moto allows all)
        assert refused("api_handler", asked) == set(), caller


@pytest.mark.parametrize("caller", ["other citizen", "other officer", "entrepreneur", "ops"])
def test_a_foreign_application_answers_exactly_like_an_unknown_one(
    callers: dict[str, Any], under_review: str, caller: str,
) -> None:
    foreign = get_json(callers[caller], f"/me/applications/{under_review}")
    unknown = get_json(callers[caller], f"/me/applications/{UNKNOWN}")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json == unknown.json


def test_another_centres_application_answers_like_an_unknown_one(as_role) -> None:
    # GIVEN an application made at centre A
    centre_a = as_role("entrepreneur", centre_id="centre-a", phone="+8801900000030",
                       id="u-test-a")
    centre_b = as_role("entrepreneur", centre_id="centre-b", phone="+8801900000031",
                       id="u-test-b")
    body = {**submission(GD, example(GD, "valid-lost-nid"), phone="01812345678"),
            "consent": {"method": "recorded", "reason": "ফোন নেই"},
            "payment": {"method": "cash", "service_charge_bdt": 20}}
    made = post_json(centre_a, "/applications", body, **{"Idempotency-Key": "matrix-0003"})
    assert made.status_code == 201, made.json
    tracking_id = made.json["tracking_id"]
    # THEN centre A's entrepreneur reads it, centre B's gets the unknown id's answer
    assert get_json(centre_a, f"/me/applications/{tracking_id}").status_code == 200
    foreign = get_json(centre_b, f"/me/applications/{tracking_id}")
    unknown = get_json(centre_b, f"/me/applications/{UNKNOWN}")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json == unknown.json


def test_the_history_names_who_did_each_move(callers: dict[str, Any], under_review: str) -> None:
    decided = call(callers["officer"], "POST", f"/applications/{under_review}/decisions")
    history = decided.json["history"]
    assert history[0]["actor"].startswith("citizen:c-")
    assert history[-1]["actor"] == "officer:u-test-officer"
    # AND the citizen sees what kind of person it was, not their account id
    mine = get_json(callers["owner"], f"/me/applications/{under_review}").json["history"]
    assert [step["actor"] for step in mine] == ["citizen", "system", "agency", "agency",
                                                "officer"]


def test_every_route_is_in_the_matrix_or_public_by_design() -> None:
    from app import app

    public = {("GET", "/services"), ("GET", "/services/{service_id}"), ("GET", "/categories"),
              ("GET", "/openapi.json"), ("GET", "/applications/{tracking_id}"),
              ("POST", "/auth/otp"), ("POST", "/auth/otp/verify"), ("POST", "/auth/login"),
              ("POST", "/auth/refresh"), ("POST", "/auth/logout"), ("GET", "/centres"),
              ("GET", "/centres/{centre_id}"), ("GET", "/verify/{tracking_id}"),
              # signed by the agency's secret instead (test_agency_callbacks)
              ("POST", "/agencies/{agency_id}/callbacks")}
    covered = {(method, re.sub(r"/centres/centre-[0-9]+", "/centres/{centre_id}",
                               path.split("?")[0].replace("{id}", "{tracking_id}")
                               .replace("/agencies/police/", "/agencies/{agency_id}/")))
               for method, path, _ in MATRIX}
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if method == "OPTIONS":
                continue
            if (method, path) in public:
                assert entry.authorizer is None, (method, path)
            else:
                assert entry.authorizer is not None, (method, path)
                assert (method, path) in covered, f"{method} {path} is not in the matrix"
