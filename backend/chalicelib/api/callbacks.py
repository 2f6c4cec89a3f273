"""Agencies' callbacks: ``POST /agencies/{agency_id}/callbacks``, signed the Standard
Webhooks way with the agency's secret (no sign-in: the signature is the credential)."""

from __future__ import annotations

import time
from functools import cache

from chalice import Blueprint, Response

from ..agencies import config, webhooks
from ..agencies.registry import get_agency
from ..domain.callbacks import AgencyCallbacks
from ..domain.errors import PayloadTooLarge, Unauthorized
from ..observability import count_by, logger
from ..runtime import runtime
from .errors import json_response, translating
from .openapi import documented
from .requests import json_body

callback_routes = Blueprint(__name__)


@cache
def callbacks() -> AgencyCallbacks:
    """The callbacks use-case, on the process's applications."""
    return AgencyCallbacks(runtime().applications)


def _secret(agency_id: str) -> str:
    settings = runtime().settings
    if get_agency(agency_id) is None:
        raise Unauthorized("callback_unauthorized")
    try:
        return config.endpoint(settings, agency_id).secret
    except config.AgencyNotConfigured:
        raise Unauthorized("callback_unauthorized") from None


@callback_routes.route("/agencies/{agency_id}/callbacks", methods=["POST"],
                       content_types=["*/*"])
@documented("An agency's signed news about an application it holds", {
    200: "CallbackAnswer", 400: "Error", 401: "Error", 404: "Error", 409: "Error",
    413: "Error", 415: "Error", 422: "Error", 503: "Error",
}, body="Callback")
@translating
def agency_callback(agency_id: str) -> Response:
    """``in_review``, ``decision`` (approve, reject with a reason, needs_info naming what is
    missing) or ``delivered``.

    200 with ``{"tracking_id", "status"}``, also for a ``webhook-id`` acted on before
    (the same answer, no second move); 401 for an unknown agency, a bad signature or a
    timestamp more than five minutes off; 404 for an unknown application or another
    agency's; 409 for a move the lifecycle refuses; 400, 413, 415, 422 for the body.
    """
    request = callback_routes.current_request
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    limit = runtime().settings.max_body_bytes
    if len(raw) > limit:
        raise PayloadTooLarge("payload_too_large", values={"limit_kb": limit // 1024})
    secret = _secret(agency_id)
    try:
        webhook_id = webhooks.verify(secret, dict(request.headers), raw, now=int(time.time()))
    except (webhooks.BadSignature, ValueError) as error:
        logger.warning("agency callback refused", extra={
            "agency": agency_id, "reason": getattr(error, "reason", "secret")})
        count_by("CallbackRefused", Agency=agency_id)
        raise Unauthorized("callback_unauthorized") from None
    answer, replayed = callbacks().receive(agency_id, webhook_id, json_body(request))
    logger.thread_safe_append_keys(tracking_id=answer["tracking_id"], replayed=replayed)
    return json_response(answer, headers={"Cache-Control": "no-store"})
