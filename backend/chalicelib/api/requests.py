"""Reading a request safely: size, content type, JSON, headers, query parameters."""

from __future__ import annotations

import json
import re
from typing import Any

from chalice.app import Request

from ..domain.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from ..settings import get_settings

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,128}$")


def json_body(request: Request) -> Any:
    """The parsed JSON body.

    Raises ``PayloadTooLarge`` (413) over the limit, ``UnsupportedMediaType`` (415)
    for anything but JSON, ``BadRequest`` (400) for malformed JSON or a non-object.
    """
    limit = get_settings().max_body_bytes
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > limit:
        raise PayloadTooLarge("payload_too_large", values={"limit_kb": limit // 1024})
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType("unsupported_media_type")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("malformed_json") from None
    if not isinstance(body, dict):
        raise BadRequest("body_not_object")
    return body


def idempotency_key(request: Request) -> str:
    """The ``Idempotency-Key`` header; ``BadRequest`` if it is missing or malformed."""
    key = (request.headers.get("idempotency-key") or "").strip()
    if not key:
        raise BadRequest("idempotency_key_missing")
    if not _IDEMPOTENCY_KEY.match(key):
        raise BadRequest("idempotency_key_invalid")
    return key


def query(request: Request, name: str) -> str | None:
    """One query-string parameter, or ``None``."""
    params: Any = request.query_params or {}
    value = params.get(name)
    return str(value) if value is not None else None


def if_match_version(request: Request) -> int | None:
    """An ``If-Match`` header carrying the application version the client saw."""
    raw = (request.headers.get("if-match") or "").strip().strip('"').removeprefix("W/").strip('"')
    return int(raw) if raw.isdigit() else None
