"""Application routes: submit (idempotent), track, decide."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from ..domain.lifecycle import Application, Channel
from ..observability import logger, metrics
from ..runtime import runtime
from . import views
from .cors import CORS
from .errors import json_response, translating
from .openapi import documented
from .requests import idempotency_key, if_match_version, json_body, query

application_routes = Blueprint(__name__)


def view_of(application: Application) -> dict[str, Any]:
    """The API's representation of an application."""
    return views.application(application, runtime().catalog)


IDEMPOTENCY_KEY = {"type": "string", "pattern": "^[A-Za-z0-9_\\-:.]{8,128}$"}


@application_routes.route("/applications", methods=["POST"], content_types=["*/*"], cors=CORS)
@documented("Submit an application (idempotent by key)", {
    200: "Application", 201: "Application", 400: "Error", 404: "Error", 409: "Error",
    413: "Error", 415: "Error", 422: "Error", 503: "Error",
}, body="Submission", headers={"Idempotency-Key": (IDEMPOTENCY_KEY, True)})
@translating
def submit_application() -> Response:
    """Submit an application.

    Needs an ``Idempotency-Key`` header. 201 with the application (tracking id,
    status, history); 200 with the same answer when the key is sent again; 400
    (malformed JSON, missing key), 404 (unknown service), 409 (key reused with another
    body, outdated form), 413 (over 256 KB), 415 (not JSON), 422 (every invalid field).
    """
    request = application_routes.current_request
    body = json_body(request)
    key = idempotency_key(request)
    submitted = runtime().applications.submit(
        body, key=key, channel=Channel.SELF, actor="citizen"
    )
    answer = submitted.answer
    logger.thread_safe_append_keys(tracking_id=answer["tracking_id"], replayed=submitted.replayed)
    if not submitted.replayed:
        metrics.add_metric(name="ApplicationsSubmitted", unit="Count", value=1)
    location = {"Location": f"/applications/{answer['tracking_id']}"}
    return json_response(answer, 200 if submitted.replayed else 201, location)


@application_routes.route("/applications/{tracking_id}", methods=["GET"], cors=CORS)
@documented("An application's status and history, for its applicant's phone", {
    200: "Application", 404: "Error", 422: "Error", 503: "Error",
}, query={"phone": {"type": "string", "maxLength": 32}})
@translating
def track_application(tracking_id: str) -> Response:
    """Status and history of an application, for its applicant's ``?phone=``.

    200; 404 for an unknown id or a phone that is not the applicant's (the same
    answer, so neither leaks); 422 for a tracking id whose check digit is wrong or a
    malformed phone (no lookup is made).
    """
    request = application_routes.current_request
    application = runtime().applications.track(tracking_id, query(request, "phone") or "")
    logger.thread_safe_append_keys(tracking_id=application.tracking_id)
    return json_response(view_of(application), headers={"Cache-Control": "no-store"})


@application_routes.route(
    "/applications/{tracking_id}/decisions", methods=["POST"], content_types=["*/*"], cors=CORS
)
@documented("An agency's decision on an application under review", {
    200: "Application", 400: "Error", 404: "Error", 409: "Error", 413: "Error", 415: "Error",
    422: "Error", 503: "Error",
}, body="Decision", headers={"If-Match": ({"type": "string", "maxLength": 32}, False)})
@translating
def decide_application(tracking_id: str) -> Response:
    """An agency's decision: ``approve``, ``reject`` (with reason), ``needs_info`` (with what).

    200 with the application; 404 unknown id; 409 if it is not awaiting a decision or
    someone else decided first (also when ``If-Match`` names an old version); 422 for
    an invalid body.
    """
    request = application_routes.current_request
    body = json_body(request)
    current = runtime()
    application = current.applications.decide(
        tracking_id,
        body,
        channel=Channel.AGENCY_API,
        expected_version=if_match_version(request),
    )
    logger.thread_safe_append_keys(tracking_id=application.tracking_id)
    metrics.add_metric(name="Decisions", unit="Count", value=1)
    return json_response(view_of(application))
