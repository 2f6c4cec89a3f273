"""Sign-in routes: a code by SMS for citizens, a password for staff; refresh, sign out, me.

Every answer that carries tokens is ``Cache-Control: no-store``. Tokens travel only in
bodies, never in a URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..domain.errors import NagorikError, TooManyRequests
from ..observability import count_by, logger, metrics
from ..runtime import runtime
from .authorizer import authenticated, principal_of
from .errors import json_response, translating
from .limits import address_of
from .openapi import documented
from .requests import json_body

if TYPE_CHECKING:
    from ..domain.auth import Tokens

auth_routes = Blueprint(__name__)
NO_STORE: dict[str, str | list[str]] = {"Cache-Control": "no-store"}
BODY_ERRORS = {400: "Error", 413: "Error", 415: "Error", 422: "Error", 503: "Error"}


def principal_view(principal: Any) -> dict[str, Any]:
    """Who a principal is, as its holder sees it."""
    return {key: value for key, value in {
        "role": principal.role.value, "id": principal.id, "phone": principal.phone,
        "centre_id": principal.centre_id, "agency_id": principal.agency_id,
    }.items() if value is not None}


def tokens_answer(tokens: Tokens) -> Response:
    """The body every sign-in and refresh answers with."""
    return json_response({
        "access_token": tokens.access_token, "token_type": "Bearer",
        "expires_in": tokens.expires_in, "refresh_token": tokens.refresh_token,
        "principal": principal_view(tokens.principal),
    }, headers=NO_STORE)


LOCKED = {"phone_locked", "account_locked"}


def _failed(error: NagorikError, kind: str) -> None:
    """Count a refused sign-in; one refused because the phone or account is locked (the
    attempt that locked it included) is also a lockout."""
    metrics.add_metric(name="SignInFailed", unit="Count", value=1)
    if isinstance(error, TooManyRequests) and error.code in LOCKED:
        count_by("SignInLockouts", Kind=kind)


@auth_routes.route("/auth/otp", methods=["POST"], content_types=["*/*"])
@documented("Send a sign-in code to a mobile phone", {
    202: "CodeSent", **BODY_ERRORS, 429: "Error"}, body="CodeRequest", tag="sign-in")
@translating
def request_code() -> Response:
    """A 6-digit code by SMS, valid 5 minutes; the same answer whoever has the number.

    202 with ``{"challenge_id", "expires_in", "resend_after"}``; 400, 413, 415; 422 (not a
    Bangladeshi mobile number); 429 (wait: ``Retry-After`` seconds; the body says why).
    """
    request = auth_routes.current_request
    body = runtime().validation.body("code-request", json_body(request))
    sent = runtime().sign_in.request_code(body["phone"], address=address_of(request))
    metrics.add_metric(name="SignInCodesSent", unit="Count", value=1)
    return json_response({"challenge_id": sent.challenge_id, "expires_in": sent.expires_in,
                          "resend_after": sent.resend_after}, 202, NO_STORE)


@auth_routes.route("/auth/otp/verify", methods=["POST"], content_types=["*/*"])
@documented("Sign a citizen in with the code", {
    200: "Tokens", **BODY_ERRORS, 401: "Error", 429: "Error"}, body="CodeCheck", tag="sign-in")
@translating
def verify_code() -> Response:
    """Tokens for the code sent to the phone (Bangla digits welcome).

    200 with the tokens and the principal; 401 (wrong, expired or used code: the body
    says how many tries are left); 422; 429 (the number is locked after 5 wrong codes).
    """
    body = runtime().validation.body("code-check", json_body(auth_routes.current_request))
    count_by("SignInAttempts", Kind="code")
    try:
        tokens = runtime().sign_in.verify_code(body["challenge_id"], body["code"])
    except NagorikError as error:
        _failed(error, "code")
        raise
    metrics.add_metric(name="SignIns", unit="Count", value=1)
    logger.thread_safe_append_keys(principal=tokens.principal.id)
    return tokens_answer(tokens)


@auth_routes.route("/auth/login", methods=["POST"], content_types=["*/*"])
@documented("Sign a staff member in by password", {
    200: "Tokens", **BODY_ERRORS, 401: "Error", 429: "Error"}, body="SignIn", tag="sign-in")
@translating
def login() -> Response:
    """Tokens for an entrepreneur, an officer or ops.

    200; 401 (unknown number, wrong password or disabled account, alike); 422; 429 (the
    account is locked for 15 minutes after 5 failures).
    """
    body = runtime().validation.body("sign-in", json_body(auth_routes.current_request))
    count_by("SignInAttempts", Kind="password")
    try:
        tokens = runtime().sign_in.login(body["phone"], body["password"])
    except NagorikError as error:
        _failed(error, "password")
        raise
    metrics.add_metric(name="SignIns", unit="Count", value=1)
    logger.thread_safe_append_keys(principal=tokens.principal.id)
    return tokens_answer(tokens)


@auth_routes.route("/auth/refresh", methods=["POST"], content_types=["*/*"])
@documented("New tokens for a refresh token (which is replaced)", {
    200: "Tokens", **BODY_ERRORS, 401: "Error"}, body="Refresh", tag="sign-in")
@translating
def refresh() -> Response:
    """200 with new tokens; 401 for an unknown, expired or revoked refresh token, and for
    one used before (which ends its whole sign-in)."""
    body = runtime().validation.body("refresh", json_body(auth_routes.current_request))
    return tokens_answer(runtime().sign_in.refresh(body["refresh_token"]))


@auth_routes.route("/auth/logout", methods=["POST"], content_types=["*/*"])
@documented("Sign out: the refresh token's sign-in ends", {204: None, **BODY_ERRORS},
            body="Refresh", tag="sign-in")
@translating
def logout() -> Response:
    """204, whether or not the token was still valid."""
    body = runtime().validation.body("refresh", json_body(auth_routes.current_request))
    runtime().sign_in.logout(body["refresh_token"])
    return Response(body="", status_code=204, headers=NO_STORE)


@auth_routes.route("/me", methods=["GET"], authorizer=authenticated)
@documented("Who is signed in", {200: "Principal", 401: "Error", 503: "Error"}, tag="sign-in",
            secured=True)
@translating
def me() -> Response:
    """200 with the signed-in principal (role, id, phone, centre or agency); 401."""
    return json_response(principal_view(principal_of(auth_routes.current_request)),
                         headers=NO_STORE)
