"""Agency circuits on the limits table (``circuit#<agency>`` rows): counts and locks, like
the other rows there, gone a week after their last write."""

from __future__ import annotations

import time

from pynamodb.exceptions import PynamoDBException, UpdateError

from ..domain.circuit import CircuitState
from ..domain.errors import ServiceUnavailable
from .models import LimitModel, read

KEEP_SECONDS = 7 * 24 * 60 * 60


def _key(name: str) -> str:
    return f"circuit#{name}"


class DynamoCircuits:
    """``CircuitStore`` on DynamoDB."""

    def get(self, name: str) -> CircuitState:
        """The circuit's state, read consistently."""
        row = read(LimitModel, _key(name))
        if row is None:
            return CircuitState()
        return CircuitState(int(row.hits or 0), int(row.until or 0))

    def failed(self, name: str) -> int:
        """One more failure (an atomic ADD); the new count."""
        row = LimitModel(key=_key(name))
        try:
            row.update(actions=[
                LimitModel.hits.add(1),
                LimitModel.until.set(LimitModel.until | 0),
                LimitModel.expiration.set(int(time.time()) + KEEP_SECONDS),
            ])
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
        return int(row.hits)

    def open_until(self, name: str, until: int, *, unless_after: int) -> bool:
        """Set the open period's end if it is not already past ``unless_after``."""
        row = LimitModel(key=_key(name))
        try:
            row.update(
                actions=[LimitModel.until.set(until),
                         LimitModel.expiration.set(until + KEEP_SECONDS)],
                condition=LimitModel.key.exists() & (LimitModel.until <= unless_after),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise ServiceUnavailable("service_unavailable") from error
        return True

    def reset(self, name: str) -> None:
        """Close the circuit."""
        try:
            LimitModel(key=_key(name)).update(actions=[
                LimitModel.hits.set(0), LimitModel.until.set(0),
                LimitModel.expiration.set(int(time.time()) + KEEP_SECONDS),
            ])
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
