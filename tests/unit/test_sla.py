"""The SLA job: overdue counted in working days from when the office received it, with
today's holiday list; counts per agency and service replace the last run's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.catalog_files import load_catalog
from chalicelib.domain.counters import overdue_scope
from chalicelib.domain.lifecycle import Application, Channel, HistoryEntry, Status
from chalicelib.domain.ports import Page
from chalicelib.domain.sla import Sla
from chalicelib.settings import Settings

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # Tuesday, noon in Dhaka
SERVICE = "birth-certificate-copy"  # 7 working days
AGENCY = "birth-death-registration"


def received(tracking_id: str, day: date, status: Status = Status.IN_REVIEW) -> Application:
    at = datetime(day.year, day.month, day.day, 5, tzinfo=UTC)
    return Application(
        tracking_id=tracking_id, service_id=SERVICE, service_version=1, agency_id=AGENCY,
        applicant_name="রহিম", applicant_phone="+8801712345678", form={}, channel=Channel.SELF,
        created_at=at, district_id=26, status=status,
        history=[HistoryEntry(Status.FORWARDED, at, "agency:x", Channel.AGENCY_API)])


class Store:
    """``by_agency_status`` over a list, two to a page (so the job must follow cursors)."""

    def __init__(self, *applications: Application) -> None:
        self.applications = applications

    def by_agency_status(self, agency_id, status, *, limit, cursor):
        found = [a for a in self.applications if a.agency_id == agency_id and a.status is status]
        start = int(cursor or 0)
        end = start + min(limit, 2)
        return Page(found[start:end], str(end) if end < len(found) else None)


class Ledger:
    def __init__(self, counts: dict[str, int] | None = None) -> None:
        self.marks: dict[str, tuple[date, bool]] = {}
        self.counts = dict(counts or {})

    def mark(self, tracking_id, due_by, overdue):
        self.marks[tracking_id] = (due_by, overdue)

    def overdue(self):
        return list(self.counts.items())

    def set_overdue(self, counts):
        self.counts.update(counts)


def sla(store: Store, ledger: Ledger, holidays: frozenset[date] = frozenset()) -> Sla:
    return Sla(store=store, ledger=ledger, catalog=load_catalog(Settings().schemas_dir),
               agencies=lambda: [AGENCY, "police"], holidays=lambda: holidays,
               clock=lambda: NOW)


def test_applications_past_their_working_days_are_marked_and_counted() -> None:
    late = [received(f"late-{n}", date(2026, 11, 15)) for n in range(3)]  # due 24 Nov
    on_time = received("fresh", date(2026, 11, 30))
    decided = received("done", date(2026, 11, 1), Status.APPROVED)
    ledger = Ledger()

    run = sla(Store(*late, on_time, decided), ledger).run()

    assert run.overdue == {(AGENCY, SERVICE): 3}
    assert ledger.counts == {overdue_scope(AGENCY, SERVICE): 3}
    assert {t for t, (_, overdue) in ledger.marks.items() if overdue} == {
        "late-0", "late-1", "late-2"}
    assert ledger.marks["late-0"][0] == date(2026, 11, 24)
    assert "done" not in ledger.marks


def test_a_holiday_ops_add_later_moves_the_due_day() -> None:
    # received Thursday 19 Nov: 7 working days end Monday 30 Nov (overdue on 1 Dec) ...
    application = received("edge", date(2026, 11, 19))
    assert sla(Store(application), Ledger()).run().overdue == {(AGENCY, SERVICE): 1}
    # ... unless 25 Nov is a public holiday: then it is due today, not yet overdue
    ledger = Ledger()
    run = sla(Store(application), ledger, frozenset({date(2026, 11, 25)})).run()
    assert run.overdue == {}
    assert ledger.marks["edge"] == (date(2026, 12, 1), False)


def test_a_count_from_the_last_run_that_no_longer_holds_is_zeroed() -> None:
    ledger = Ledger({overdue_scope(AGENCY, SERVICE): 4})
    sla(Store(received("fresh", date(2026, 11, 30))), ledger).run()
    assert ledger.counts == {overdue_scope(AGENCY, SERVICE): 0}
