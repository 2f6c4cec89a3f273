"""The SLA job's marks (on the applications) and counts (the counters table's
``current`` rows), written without taking the applications' lock: a mark is not a move."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.exceptions import PynamoDBException

from ..domain.counters import OVERDUE_DAY
from ..domain.errors import ServiceUnavailable
from .models import ApplicationModel, CounterModel
from .stats import DynamoCounters


class DynamoOverdueLedger:
    """``OverdueLedger`` on the applications and counters tables."""

    def mark(self, tracking_id: str, due_by: date, overdue: bool) -> None:
        """Set ``due_by`` and ``overdue`` (its version untouched: officers' If-Match holds)."""
        try:
            ApplicationModel._get_connection().update_item(
                tracking_id,
                actions=[ApplicationModel.due_by.set(due_by.isoformat()),
                         ApplicationModel.overdue.set(1 if overdue else 0)],
                condition=ApplicationModel.tracking_id.exists(),
            )
        except PynamoDBException as error:
            if "ConditionalCheckFailed" in str(error):
                return  # gone meanwhile
            raise ServiceUnavailable("service_unavailable") from error

    def overdue(self) -> Iterable[tuple[str, int]]:
        """The counts the last run kept."""
        return DynamoCounters().overdue()

    def set_overdue(self, counts: dict[str, int]) -> None:
        """Replace each scope's count."""
        try:
            for scope, count in counts.items():
                CounterModel(day=OVERDUE_DAY, scope=scope, total=count).save()
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
