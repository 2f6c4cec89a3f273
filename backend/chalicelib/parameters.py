"""SSM parameters the platform reads at run time, through one cached Powertools provider.

Values ops change without a deploy (the public holiday list, and secrets kept as
SecureStrings) live under ``/<app>/<stage>/``. They are read through Powertools'
``SSMProvider``, built once per process on the platform's own botocore client, and
cached for ``max_age`` seconds, so a warm Lambda asks SSM at most once per interval.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from .aws import client
from .settings import HOLIDAYS_PARAMETER, Settings

HOLIDAYS_MAX_AGE_SECONDS = 300


@cache
def _provider() -> Any:
    from aws_lambda_powertools.utilities.parameters import SSMProvider

    return SSMProvider(boto3_client=client("ssm"))


def read(settings: Settings, name: str, *, max_age: int, transform: str | None = None,
         decrypt: bool = False) -> Any:
    """The value of ``/<app>/<stage>/<name>``, cached for ``max_age`` seconds.

    Raises Powertools' ``GetParameterError`` when SSM cannot be read or the parameter
    does not exist, and ``TransformParameterError`` when it is not valid JSON.
    """
    return _provider().get(
        settings.parameter(name), max_age=max_age, transform=transform, decrypt=decrypt
    )


def public_holidays(settings: Settings) -> frozenset[date]:
    """Public holidays ops keep in SSM (``/<app>/<stage>/holidays``, a JSON list of dates).

    Raises when the list cannot be read or holds something that is not an ISO date;
    the caller decides what a deadline is worth without it.
    """
    raw = read(settings, HOLIDAYS_PARAMETER, max_age=HOLIDAYS_MAX_AGE_SECONDS, transform="json")
    if not isinstance(raw, list):
        raise ValueError("the holiday list is not a JSON list")
    return frozenset(date.fromisoformat(str(day)) for day in raw)


def reset_parameters() -> None:
    """Forget the provider and its cache (tests and the local stack change endpoints)."""
    _provider.cache_clear()
