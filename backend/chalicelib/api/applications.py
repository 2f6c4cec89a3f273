"""Application routes: submit (idempotent), track, one's own list, cancel, respond, decide.

Every route but public tracking needs a signed-in caller (``authorizer=authenticated``);
what that caller may do with which application is decided in ``domain.access``.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from ..domain.access import Principal, Role, require
from ..domain.lifecycle import Application
from ..observability import count_by, logger, metrics
from ..runtime import runtime
from . import views
from .authorizer import authenticated, principal_of
from .errors import json_response, translating
from .limits import address_of, limit_by_address
from .openapi import documented
from .requests import idempotency_key, if_match_version, json_body, query

application_routes = Blueprint(__name__)

IDEMPOTENCY_KEY = {"type": "string", "pattern": "^[A-Za-z0-9_\\-:.]{8,128}$"}
SIGNED_IN = {401: "Error", 403: "Error", 429: "Error", 503: "Error"}
BODY_ERRORS = {400: "Error", 413: "Error", 415: "Error", 422: "Error"}
PAGE_LIMIT = 20


def view_for(application: Application, principal: Principal | None) -> dict[str, Any]:
    """The application as this caller sees it."""
    return views.application_for(application, runtime().catalog,
                                 principal.role if principal else None)


def _answer(application: Application, principal: Principal | None,
            status: int = 200) -> Response:
    logger.thread_safe_append_keys(tracking_id=application.tracking_id)
    return json_response(view_for(application, principal), status,
                         {"Cache-Control": "no-store"})


@application_routes.route("/applications", methods=["POST"], content_types=["*/*"],
                          authorizer=authenticated)
@documented("Submit an application (idempotent by key): a citizen for themself, or an "
            "entrepreneur for a citizen (with consent and payment)", {
    200: "Application", 201: "Application", **BODY_ERRORS, 404: "Error", 409: "Error",
    **SIGNED_IN,
}, body="Submission", headers={"Idempotency-Key": (IDEMPOTENCY_KEY, True)}, secured=True)
@translating
def submit_application() -> Response:
    """Submit an application.

    Needs a signed-in citizen whose number is the applicant's, or an entrepreneur
    sending the citizen's ``consent`` and the ``payment``, and an ``Idempotency-Key``
    header. 201 with the application; 200 with it again when the same key and body come
    back; 400 (malformed JSON, missing key), 401, 403 (neither citizen nor entrepreneur),
    404 (unknown service), 409 (key reused with another body, outdated form, a service
    not offered at centres), 413, 415, 422 (every invalid field, a wrong or expired
    consent code, a service charge over the cap), 429 (the citizen's phone is locked
    after wrong codes).
    """
    request = application_routes.current_request
    principal = principal_of(request)
    body = json_body(request)
    key = idempotency_key(request)
    submitted = runtime().applications.submit(body, key=key, principal=principal)
    application = submitted.application
    logger.thread_safe_append_keys(replayed=submitted.replayed)
    if not submitted.replayed:
        metrics.add_metric(name="ApplicationsSubmitted", unit="Count", value=1)
        if application.consent == "no_code":
            metrics.add_metric(name="ConsentsWithoutCode", unit="Count", value=1)
        count_by("Submitted", ServiceId=application.service_id, Agency=application.agency_id)
    response = _answer(application, principal, 200 if submitted.replayed else 201)
    response.headers["Location"] = f"/me/applications/{application.tracking_id}"
    return response


@application_routes.route("/consents", methods=["POST"], content_types=["*/*"],
                          authorizer=authenticated)
@documented("An entrepreneur asks for the citizen's consent: a code sent to their phone", {
    202: "CodeSent", **BODY_ERRORS, **SIGNED_IN,
}, body="CodeRequest", secured=True)
@translating
def request_consent() -> Response:
    """A 6-digit consent code by SMS to the citizen's ``phone``, under the limits of a
    sign-in code; the citizen tells it to the entrepreneur, who sends it with the
    application (``consent: {challenge_id, code}``).

    202 with ``{"challenge_id", "expires_in", "resend_after"}``; 400, 413, 415; 401; 403
    (not an entrepreneur); 422 (not a Bangladeshi mobile number); 429 (wait).
    """
    request = application_routes.current_request
    require(principal_of(request), Role.ENTREPRENEUR)
    body = runtime().validation.body("code-request", json_body(request))
    sent = runtime().sign_in.request_code(body["phone"], address=address_of(request),
                                          purpose="consent")
    metrics.add_metric(name="ConsentCodesSent", unit="Count", value=1)
    return json_response({"challenge_id": sent.challenge_id, "expires_in": sent.expires_in,
                          "resend_after": sent.resend_after}, 202, {"Cache-Control": "no-store"})


@application_routes.route("/applications/{tracking_id}", methods=["GET"])
@documented("An application's status and history, for its applicant's phone (public)", {
    200: "Application", 404: "Error", 422: "Error", 429: "Error", 503: "Error",
}, query={"phone": {"type": "string", "maxLength": 32}})
@translating
def track_application(tracking_id: str) -> Response:
    """Status and history of an application, for its applicant's ``?phone=``: for people
    without a smartphone or an account.

    200; 404 for an unknown id or a phone that is not the applicant's (the same
    answer, so neither leaks); 422 for a tracking id whose check digit is wrong or a
    malformed phone (no lookup is made); 429 past the per-address limit.
    """
    request = application_routes.current_request
    limit_by_address(request, "track", runtime().settings.track_per_address, 600)
    application = runtime().applications.track(tracking_id, query(request, "phone") or "")
    return _answer(application, None)


@application_routes.route("/me/applications", methods=["GET"], authorizer=authenticated)
@documented("A citizen's own applications, newest first", {
    200: "ApplicationPage", 400: "Error", **SIGNED_IN,
}, query={"cursor": {"type": "string", "maxLength": 2000}}, secured=True)
@translating
def my_applications() -> Response:
    """The signed-in citizen's applications, newest first, ``PAGE_LIMIT`` a page.

    200 with ``{"applications", "cursor"}`` (``cursor`` is null on the last page); 400 for
    a cursor that is not one of ours; 401; 403 (not a citizen).
    """
    request = application_routes.current_request
    principal = principal_of(request)
    page = runtime().applications.mine(principal, limit=PAGE_LIMIT,
                                       cursor=query(request, "cursor"))
    return json_response({
        "applications": [view_for(item, principal) for item in page.items],
        "cursor": page.cursor,
    }, headers={"Cache-Control": "no-store"})


@application_routes.route("/me/applications/{tracking_id}", methods=["GET"],
                          authorizer=authenticated)
@documented("One application, as the signed-in caller may see it", {
    200: "Application", 404: "Error", 422: "Error", **SIGNED_IN,
}, secured=True)
@translating
def my_application(tracking_id: str) -> Response:
    """An application of the caller's own (citizen), centre's (entrepreneur) or agency's
    (officer). 200; 404 for an unknown one and for anyone else's alike; 401; 422."""
    principal = principal_of(application_routes.current_request)
    return _answer(runtime().applications.for_principal(tracking_id, principal), principal)


@application_routes.route("/applications/{tracking_id}/cancel", methods=["POST"],
                          content_types=["*/*"], authorizer=authenticated)
@documented("The applicant withdraws an application not yet sent to the office", {
    200: "Application", 404: "Error", 409: "Error", 422: "Error", **SIGNED_IN,
}, secured=True)
@translating
def cancel_application(tracking_id: str) -> Response:
    """Cancel one's own application before it is forwarded.

    200; 401; 403 (not a citizen); 404 (unknown or not theirs); 409 (already with the
    office); 422 (a mistyped id).
    """
    principal = principal_of(application_routes.current_request)
    application = runtime().applications.cancel(tracking_id, principal)
    metrics.add_metric(name="Cancelled", unit="Count", value=1)
    return _answer(application, principal)


@application_routes.route("/applications/{tracking_id}/responses", methods=["POST"],
                          content_types=["*/*"], authorizer=authenticated)
@documented("The applicant answers the office's request for more information", {
    200: "Application", **BODY_ERRORS, 404: "Error", 409: "Error", **SIGNED_IN,
}, body="Response", secured=True)
@translating
def respond_to_application(tracking_id: str) -> Response:
    """Send the fields the office asked for; the application returns to it resubmitted.

    200; 400, 413, 415; 401; 403 (not a citizen); 404; 409 (the office asked for nothing);
    422 (every invalid field of the merged form).
    """
    request = application_routes.current_request
    principal = principal_of(request)
    application = runtime().applications.respond(tracking_id, json_body(request), principal)
    return _answer(application, principal)


@application_routes.route("/applications/{tracking_id}/decisions", methods=["POST"],
                          content_types=["*/*"], authorizer=authenticated)
@documented("An officer's decision on an application of their agency", {
    200: "Application", **BODY_ERRORS, 404: "Error", 409: "Error", **SIGNED_IN,
}, body="Decision", headers={"If-Match": ({"type": "string", "maxLength": 32}, False)},
            secured=True)
@translating
def decide_application(tracking_id: str) -> Response:
    """``approve``, ``reject`` (with reason), ``needs_info`` (with what).

    200 with the application; 401; 403 (not an officer); 404 (unknown, or another
    agency's); 409 if it is not awaiting a decision or someone else decided first (also
    when ``If-Match`` names an old version); 422 for an invalid body.
    """
    request = application_routes.current_request
    principal = principal_of(request)
    body = json_body(request)
    application = runtime().applications.decide(
        tracking_id, body, principal=principal, expected_version=if_match_version(request))
    metrics.add_metric(name="Decisions", unit="Count", value=1)
    count_by("Decided", ServiceId=application.service_id, Agency=application.agency_id)
    return _answer(application, principal)
