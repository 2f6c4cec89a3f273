"""The one table from error type to HTTP status, and the response every error gets."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import wraps
from http import HTTPStatus
from typing import Any

from chalice import Response

from ..domain import errors
from ..observability import logger

STATUS: dict[type[errors.NagorikError], int] = {
    errors.BadRequest: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.MethodNotAllowed: 405,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.ValidationFailed: 422,
    errors.TooManyRequests: 429,
    errors.ServiceUnavailable: 503,
}

JSON_UTF8 = "application/json; charset=utf-8"


def status_of(error: errors.NagorikError) -> int:
    """The HTTP status of an error: the first table entry it is an instance of."""
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 500


def json_response(body: Any, status: int = 200,
                  headers: Mapping[str, str | list[str]] | None = None) -> Response:
    """A JSON response in UTF-8 (Bangla stays three bytes a letter, not six)."""
    return Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers={"Content-Type": JSON_UTF8, **(headers or {})},
    )


# An error body may be as large as the request it answers, or this, whichever is more.
ERROR_BODY_FLOOR_BYTES = 8 * 1024


def _encoded(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def within_budget(response: Response, request_bytes: int) -> Response:
    """The response, its error body cut to the budget by listing fewer fields.

    The fields dropped are the last ones (in form order); ``fields_omitted`` says how
    many are not listed, so the client knows there is more to fix.
    """
    budget = max(request_bytes, ERROR_BODY_FLOOR_BYTES)
    raw = response.body if isinstance(response.body, (bytes, str)) else b""
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if response.status_code < HTTPStatus.BAD_REQUEST or size <= budget:
        return response
    try:
        body = json.loads(raw)
    except ValueError:
        return response
    fields = body.get("fields") if isinstance(body, dict) else None
    if not isinstance(fields, list):
        return response
    omitted = int(body.get("fields_omitted") or 0)
    while fields and len(_encoded(body)) > budget:
        keep = max(0, min(len(fields) - 1, len(fields) * budget // len(_encoded(body))))
        omitted += len(fields) - keep
        fields = fields[:keep]
        body["fields"], body["fields_omitted"] = fields, omitted
    response.body = _encoded(body).decode()
    return response


def error_response(error: errors.NagorikError) -> Response:
    """The bilingual error body with its status."""
    status = status_of(error)
    headers = {"Retry-After": "5"} if status == HTTPStatus.SERVICE_UNAVAILABLE else {}
    if isinstance(error, errors.TooManyRequests):
        headers = {"Retry-After": str(max(1, error.retry_after))}
    return json_response(error.to_body(), status, headers)


def translating(view: Callable[..., Response]) -> Callable[..., Response]:
    """Turn every error a view raises into its bilingual response; never a bare 500."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except errors.NagorikError as error:
            if status_of(error) >= HTTPStatus.INTERNAL_SERVER_ERROR:
                logger.warning("dependency unavailable", extra={"code": error.code}, exc_info=True)
            return error_response(error)
        except Exception:
            logger.exception("unexpected error")
            return error_response(errors.NagorikError("internal_error"))

    return wrapper


# What API Gateway answers itself, before any route runs (its "gateway responses"), as
# the platform's bilingual bodies: the deploy template sets these, and the local stack
# and the test client answer the same (devtools/local_gateway.py).
GATEWAY_RESPONSES: dict[str, tuple[int, str]] = {
    "UNAUTHORIZED": (401, "sign_in_required"),  # no token, or the authorizer refused it
    "ACCESS_DENIED": (403, "forbidden"),
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found"),  # API Gateway's word for no route
    "THROTTLED": (429, "throttled"),
    "REQUEST_TOO_LARGE": (413, "payload_too_large_gateway"),
    "DEFAULT_4XX": (400, "bad_request"),
    "DEFAULT_5XX": (503, "service_unavailable"),
}


def gateway_body(response_type: str) -> tuple[int, str]:
    """The status and JSON body of one gateway response."""
    status, code = GATEWAY_RESPONSES[response_type]
    body = errors.NagorikError(code).to_body()
    return status, json.dumps(body, ensure_ascii=False, separators=(",", ":"))


# Errors Chalice answers itself, before a view runs, mapped onto our codes.
CHALICE_CODES: dict[str, errors.NagorikError] = {
    "MethodNotAllowedError": errors.MethodNotAllowed("method_not_allowed"),
    "UnsupportedMediaType": errors.UnsupportedMediaType("unsupported_media_type"),
    "BadRequestError": errors.BadRequest("malformed_json"),
    "NotFoundError": errors.NotFound("not_found"),
    "InternalServerError": errors.NagorikError("internal_error"),
}
