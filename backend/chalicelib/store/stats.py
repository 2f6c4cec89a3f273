"""The counters table, read: one Query per day and family of rows (never a Scan)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.exceptions import PynamoDBException

from ..domain.errors import ServiceUnavailable
from ..domain.stats import OVERDUE_DAY
from .models import CounterModel


class DynamoCounters:
    """``Counters`` on the counters table."""

    def rows(self, day: date, family: str) -> Iterable[tuple[str, int]]:
        """Every ``(scope, count)`` of one family on one Dhaka day (all pages)."""
        return self._query(day.isoformat(), f"{family}#")

    def overdue(self) -> Iterable[tuple[str, int]]:
        """The overdue rows the SLA job keeps (none until it runs)."""
        return self._query(OVERDUE_DAY, "overdue#")

    @staticmethod
    def _query(day: str, prefix: str) -> list[tuple[str, int]]:
        try:
            return [(item.scope, int(item.total)) for item in CounterModel.query(
                day, CounterModel.scope.startswith(prefix),
                attributes_to_get=["scope", "count"])]
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
