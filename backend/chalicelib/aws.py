"""AWS clients, made once per process on first use, pointed at moto or AWS by settings.

Clients come straight from botocore (boto3's resource layer and its S3 transfer
manager are never needed here, and importing them costs a cold start ~100 ms), from
the same botocore session PynamoDB uses.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from .settings import get_settings

_lock = threading.Lock()


@cache
def _session() -> Any:
    """PynamoDB's botocore session, shared: its endpoint data is loaded once, not twice.

    A client from a fresh session costs ~35 ms of a cold start; from this one, ~5 ms.
    """
    from .store.models import ApplicationModel

    return ApplicationModel._get_connection().connection.session


@cache
def client(service: str, read_timeout: int = 10) -> Any:
    """A client for ``service`` with short timeouts and standard retries (a long poll
    passes a ``read_timeout`` longer than its wait)."""
    from botocore.config import Config

    settings = get_settings()
    with _lock:  # botocore sessions are not safe to create clients from concurrently
        return _session().create_client(
            service,
            region_name=settings.region,
            endpoint_url=settings.endpoint_url,
            config=Config(
                connect_timeout=3,
                read_timeout=read_timeout,
                retries={"mode": "standard", "max_attempts": 3},
            ),
        )


def reset_clients() -> None:
    """Forget every client (tests and the local stack change endpoints)."""
    from .parameters import reset_parameters

    client.cache_clear()
    _session.cache_clear()
    reset_parameters()  # its provider holds the SSM client
