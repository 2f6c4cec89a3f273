"""What happens across the country, counted: the counter rows each move adds, and the ops
figures read back from them (never from the applications themselves).

Every move into a status adds one to a few small counter rows of its Dhaka day, in the
same transaction as the move, one row per *family* of dimensions:

    area#<district>#channel#<channel>#status#<status>#shard#<n>    district, channel, status
    service#<service>#agency#<agency>#status#<status>#shard#<n>     service, agency, status
    centre#<centre>#channel#<channel>#status#<status>                a centre's applications
    consent#no_code#centre#<centre>                                  consent taken without a code

so a move adds at most four rows, whatever the number of applications, and reading one
family of one day is one Query (``day`` and ``begins_with(scope, family)``) whose size is
bounded by that family's values x statuses x shards, never by the number of applications.
The two busy families are spread over ``SHARDS`` rows (chosen by tracking id) so that
concurrent transactions in a busy district rarely touch the same row; readers add the
shards up. A centre's rows are not sharded: one centre's tablet is never that busy.

A day that is over is read from one *summary* per family instead of its rows: the rows
with their shards added up, kept the first time the finished day is read (read-through)
and fetched for a whole range in one batch read, so a range of finished days costs the
same at 1 k applications as at millions. Summaries never go stale: every move is counted
on the Dhaka day of the clock reading that made it (``entry.at``, the request's or the
worker's own ``clock()``, never a time sent by a client), so once a day has been over
longer than any request or worker may take to commit (``SUMMARY_AFTER``) its rows no
longer change. Today (and a day just over) is read live, one Query per family, bounded
by the family's values x statuses x shards, at most once every ``LIVE_FOR``: what is
read is kept as the day's *live* summary, with the time it was counted, and readers in
the next ``LIVE_FOR`` take that instead (one batch read for the whole range), so a busy
day's figures are that many seconds old at most and say when they were counted
(``counted_at``). A finished day's own summary replaces its live one. ``nagorik seed``
is the one writer of past days (demo stages only): it forgets the summaries of the days
it writes.

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
from .errors import FieldProblem, ValidationFailed
from .lifecycle import Application, Channel, Status
from .messages import Text

SHARDS = 8
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
OVERDUE_DAY = "current"  # the partition of counts that are a state, not a day's flow
NO_CODE = "no_code"  # Application.consent: the citizen's consent was recorded without a code
READ_THREADS = 8
# How long the live summary of a day not yet finished answers before it is counted again
# from the rows: the dashboard refreshes every 30 s, so each refresh counts at most once.
LIVE_FOR = timedelta(seconds=30)


def shard_of(application: Application) -> int:
    """The shard of an application's rows (from its tracking id: random, so even)."""
    return int(application.tracking_id[-4:-1]) % SHARDS


def scopes_for(application: Application, status: Status) -> list[str]:
    """The counter rows a move of ``application`` into ``status`` adds one to."""
    shard = f"shard#{shard_of(application):02d}"
    channel = application.channel.value
    found = [
        f"area#{application.district_id:02d}#channel#{channel}#status#{status.value}#{shard}",
        f"service#{application.service_id}#agency#{application.agency_id}"
        f"#status#{status.value}#{shard}",
    ]
    if application.centre_id:
        found.append(f"centre#{application.centre_id}#channel#{channel}#status#{status.value}")
        if status is Status.SUBMITTED and application.consent == NO_CODE:
            found.append(f"consent#{NO_CODE}#centre#{application.centre_id}")
    return found


def overdue_scope(agency_id: str, service_id: str) -> str:
    """The row (under ``OVERDUE_DAY``) holding how many of a service's are overdue now."""
    return f"overdue#agency#{agency_id}#service#{service_id}"


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


@dataclass(frozen=True)
class Summary:
    """A day's counts of one family, shards added up: a finished day's for good
    (``counted_at`` None), or a day's still going as they were at ``counted_at``."""

    counts: dict[str, int]
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

    def keep_summary(self, day: date, family: str, counts: Mapping[str, int]) -> dict[str, int]:
        """Keep a finished day's summary unless one is kept already (a live one is
        replaced); the one kept (so readers racing to keep it all answer with the same)."""
        ...

    def keep_live_summary(self, day: date, family: str, counts: Mapping[str, int],
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


STATUS_ORDER = [status.value for status in Status]
CHANNELS = (Channel.SELF.value, Channel.ASSISTED.value)


def _name(text: Text | None) -> dict[str, str] | None:
    return {"bn": text.bn, "en": text.en} if text else None


class Stats:
    """The ops figures: counts over a range of days, queues, overdue, consents."""

    def __init__(self, *, counters: Counters, queues: QueueDepths, names: Names,
                 clock: Callable[[], datetime]) -> None:
        self.counters = counters
        self.queues = queues
        self.names = names
        self.clock = clock
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
        return {
            "from": query.start.isoformat(), "to": query.end.isoformat(),
            "by": list(query.by),
            "generated_at": self.clock().isoformat(),
            "counted_at": counted_at.isoformat(),
            "totals": self._totals(rows),
            "trend": self._trend(query.days, rows),
            "groups": {name: self._groups(name, rows) for name in query.by},
            "queues": self._queues() if queues else [],
            "overdue": self._overdue(),
            "consents_without_code": sum(
                item.count for day in rows.values() for item in day.get("consent", [])),
        }

    def summarise_finished(self, days_back: int = 2) -> list[date]:
        """Keep the summaries of the last ``days_back`` days that are over for good and
        have none yet (the hourly SLA job runs this, so that no reader after midnight has
        to make them: one batch read when they are there); the days looked at."""
        now = self.clock()
        days = [day for day in (self.today() - timedelta(days=n) for n in range(1, days_back + 1))
                if finished(day, now)]
        if days:
            self._read(days, list(FAMILIES))
        return days

    def _read(self, days: list[date], families: list[str]
              ) -> tuple[dict[date, dict[str, list[Count]]], datetime]:
        """Every count of these families on these days, and when the oldest of them was
        counted: all the summaries kept in one batch read; a finished day's own summary
        as it is, a live one while it is younger than ``LIVE_FOR``; the rest counted from
        their rows (one Query per day and family, side by side) and kept."""
        now = self.clock()
        jobs = [(day, family) for day in days for family in families]
        kept = self.counters.summaries(jobs)

        def usable(job: tuple[date, str]) -> bool:
            summary = kept.get(job)
            if summary is None:
                return False
            if finished(job[0], now):
                return summary.counted_at is None
            return summary.counted_at is not None and now - summary.counted_at < LIVE_FOR

        def read(job: tuple[date, str]) -> dict[str, int]:
            counts = summarise(self.counters.rows(*job))
            if finished(job[0], now):
                return self.counters.keep_summary(*job, counts)
            self.counters.keep_live_summary(*job, counts, now)
            return counts

        counts = {job: kept[job].counts for job in jobs if usable(job)}
        counted = [kept[job].counted_at or now for job in counts]
        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            fresh = {job: pool.submit(read, job) for job in jobs if job not in counts}
            counts.update({job: future.result() for job, future in fresh.items()})
        result: dict[date, dict[str, list[Count]]] = {day: {} for day in days}
        for (day, family), found in counts.items():
            items = (parse_scope(scope, count) for scope, count in found.items())
            result[day][family] = [item for item in items if item is not None]
        return result, min([*counted, now])

    @staticmethod
    def _totals(rows: dict[date, dict[str, list[Count]]]) -> dict[str, int]:
        totals = dict.fromkeys(STATUS_ORDER, 0)
        for day in rows.values():
            for item in day.get("area", []):
                status = item.dimensions.get("status", "")
                if status in totals:
                    totals[status] += item.count
        return totals

    @staticmethod
    def _trend(days: list[date], rows: dict[date, dict[str, list[Count]]]) -> list[dict]:
        trend = []
        for day in days:
            counts = {"submitted": 0, "approved": 0, "rejected": 0}
            for item in rows[day].get("area", []):
                status = item.dimensions.get("status", "")
                if status in counts:
                    counts[status] += item.count
            trend.append({"date": day.isoformat(), **counts})
        return trend

    def _groups(self, name: str, rows: dict[date, dict[str, list[Count]]]) -> list[dict]:
        family = FAMILY_OF[name]
        found: dict[str, dict[str, int]] = {}
        for day in rows.values():
            for item in day.get(family, []):
                key = item.dimensions.get(name)
                status = item.dimensions.get("status", "")
                if key is None or status not in STATUS_ORDER:
                    continue
                counts = found.setdefault(key, dict.fromkeys(STATUS_ORDER, 0))
                counts[status] += item.count
        if name == "channel":
            for channel in CHANNELS:
                found.setdefault(channel, dict.fromkeys(STATUS_ORDER, 0))
        if name == "status":
            totals = self._totals(rows)
            return [{"key": status, "name": _name(Status(status).label),
                     "counts": {status: totals[status]}, "total": totals[status]}
                    for status in STATUS_ORDER]
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
        """Each agency's queue depths, as read at most ``LIVE_FOR`` ago by this process
        (two SQS calls an agency: the dashboard's refresh every 30 s reads them once)."""
        now = self.clock()
        if self._depths is None or not timedelta(0) <= now - self._depths[0] < LIVE_FOR:
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
