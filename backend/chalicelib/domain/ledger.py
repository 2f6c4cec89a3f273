"""A centre's ledger: what each assisted application cost the citizen, by Dhaka day.

Every assisted application writes one ledger entry in the transaction that creates it
(``ApplicationStore.create``), keyed by its centre and Dhaka day, so the ledger of a day
or a range (at most ``MAX_DAYS``) is one Query, and its totals are added up from the
entries it returns: they cannot disagree.

Who may read it: that centre's entrepreneurs and ops. An entrepreneur of another centre
gets the answer an unknown centre gets (404); other roles get 403.

Pure Python: the store and the clock are handed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from .access import Principal, Role, require
from .bangla import dhaka_date, to_ascii_digits, to_bangla_digits
from .errors import FieldProblem, NotFound, ValidationFailed
from .fees import taka
from .lifecycle import Application
from .messages import LEDGER_FIELDS

MAX_DAYS = 31
METHODS = ("cash", "mfs")


@dataclass(frozen=True)
class LedgerEntry:
    """One assisted application as the centre's books show it."""

    centre_id: str
    day: date  # the Dhaka day it was made
    created_at: datetime
    tracking_id: str
    service_id: str
    entrepreneur_id: str
    fee_poisha: int | None
    service_charge_poisha: int
    payment_method: str
    mfs_provider: str | None = None

    @property
    def key(self) -> str:
        """The entry's sort key under its centre: day, moment, id (oldest first)."""
        return f"{self.day.isoformat()}#{self.created_at.isoformat()}#{self.tracking_id}"


def entry_for(application: Application) -> LedgerEntry | None:
    """The ledger entry of a new application, ``None`` unless it was made at a centre."""
    record = application.assisted
    if record is None or application.centre_id is None:
        return None
    return LedgerEntry(
        centre_id=application.centre_id, day=dhaka_date(application.created_at),
        created_at=application.created_at, tracking_id=application.tracking_id,
        service_id=application.service_id, entrepreneur_id=record.entrepreneur_id,
        fee_poisha=record.fee_poisha, service_charge_poisha=record.service_charge_poisha,
        payment_method=record.payment_method, mfs_provider=record.mfs_provider,
    )


class LedgerStore(Protocol):
    """Where ledger entries are read (they are written with their application)."""

    def entries(self, centre_id: str, start: date, end: date) -> Sequence[LedgerEntry]:
        """Every entry of the centre from ``start`` to ``end`` (Dhaka days, inclusive),
        oldest first, by one Query (all its pages)."""
        ...


def _problem(field: str, code: str, **values: Any) -> FieldProblem:
    return FieldProblem.of(field, code, LEDGER_FIELDS[field], **values)


def _day(field: str, text: str | None, problems: list[FieldProblem]) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(to_ascii_digits(text.strip()))
    except ValueError:
        problems.append(_problem(field, "date"))
        return None


def parse_days(day: str | None, start: str | None, end: str | None, *, today: date,
               ) -> tuple[date, date]:
    """The first and last Dhaka day asked for: ``date`` alone, or ``from``..``to`` (either
    defaulting to the other), or today. ``ValidationFailed`` (422) naming the field: not
    a date, both forms at once, ``to`` before ``from``, more than ``MAX_DAYS`` days."""
    problems: list[FieldProblem] = []
    one, first, last = (_day("date", day, problems), _day("from", start, problems),
                        _day("to", end, problems))
    if problems:
        raise ValidationFailed("query_invalid", fields=problems)
    if one is not None and (first or last):
        raise ValidationFailed("query_invalid", fields=[_problem("date", "date_or_range")])
    if one is not None:
        return one, one
    first = first or last or today
    last = last or first
    if last < first:
        raise ValidationFailed("query_invalid", fields=[_problem("to", "date_before_start")])
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed("query_invalid", fields=[_problem(
            "to", "range_too_long", limit=MAX_DAYS, limit_bn=to_bangla_digits(MAX_DAYS))])
    return first, last


def _money(poisha: int) -> dict[str, Any]:
    return {"poisha": poisha, "bdt": taka(poisha)}


def totals(entries: Sequence[LedgerEntry]) -> dict[str, Any]:
    """The sums of the entries: fees collected, service charges, and both by method."""
    def summed(items: Sequence[LedgerEntry]) -> dict[str, Any]:
        fees = sum(item.fee_poisha or 0 for item in items)
        charges = sum(item.service_charge_poisha for item in items)
        return {"applications": len(items), "fees": _money(fees),
                "fees_unknown": sum(1 for item in items if item.fee_poisha is None),
                "service_charges": _money(charges), "collected": _money(fees + charges)}

    return {**summed(entries), "by_method": {
        method: summed([item for item in entries if item.payment_method == method])
        for method in METHODS}}


@dataclass(frozen=True)
class LedgerReport:
    """The entries of the days asked for, and their totals."""

    centre_id: str
    start: date
    end: date
    entries: Sequence[LedgerEntry]

    def to_dict(self) -> dict[str, Any]:
        """As the API answers it (money in poisha and as taka text)."""
        return {
            "centre_id": self.centre_id, "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "entries": [{
                "tracking_id": item.tracking_id, "date": item.day.isoformat(),
                "created_at": item.created_at.isoformat(), "service_id": item.service_id,
                "entrepreneur_id": item.entrepreneur_id,
                "fee_poisha": item.fee_poisha, "fee_bdt": taka(item.fee_poisha),
                "service_charge_poisha": item.service_charge_poisha,
                "service_charge_bdt": taka(item.service_charge_poisha),
                "payment_method": item.payment_method, "mfs_provider": item.mfs_provider,
            } for item in self.entries],
            "totals": totals(self.entries),
        }


class Ledger:
    """Reading a centre's ledger."""

    def __init__(self, *, store: LedgerStore, centre_exists: Callable[[str], bool],
                 clock: Callable[[], datetime]) -> None:
        self.store = store
        self.centre_exists = centre_exists
        self.clock = clock

    def report(self, principal: Principal, centre_id: str, *, day: str | None = None,
               start: str | None = None, end: str | None = None) -> LedgerReport:
        """The ledger of a centre for a day or a range.

        Raises ``Forbidden`` (403) for citizens and officers, ``NotFound`` (404) for a
        centre that is not the entrepreneur's own or that does not exist,
        ``ValidationFailed`` (422) for the days (see ``parse_days``).
        """
        require(principal, Role.ENTREPRENEUR, Role.OPS)
        if principal.role is Role.ENTREPRENEUR and principal.centre_id != centre_id:
            raise NotFound("centre_not_found")
        first, last = parse_days(day, start, end, today=dhaka_date(self.clock()))
        if principal.role is Role.OPS and not self.centre_exists(centre_id):
            raise NotFound("centre_not_found")
        return LedgerReport(centre_id, first, last, self.store.entries(centre_id, first, last))


CSV_COLUMNS = ("date", "created_at", "tracking_id", "service_id", "entrepreneur_id",
               "fee_bdt", "service_charge_bdt", "payment_method", "mfs_provider")


def csv_rows(report: LedgerReport) -> list[list[str]]:
    """The ledger as CSV rows: a header, one row per entry, then the totals."""
    view = report.to_dict()
    rows = [list(CSV_COLUMNS)]
    rows += [[str(entry[column] if entry[column] is not None else "") for column in CSV_COLUMNS]
             for entry in view["entries"]]
    total = view["totals"]
    rows.append(["total", "", str(total["applications"]), "", "", total["fees"]["bdt"],
                 total["service_charges"]["bdt"], "", ""])
    for method in METHODS:
        part = total["by_method"][method]
        rows.append([f"total {method}", "", str(part["applications"]), "", "",
                     part["fees"]["bdt"], part["service_charges"]["bdt"], method, ""])
    return rows
