"""AWS clients, made once per process on first use, pointed at moto or AWS by settings."""

from __future__ import annotations

from functools import cache
from typing import Any

from .settings import get_settings


@cache
def client(service: str) -> Any:
    """A boto3 client for ``service`` with short timeouts and standard retries."""
    import boto3  # deferred: keeps import-time work out of cold starts that never call AWS
    from botocore.config import Config

    settings = get_settings()
    return boto3.client(
        service,
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        config=Config(
            connect_timeout=3,
            read_timeout=10,
            retries={"mode": "standard", "max_attempts": 3},
        ),
    )


def reset_clients() -> None:
    """Forget every client (tests and the local stack change endpoints)."""
    client.cache_clear()
