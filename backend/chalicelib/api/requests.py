"""Reading a request safely: size, content type, JSON, headers, query parameters."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from chalice.app import Request

from ..domain.bangla import to_bangla_digits
from ..domain.errors import (
    MAX_REPORTED_FIELDS,
    BadRequest,
    FieldProblem,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    cut,
)
from ..domain.messages import Text
from ..settings import get_settings

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,128}$")


MAX_DEPTH = 32  # the deepest form (a list of rows inside a group) needs 6 levels


class NonFinite:
    """Where the body had ``NaN``, ``Infinity`` or a number too large for a float."""


def _float(text: str) -> float | NonFinite:
    number = float(text)
    return number if math.isfinite(number) else NonFinite()


def json_body(request: Request) -> Any:
    """The parsed JSON body.

    Raises ``PayloadTooLarge`` (413) over the limit, ``UnsupportedMediaType`` (415)
    for anything but JSON, ``BadRequest`` (400) for malformed JSON, a non-object or
    nesting deeper than ``MAX_DEPTH``, and ``ValidationFailed`` (422) naming each
    value that is ``NaN`` or infinite (JSON has no such numbers; Python reads them).
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
        body = json.loads(raw.decode("utf-8"), parse_float=_float,
                          parse_constant=lambda _: NonFinite())
    except RecursionError:
        raise BadRequest("body_too_deep", values=_depth_values()) from None
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("malformed_json") from None
    if not isinstance(body, dict):
        raise BadRequest("body_not_object")
    unusable = _check_shape(body)
    if unusable:
        raise ValidationFailed("validation_failed", fields=[
            FieldProblem.of(path, code, Text(cut(path), cut(path))) for path, code in unusable
        ][:MAX_REPORTED_FIELDS])
    return body


def _depth_values() -> dict[str, Any]:
    return {"limit": MAX_DEPTH, "limit_bn": to_bangla_digits(MAX_DEPTH)}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _broken(text: str) -> bool:
    """Half of a UTF-16 surrogate pair: JSON can carry one (``"\\ud800"``), UTF-8 cannot."""
    return _SURROGATE.search(text) is not None


def _check_shape(body: dict[str, Any]) -> list[tuple[str, str]]:
    """``(path, problem code)`` of every value no field can hold: non-finite numbers and
    broken text. ``BadRequest`` if the body is nested deeper than ``MAX_DEPTH``.

    Walks the body without recursion, so no depth can overflow the stack here.
    """
    found: list[tuple[str, str]] = []
    pending: list[tuple[Any, str, int]] = [(body, "", 1)]
    while pending:
        node, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise BadRequest("body_too_deep", values=_depth_values())
        children: Any = (
            node.items() if isinstance(node, dict)
            else enumerate(node) if isinstance(node, list) else ()
        )
        for key, value in children:
            here = f"{path}.{key}" if path else str(key)
            if isinstance(value, NonFinite):
                found.append((here, "not_finite"))
            elif isinstance(value, (dict, list)):
                pending.append((value, here, depth + 1))
            elif (isinstance(value, str) and _broken(value)) or (
                    isinstance(key, str) and _broken(key)):
                found.append((here.encode("utf-8", "replace").decode(), "control_character"))
    return sorted(found)


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


_IF_MATCH = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$')


def if_match_version(request: Request) -> int | None:
    """An ``If-Match`` header carrying the application version the client saw.

    ``None`` when absent; ``BadRequest`` (400) when it is not a version number
    (ASCII digits only: ``int()`` would read other scripts' digits and "²" is a digit
    to ``str.isdigit``).
    """
    raw = (request.headers.get("if-match") or "").strip()
    if raw in ("", "*"):  # "*": whatever the current version is
        return None
    match = _IF_MATCH.match(raw)
    if match is None:
        raise BadRequest("header_invalid", values={"header": "If-Match"})
    return int(match.group(1))
