"""Limits on what one address (IP) may ask for, on routes anyone may call."""

from __future__ import annotations

from typing import Any

from ..domain.bangla import minutes_values
from ..domain.errors import TooManyRequests
from ..runtime import runtime


def address_of(request: Any) -> str:
    """The caller's address as API Gateway saw it."""
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def limit_by_address(request: Any, name: str, limit: int, window_seconds: int) -> None:
    """Count one request of ``name`` from this address; ``TooManyRequests`` (429) past
    ``limit`` in the window."""
    current = runtime()
    wait = current.limits.hit(current.sign_in.keyed(name, address_of(request)), limit=limit,
                              window_seconds=window_seconds, now=current.clock())
    if wait:
        raise TooManyRequests("too_many_requests", retry_after=wait,
                              values=minutes_values(wait))
