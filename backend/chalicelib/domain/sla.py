"""The SLA job: which applications an office has kept past its due-by day, per agency and
service, for ops and for the desk.

Run on a schedule. For each agency and each status in which the office's clock runs
(``forwarded``, ``in_review``, ``resubmitted``) it pages through the agency's queue (a
Query, never a Scan), counts working days again from when the office received the
application, with today's public holiday list (ops may have added a holiday since), and
marks each one: its due-by day and, once past it, overdue. The counts per agency and
service replace the previous run's, so an application decided since stops counting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from .bangla import add_working_days, dhaka_date
from .catalog import Catalog
from .counters import overdue_scope
from .desk import AWAITING_OFFICE
from .lifecycle import Application, Status
from .ports import ApplicationStore

PAGE = 100


class OverdueLedger(Protocol):
    """Where the SLA job keeps its marks and counts (``store``; fakes in tests)."""

    def mark(self, tracking_id: str, due_by: date, overdue: bool) -> None:
        """Write an application's due-by day and whether it is overdue (not a move: no
        history, no lock taken)."""
        ...

    def overdue(self) -> Iterable[tuple[str, int]]:
        """The counts the last run kept, by scope."""
        ...

    def set_overdue(self, counts: dict[str, int]) -> None:
        """Replace counts by scope (a scope absent here is left as it is)."""
        ...


@dataclass(frozen=True)
class SlaRun:
    """What a run saw: applications looked at, and overdue by ``(agency, service)``."""

    seen: int
    overdue: dict[tuple[str, str], int]


def received_at(application: Application) -> datetime | None:
    """When the office received it (its first ``forwarded`` move)."""
    return next((entry.at for entry in application.history
                 if entry.status is Status.FORWARDED), None)


class Sla:
    """The overdue marks and counts."""

    def __init__(self, *, store: ApplicationStore, ledger: OverdueLedger, catalog: Catalog,
                 agencies: Callable[[], list[str]], holidays: Callable[[], frozenset[date]],
                 clock: Callable[[], datetime]) -> None:
        self.store = store
        self.ledger = ledger
        self.catalog = catalog
        self.agencies = agencies
        self.holidays = holidays
        self.clock = clock

    def due_by(self, application: Application, holidays: frozenset[date]) -> date | None:
        """The last working day the office has, by today's holiday list."""
        received = received_at(application)
        if received is None or application.service_id not in self.catalog.entries:
            return application.due_by
        days = self.catalog.service(application.service_id).sla_working_days_for(
            application.form)
        return None if days is None else add_working_days(dhaka_date(received), days, holidays)

    def run(self) -> SlaRun:
        """Mark and count every agency's applications past their due-by day."""
        today, holidays = dhaka_date(self.clock()), self.holidays()
        counts: dict[tuple[str, str], int] = {}
        seen = 0
        for agency_id in self.agencies():
            for status in sorted(AWAITING_OFFICE):
                cursor: str | None = None
                while True:
                    page = self.store.by_agency_status(agency_id, status, limit=PAGE,
                                                       cursor=cursor)
                    for application in page.items:
                        seen += 1
                        due = self.due_by(application, holidays)
                        if due is None:
                            continue
                        late = due < today
                        if due != application.due_by or late:
                            self.ledger.mark(application.tracking_id, due, late)
                        if late:
                            key = (agency_id, application.service_id)
                            counts[key] = counts.get(key, 0) + 1
                    cursor = page.cursor
                    if cursor is None:
                        break
        fresh = {overdue_scope(agency, service): count
                 for (agency, service), count in counts.items()}
        stale = {scope: 0 for scope, count in self.ledger.overdue()
                 if scope not in fresh and count}
        self.ledger.set_overdue({**stale, **fresh})
        return SlaRun(seen, counts)
