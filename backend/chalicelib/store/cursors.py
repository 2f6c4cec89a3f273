"""Pages of a Query: the opaque cursor a client sends back, and reading one page safely."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import PynamoDBException, QueryError

from ..domain.errors import BadRequest, ServiceUnavailable


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    """An opaque cursor for DynamoDB's LastEvaluatedKey."""
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The ExclusiveStartKey behind a cursor; ``BadRequest`` if it is not one of ours."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise BadRequest("cursor_invalid") from None
    if not isinstance(key, dict):
        raise BadRequest("cursor_invalid")
    return key


def read_page[Item](results: Any, convert: Callable[[Any], Item]) -> tuple[list[Item], str | None]:
    """The items of one page of a PynamoDB query, converted, and the next page's cursor.

    A cursor that is not one of ours gets ``BadRequest``; DynamoDB being unreachable,
    ``ServiceUnavailable``.
    """
    try:
        items = [convert(item) for item in results]
    except QueryError as error:
        if "ExclusiveStartKey" in str(error) or "starting key" in str(error):
            raise BadRequest("cursor_invalid") from error
        raise ServiceUnavailable("service_unavailable") from error
    except PynamoDBException as error:
        raise ServiceUnavailable("service_unavailable") from error
    return items, encode_cursor(results.last_evaluated_key)
