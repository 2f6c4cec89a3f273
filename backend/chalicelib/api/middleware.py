"""HTTP middleware: correlation ids in every log line, metrics flushed, and Chalice's own
error answers (405, 404, ...) rewritten into the platform's bilingual error body."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from chalice import Response
from chalice.app import Request

from ..domain.errors import BadRequest, FieldProblem, cut
from ..domain.messages import Text
from ..observability import logger, metrics
from .cors import cors_headers
from .errors import CHALICE_CODES, error_response, within_budget
from .openapi import documented_routes


def _chalice_error_code(response: Response) -> str | None:
    body = response.body
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    if isinstance(body, dict) and "Code" in body and "code" not in body:
        return str(body["Code"])
    return None


# A caller's correlation id is taken only if it looks like one: it is echoed in a
# header and written to every log line.
_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


Middleware = Callable[[Request, Callable[[Request], Response]], Response]


def _unknown_parameters(event: Request, known: dict[tuple[str, str], frozenset[str]]
                        ) -> Response | None:
    """A 400 naming the first query parameter the route's description does not list.

    A parameter nobody reads is a caller's mistake (a misspelt ``cursor`` silently
    restarts the list); answering 200 would hide it.
    """
    context: dict[str, Any] = event.context or {}
    allowed = known.get((context.get("resourcePath") or "", event.method))
    if allowed is None:
        return None
    unknown = sorted(set(event.query_params or {}) - allowed)
    if not unknown:
        return None
    name = cut(unknown[0])
    return error_response(BadRequest("query_invalid", fields=[
        FieldProblem.of(name, "unknown_parameter", Text(name, name))]))


def http_context(app: Any) -> Middleware:
    """The middleware wrapping every HTTP request to ``app`` (call after its routes)."""
    known: dict[tuple[str, str], frozenset[str]] = {}

    def middleware(event: Request, get_response: Callable[[Request], Response]) -> Response:
        if not known:  # the routes, read once they are all registered
            known.update({route: frozenset(doc.query) for route, doc in
                          documented_routes(app).items() if doc is not None})
        return _wrapped(event, get_response, known)

    return middleware


def _wrapped(event: Request, get_response: Callable[[Request], Response],
             known: dict[tuple[str, str], frozenset[str]]) -> Response:
    """Wrap one HTTP request."""
    headers: Any = event.headers or {}
    context: dict[str, Any] = event.context or {}
    sent = headers.get("x-correlation-id")
    correlation_id = sent if sent and _CORRELATION_ID.match(sent) else context.get("requestId")
    # Thread-local keys: the local stack serves requests and workers in one process.
    logger.thread_safe_append_keys(
        correlation_id=correlation_id, method=event.method, path=context.get("resourcePath")
    )
    try:
        response = _unknown_parameters(event, known) or get_response(event)
        failed = response.status_code >= HTTPStatus.BAD_REQUEST
        code = _chalice_error_code(response) if failed else None
        if code is not None:
            response = error_response(CHALICE_CODES.get(code, CHALICE_CODES["InternalServerError"]))
        if failed:
            response = within_budget(response, len(event.raw_body or b""))
        if correlation_id:
            response.headers["X-Correlation-Id"] = correlation_id
        response.headers.update(cors_headers(headers.get("origin")))
        logger.info("request", extra={"status": response.status_code})
        return response
    finally:
        metrics.flush_metrics(raise_on_empty_metrics=False)
        logger.thread_safe_clear_keys()


def worker_context(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Wrap every queue and schedule invocation: flush metrics, clear keys."""
    try:
        return get_response(event)
    finally:
        metrics.flush_metrics(raise_on_empty_metrics=False)
        logger.thread_safe_clear_keys()
