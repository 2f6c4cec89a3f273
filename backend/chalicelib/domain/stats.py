"""What happens across the country, counted: the ops figures read back from the counter
rows each move adds (``domain.counters``), never from the applications themselves.

Every move into a status adds one to a few small counter rows of its Dhaka day, in the
same transaction as the move, one row per *family* of dimensions (area, service, centre,
consent: ``counters.scopes_for``), so a move adds at most four rows, whatever the number
of applications, and reading one family of one day is one Query (``day`` and
``begins_with(scope, family)``) whose size is bounded by that family's values x statuses
x shards, never by the number of applications. The two busy families are spread over
``counters.SHARDS`` rows (chosen by tracking id) so that
concurrent transactions in a busy district rarely touch the same row; readers add the
shards up. A centre's rows are not sharded: one centre's tablet is never that busy.

A day that is over is read from one *summary* per family instead of its rows: the rows
with their shards added up, kept the first time the finished day is read (read-through)
and fetched for a whole range in one batch read, so a range of finished days costs the
same at 1 k applications as at millions. Summaries never go stale: every move is counted
on the Dhaka day of the clock reading that made it (``entry.at``, the request's or the
worker's own ``clock()``, never a time sent by a client), so once a day has been over
longer than any request or worker may take to commit (``SUMMARY_AFTER``) its rows no
longer change. Today (and a day just over) is counted from its rows, one Query per
family, bounded by the family's values x statuses x shards, by a job every
``LIVE_COUNT_EVERY`` (``count_live``), not by a reader: what it counts is kept as the
day's *live* summary, with the time it was counted, and readers take that (one batch
read for the whole range), so today's figures are about a minute old at most and say
when they were counted (``counted_at``). A reader counts the rows itself only when no
live summary younger than ``LIVE_FOR`` is there (a new stage, or a job that has
stopped). A finished day's own summary replaces its live one. ``nagorik seed`` is the
one writer of past days (demo stages only): it makes the summaries of the days it
writes again.

A day's counts of one family are read and kept as a ``Tally``: a row per key (the scope
without its status), a column per status. The two busy families are laid out on fixed
keys (``layout``: every district and channel, every service of the catalog), zeros
included, so a day's tally is the same size at 1 k applications as at millions and a
range of days is added up column by column, never entry by entry.

Overdue applications are a state, not a day's flow: the SLA job (the agencies' issue)
writes ``overdue#agency#<agency>#service#<service>`` rows under ``OVERDUE_DAY``, each the
number overdue when it last ran; until that job exists there are none and ops see zero.

Pure Python: the counters, the queues and the clock are handed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from .access import Principal, Role, require
from .bangla import dhaka_date, to_ascii_digits, to_bangla_digits
from .counters import CHANNELS, LIVE_COUNT_EVERY, area_key, service_key
from .errors import FieldProblem, ValidationFailed
from .lifecycle import Channel, Status
from .messages import Text

FAMILIES = ("area", "service", "centre", "consent")
DIMENSIONS = ("district", "service", "agency", "status", "centre", "channel")
# Which family of rows answers which dimension (status totals come from "area").
FAMILY_OF = {"district": "area", "channel": "area", "status": "area",
             "service": "service", "agency": "service", "centre": "centre"}
MAX_DAYS = 93  # a quarter: one batch read of its finished days' summaries, one Query per
# family for the days not yet finished
# How long after a Dhaka midnight the day's counters may still change: longer than any
# Lambda may run (15 min), so a move clocked before midnight has been committed or failed.
SUMMARY_AFTER = timedelta(minutes=20)
READ_THREADS = 8
# How long a live summary answers before a reader would count the rows itself: longer
# than the job's period (``LIVE_COUNT_EVERY``) and its run, so that while it runs no
# reader counts.
LIVE_FOR = LIVE_COUNT_EVERY + timedelta(seconds=30)
# How long the queue depths read by a process answer (the dashboard refreshes every 30 s).
DEPTHS_FOR = timedelta(seconds=30)


def layout(district_ids: Iterable[int],
           services: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """The fixed keys of the busy families: every district with every channel, every
    ``(service, agency)`` of the catalog (any other key counted is added after them)."""
    return {"area": tuple(area_key(district, channel) for district in sorted(district_ids)
                          for channel in CHANNELS),
            "service": tuple(service_key(*pair) for pair in sorted(services))}


@dataclass(frozen=True)
class Count:
    """One counter row, its shard removed: the dimensions it counts and how many."""

    dimensions: Mapping[str, str]
    count: int


def parse_scope(scope: str, count: int) -> Count | None:
    """The dimensions of a counter row (``None`` for a row of no known family)."""
    found = _dimensions_of(scope)
    return None if found is None else Count(found, int(count))


@lru_cache(maxsize=1 << 16)
def _dimensions_of(scope: str) -> dict[str, str] | None:
    """A scope's dimensions, worked out once: a month's summaries repeat the same few
    thousand scopes day after day (the dict is shared: its readers never change it)."""
    parts = scope.split("#")
    family = parts[0]
    if family not in FAMILIES or len(parts) % 2:
        return None
    pairs = dict(zip(parts[2::2], parts[3::2], strict=False))
    dimensions = {"area": "district", "service": "service", "centre": "centre",
                  "consent": "consent"}
    found = {dimensions[family]: parts[1], **pairs}
    found.pop("shard", None)
    return found


def finished(day: date, now: datetime) -> bool:
    """Whether a Dhaka day's counters can no longer change (over for ``SUMMARY_AFTER``)."""
    return dhaka_date(now - SUMMARY_AFTER) > day


def summarise(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """The rows of one family and day with their shards added up: shard-free scope to
    count (the rows of a family of no known kind are kept as they are)."""
    found: dict[str, int] = {}
    for scope, count in rows:
        parts = scope.split("#")
        sharded = len(parts) > 2 and parts[-2] == "shard"  # noqa: PLR2004
        unsharded = "#".join(parts[:-2]) if sharded else scope
        found[unsharded] = found.get(unsharded, 0) + int(count)
    return found


STATUS_ORDER = [status.value for status in Status]
STATUS_MARK = "#status#"


@dataclass(frozen=True)
class Tally:
    """One family's counts (of a day, or added up over days) as a table: a row per key
    (the scope without its status: ``area#01#channel#self``), a column per status
    (``STATUS_ORDER``, then any other; ``""`` for a scope without one), row by row in
    ``values``. Laid out on fixed keys it has the same shape whatever was counted."""

    keys: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    values: tuple[int, ...] = ()

    def counts(self) -> dict[str, int]:
        """The non-zero counts by shard-free scope (what ``summarise`` gives)."""
        width = len(self.columns)
        return {f"{key}{STATUS_MARK}{column}" if column else key: value
                for row, key in enumerate(self.keys)
                for column, value in zip(self.columns, self.values[row * width:(row + 1) * width],
                                         strict=True) if value}

    def by_column(self) -> dict[str, int]:
        """Each column's total (for the area family: every application by status)."""
        width = len(self.columns)
        return {column: sum(self.values[index::width]) for index, column in enumerate(self.columns)}

    def total(self) -> int:
        """Everything counted."""
        return sum(self.values)

    def group(self, dimension: str) -> dict[str, dict[str, int]]:
        """The counts by the value of one dimension of the keys, then by column (the keys
        without that dimension, and the rows of zeros, left out)."""
        width = len(self.columns)
        found: dict[str, list[int]] = {}
        for row, key in enumerate(self.keys):
            cells = self.values[row * width:(row + 1) * width]
            dimensions = _dimensions_of(key) if any(cells) else None
            value = dimensions.get(dimension) if dimensions else None
            if value is None:
                continue
            into = found.setdefault(value, [0] * width)
            for index, count in enumerate(cells):
                into[index] += count
        return {value: dict(zip(self.columns, counts, strict=True))
                for value, counts in found.items()}


EMPTY = Tally()


def split_scope(scope: str) -> tuple[str, str]:
    """A shard-free scope as its key and its status (``""`` when it has none)."""
    key, mark, status = scope.partition(STATUS_MARK)
    return (key, status) if mark else (scope, "")


def tally(counts: Mapping[str, int], keys: Sequence[str] = ()) -> Tally:
    """A family's shard-free counts as a ``Tally`` on ``keys`` (every one of them, zeros
    included), then any other key counted, sorted."""
    cells: dict[tuple[str, str], int] = {}
    for scope, count in counts.items():
        cell = split_scope(scope)
        cells[cell] = cells.get(cell, 0) + int(count)
    if not cells and not keys:
        return EMPTY
    rows = dict.fromkeys(keys)
    rows.update(dict.fromkeys(sorted({key for key, _ in cells} - rows.keys())))
    seen = {status for _, status in cells}
    columns = (*STATUS_ORDER, *sorted(seen - set(STATUS_ORDER) - {""}),
               *(("",) if "" in seen else ()))
    return Tally(tuple(rows), columns,
                 tuple(cells.get((key, column), 0) for key in rows for column in columns))


def add_up(tallies: Iterable[Tally]) -> Tally:
    """Tallies added together: column by column when they share their shape (a laid-out
    family, day after day), else cell by cell."""
    found = [item for item in tallies if item.keys]
    if not found:
        return EMPTY
    first = found[0]
    if all(item.keys == first.keys and item.columns == first.columns for item in found):
        return Tally(first.keys, first.columns,
                     tuple(map(sum, zip(*(item.values for item in found), strict=True))))
    merged: dict[str, int] = {}
    for item in found:
        for scope, count in item.counts().items():
            merged[scope] = merged.get(scope, 0) + count
    return tally(merged, first.keys)


@dataclass(frozen=True)
class Summary:
    """A day's counts of one family, shards added up: a finished day's for good
    (``counted_at`` None), or a day's still going as they were at ``counted_at``."""

    counts: Tally
    counted_at: datetime | None = None


class Counters(Protocol):
    """Where the counter rows and the days' summaries are (``store.stats.DynamoCounters``)."""

    def rows(self, day: date, family: str) -> Iterable[tuple[str, int]]:
        """Every ``(scope, count)`` row of one family on one Dhaka day."""
        ...

    def summaries(self, wanted: Sequence[tuple[date, str]]) -> dict[tuple[date, str], Summary]:
        """The summaries kept for these ``(day, family)`` pairs, finished or live (absent:
        none kept yet), in as few reads as the store allows."""
        ...

    def keep_summary(self, day: date, family: str, counts: Tally) -> Tally:
        """Keep a finished day's summary unless one is kept already (a live one is
        replaced); the one kept (so readers racing to keep it all answer with the same)."""
        ...

    def keep_live_summary(self, day: date, family: str, counts: Tally,
                          counted_at: datetime) -> None:
        """Keep what a day not yet finished counted at ``counted_at`` (over the one kept
        before: the latest count wins; never over a finished day's own summary)."""
        ...

    def overdue(self) -> Iterable[tuple[str, int]]:
        """Every ``(scope, count)`` row the SLA job keeps under ``OVERDUE_DAY``."""
        ...


@dataclass(frozen=True)
class QueueDepth:
    """An agency queue's backlog, as SQS reports it (``None``: could not be read now)."""

    agency_id: str
    waiting: int | None
    in_flight: int | None
    dead_letter: int | None


class QueueDepths(Protocol):
    """Queue attributes (``messaging.SqsQueues``)."""

    def depths(self, agency_ids: Iterable[str]) -> list[QueueDepth]:
        """Each agency's queue and dead-letter queue depths."""
        ...


@dataclass(frozen=True)
class Query:
    """A stats request, checked: an inclusive range of Dhaka days and the dimensions."""

    start: date
    end: date
    by: tuple[str, ...]

    @property
    def days(self) -> list[date]:
        """Every day of the range, oldest first."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


RANGE_LABELS = {"from": Text("শুরুর তারিখ", "From date"), "to": Text("শেষের তারিখ", "To date"),
                "by": Text("ভাগ করার ধরন", "Grouped by")}


def _problem(field: str, code: str, **values: Any) -> ValidationFailed:
    return ValidationFailed("query_invalid",
                            fields=[FieldProblem.of(field, code, RANGE_LABELS[field], **values)])


def _day(field: str, text: str | None, default: date) -> date:
    if text is None or not text.strip():
        return default
    try:
        return date.fromisoformat(to_ascii_digits(text.strip()))
    except ValueError:
        raise _problem(field, "date") from None


def parse_query(start: str | None, end: str | None, by: str | None, *, today: date) -> Query:
    """The checked request: ``from``/``to`` as YYYY-MM-DD (Bangla digits too; default
    today, Dhaka), ``by`` one or more of ``DIMENSIONS`` (comma-separated; default none).

    Raises ``ValidationFailed`` (422) naming the field: a date that is not one, ``to``
    before ``from``, a range over ``MAX_DAYS`` days, an unknown dimension.
    """
    first = _day("from", start, today)
    last = _day("to", end, first if start else today)
    if last < first:
        raise _problem("to", "date_before_start")
    if (last - first).days + 1 > MAX_DAYS:
        raise _problem("to", "range_too_long", limit=MAX_DAYS,
                       limit_bn=to_bangla_digits(MAX_DAYS))
    if first > today + timedelta(days=1):
        raise _problem("from", "future_date")
    wanted = tuple(dict.fromkeys(part.strip() for part in (by or "").split(",") if part.strip()))
    unknown = [part for part in wanted if part not in DIMENSIONS]
    if unknown:
        raise _problem("by", "enum")
    return Query(first, last, wanted)


@dataclass(frozen=True)
class Names:
    """How the figures name what they count (handed in: geography and agencies live
    outside the domain)."""

    district: Callable[[str], Text | None]
    service: Callable[[str], Text | None]
    agency: Callable[[str], Text | None]
    agencies: Callable[[], list[str]]


def _by_status(area: Tally) -> dict[str, int]:
    """Every status's total of the area family (which counts every application)."""
    counts = area.by_column()
    return {status: counts.get(status, 0) for status in STATUS_ORDER}


def _name(text: Text | None) -> dict[str, str] | None:
    return {"bn": text.bn, "en": text.en} if text else None


class Stats:
    """The ops figures: counts over a range of days, queues, overdue, consents."""

    def __init__(self, *, counters: Counters, queues: QueueDepths, names: Names,
                 clock: Callable[[], datetime],
                 layout: Mapping[str, Sequence[str]] | None = None) -> None:
        self.counters = counters
        self.queues = queues
        self.names = names
        self.clock = clock
        # The fixed keys of the busy families (``layout``); a family without is as counted.
        self.layout = {family: tuple(keys) for family, keys in (layout or {}).items()}
        self._depths: tuple[datetime, list[QueueDepth]] | None = None

    def today(self) -> date:
        """Today in Dhaka."""
        return dhaka_date(self.clock())

    def report(self, principal: Principal, start: str | None = None, end: str | None = None,
               by: str | None = None, *, queues: bool = True) -> dict[str, Any]:
        """The figures for ops (``Forbidden`` for any other role; ``ValidationFailed`` for
        a bad range or dimension): totals by status, the daily trend of submissions, the
        groups asked for, queue depths, overdue and consents without a code."""
        require(principal, Role.OPS)
        query = parse_query(start, end, by, today=self.today())
        families = ["area", *sorted({FAMILY_OF[name] for name in query.by} - {"area"}),
                    "consent"]
        rows, counted_at = self._read(query.days, families)
        added = {family: add_up(day.get(family, EMPTY) for day in rows.values())
                 for family in families}
        return {
            "from": query.start.isoformat(), "to": query.end.isoformat(),
            "by": list(query.by),
            "generated_at": self.clock().isoformat(),
            "counted_at": counted_at.isoformat(),
            "totals": _by_status(added["area"]),
            "trend": self._trend(query.days, rows),
            "groups": {name: self._groups(name, added) for name in query.by},
            "queues": self._queues() if queues else [],
            "overdue": self._overdue(),
            "consents_without_code": added["consent"].total(),
        }

    def summarise_finished(self, days_back: int = 2) -> list[date]:
        """Keep the summaries of the last ``days_back`` days that are over for good and
        have none yet (so that no reader after midnight has to make them: one batch read
        when they are there); the days looked at."""
        now = self.clock()
        days = [day for day in (self.today() - timedelta(days=n) for n in range(1, days_back + 1))
                if finished(day, now)]
        if days:
            self._read(days, list(FAMILIES))
        return days

    def count_live(self) -> list[date]:
        """Count the days not yet finished (today, and the day just over in its grace) from
        their rows and keep their live summaries, whatever is kept (the job that runs this
        every ``LIVE_COUNT_EVERY`` is why readers do not count); the days counted."""
        now = self.clock()
        days = [day for day in (self.today() - timedelta(days=1), self.today())
                if not finished(day, now)]
        self._read(days, list(FAMILIES), recount=True)
        return days

    def count(self, days: Iterable[date]) -> None:
        """Make the summaries of these days where none is kept (for a writer of past days,
        once it has forgotten theirs: ``nagorik seed``), so no reader has to."""
        self._read(sorted(set(days)), list(FAMILIES))

    def _read(self, days: list[date], families: list[str], *, recount: bool = False
              ) -> tuple[dict[date, dict[str, Tally]], datetime]:
        """Every count of these families on these days, and when the oldest of them was
        counted: all the summaries kept in one batch read; a finished day's own summary
        as it is, a live one while it is younger than ``LIVE_FOR`` (unless ``recount``);
        the rest counted from their rows (one Query per day and family, side by side)
        and kept."""
        now = self.clock()
        jobs = [(day, family) for day in days for family in families]
        kept = self.counters.summaries(jobs)

        def usable(job: tuple[date, str]) -> bool:
            summary = kept.get(job)
            if summary is None:
                return False
            if finished(job[0], now):
                return summary.counted_at is None
            return (not recount and summary.counted_at is not None
                    and now - summary.counted_at < LIVE_FOR)

        def read(job: tuple[date, str]) -> Tally:
            counts = tally(summarise(self.counters.rows(*job)), self.layout.get(job[1], ()))
            if finished(job[0], now):
                return self.counters.keep_summary(*job, counts)
            self.counters.keep_live_summary(*job, counts, now)
            return counts

        counts = {job: kept[job].counts for job in jobs if usable(job)}
        counted = [kept[job].counted_at or now for job in counts]
        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            fresh = {job: pool.submit(read, job) for job in jobs if job not in counts}
            counts.update({job: future.result() for job, future in fresh.items()})
        result: dict[date, dict[str, Tally]] = {day: {} for day in days}
        for (day, family), found in counts.items():
            result[day][family] = found
        return result, min([*counted, now])

    @staticmethod
    def _trend(days: list[date], rows: dict[date, dict[str, Tally]]) -> list[dict]:
        trend = []
        for day in days:
            counts = rows[day].get("area", EMPTY).by_column()
            trend.append({"date": day.isoformat(),
                          **{status: counts.get(status, 0)
                             for status in ("submitted", "approved", "rejected")}})
        return trend

    def _groups(self, name: str, added: Mapping[str, Tally]) -> list[dict]:
        if name == "status":
            totals = _by_status(added["area"])
            return [{"key": status, "name": _name(Status(status).label),
                     "counts": {status: totals[status]}, "total": totals[status]}
                    for status in STATUS_ORDER]
        found = {key: {status: counts.get(status, 0) for status in STATUS_ORDER}
                 for key, counts in added[FAMILY_OF[name]].group(name).items()}
        if name == "channel":
            for channel in CHANNELS:
                found.setdefault(channel, dict.fromkeys(STATUS_ORDER, 0))
        ordered = sorted(found.items(), key=lambda kv: (-kv[1]["submitted"], kv[0]))
        return [{"key": key, "name": self._named(name, key), "counts": counts,
                 "total": counts["submitted"]} for key, counts in ordered]

    def _named(self, name: str, key: str) -> dict[str, str] | None:
        match name:
            case "district":
                return _name(self.names.district(key))
            case "service":
                return _name(self.names.service(key))
            case "agency":
                return _name(self.names.agency(key))
            case "channel":
                return _name(CHANNEL_LABELS.get(key))
            case _:
                return None

    def _queues(self) -> list[dict[str, Any]]:
        """Each agency's queue depths, as read at most ``DEPTHS_FOR`` ago by this process
        (two SQS calls an agency: the dashboard's refresh every 30 s reads them once)."""
        now = self.clock()
        if self._depths is None or not timedelta(0) <= now - self._depths[0] < DEPTHS_FOR:
            self._depths = (now, list(self.queues.depths(self.names.agencies())))
        return [{"agency_id": depth.agency_id, "name": _name(self.names.agency(depth.agency_id)),
                 "waiting": depth.waiting, "in_flight": depth.in_flight,
                 "dead_letter": depth.dead_letter}
                for depth in self._depths[1]]

    def _overdue(self) -> dict[str, Any]:
        by_agency: dict[str, int] = {}
        by_service: dict[str, int] = {}
        for scope, count in self.counters.overdue():
            parts = scope.split("#")
            if len(parts) != 5 or parts[0] != "overdue":  # noqa: PLR2004
                continue
            by_agency[parts[2]] = by_agency.get(parts[2], 0) + int(count)
            by_service[parts[4]] = by_service.get(parts[4], 0) + int(count)
        return {
            "total": sum(by_agency.values()),
            "by_agency": [{"key": key, "name": _name(self.names.agency(key)), "count": count}
                          for key, count in sorted(by_agency.items(), key=lambda kv: -kv[1])],
            "by_service": [{"key": key, "name": _name(self.names.service(key)), "count": count}
                           for key, count in sorted(by_service.items(), key=lambda kv: -kv[1])],
        }


CHANNEL_LABELS = {
    Channel.SELF.value: Text("নিজে", "Self"),
    Channel.ASSISTED.value: Text("উদ্যোক্তার সহায়তায়", "Assisted at a centre"),
}
