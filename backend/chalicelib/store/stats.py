"""The counters table, read: one Query per day and family of rows (never a Scan), and the
days' summaries (finished and live), kept beside the rows and fetched in batches."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from pynamodb.exceptions import PutError, PynamoDBException

from ..domain.counters import OVERDUE_DAY
from ..domain.errors import ServiceUnavailable
from ..domain.stats import Summary, Tally, tally
from .models import CounterModel, CounterSummaryModel

SUMMARY = "summary#"
PART_BYTES = 300_000  # of compressed counts per item (DynamoDB takes 400 KB an item)


def summary_scope(family: str, part: int) -> str:
    """The sort key of one part of a family's summary (``summary#area#00``)."""
    return f"{SUMMARY}{family}#{part:02d}"


def family_of(scope: str) -> str:
    """The family a summary's sort key is of (``summary#area#00``: ``area``)."""
    return scope[len(SUMMARY):].rsplit("#", 1)[0]


def encode(counts: Tally) -> list[bytes]:
    """A summary's tally as the parts it is stored in (the same tally, the same bytes):
    its keys, columns and values, compressed."""
    packed = zlib.compress(json.dumps({"keys": counts.keys, "columns": counts.columns,
                                       "values": counts.values},
                                      separators=(",", ":")).encode(), 6)
    return [packed[start:start + PART_BYTES]
            for start in range(0, max(len(packed), 1), PART_BYTES)]


def decode(parts: Sequence[bytes]) -> Tally:
    """The tally of a summary from its parts, in order (one kept before tallies, counts by
    scope, read as the tally of those counts)."""
    found = json.loads(zlib.decompress(b"".join(parts)))
    if "values" not in found:
        return tally({scope: int(count) for scope, count in found.items()})
    return Tally(_interned(tuple(found["keys"])), _interned(tuple(found["columns"])),
                 tuple(found["values"]))


_SHAPES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _interned(keys: tuple[str, ...]) -> tuple[str, ...]:
    """One tuple for every equal list of keys read, so tallies of one shape are added up
    without comparing their keys one by one (a handful of shapes: one per family and
    catalog)."""
    if len(_SHAPES) > 256:  # noqa: PLR2004 (a bound, never reached by one stage)
        _SHAPES.clear()
    return _SHAPES.setdefault(keys, keys)


def _write_parts(day: date, family: str, counts: Tally, counted_at: str | None) -> None:
    """Write a summary's parts, the first last, each on condition that no finished day's own
    summary is there (none, or a live one); a live summary (``counted_at``) guards every
    part, a finished one only the first (its other parts are the same bytes)."""
    parts = encode(counts)
    live_or_none = (CounterSummaryModel.scope.does_not_exist()
                    | CounterSummaryModel.counted_at.exists())
    for number in range(len(parts) - 1, -1, -1):
        CounterSummaryModel(day=day.isoformat(), scope=summary_scope(family, number),
                            parts=len(parts), counts=parts[number], counted_at=counted_at,
                            ).save(condition=live_or_none if number == 0 or counted_at else None)


class DynamoCounters:
    """``Counters`` on the counters table."""

    def rows(self, day: date, family: str) -> Iterable[tuple[str, int]]:
        """Every ``(scope, count)`` of one family on one Dhaka day (all pages)."""
        return self._query(day.isoformat(), f"{family}#")

    def overdue(self) -> Iterable[tuple[str, int]]:
        """The overdue rows the SLA job keeps (none until it runs)."""
        return self._query(OVERDUE_DAY, "overdue#")

    def summaries(self, wanted: Sequence[tuple[date, str]]) -> dict[tuple[date, str], Summary]:
        """The summaries kept for these ``(day, family)`` pairs: one BatchGetItem per 100
        (PynamoDB retries unprocessed keys), a second only for a summary of several parts.
        A summary whose parts are not all of one writing (one being written again) is
        left out: the reader counts the rows."""
        try:
            first = self._parts([(day.isoformat(), summary_scope(family, 0))
                                 for day, family in wanted])
            more = [(day, summary_scope(family_of(scope), part))
                    for (day, scope), item in first.items() for part in range(1, int(item.parts))]
            rest = self._parts(more)
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
        found = {}
        for (day, scope), item in first.items():
            family = family_of(scope)
            tail = [rest.get((day, summary_scope(family, part)))
                    for part in range(1, int(item.parts))]
            parts = [item.counts, *(part.counts for part in tail
                                    if part is not None and part.counted_at == item.counted_at)]
            if len(parts) == int(item.parts):
                found[date.fromisoformat(day), family] = Summary(
                    decode(parts),
                    datetime.fromisoformat(item.counted_at) if item.counted_at else None)
        return found

    def keep_summary(self, day: date, family: str, counts: Tally) -> Tally:
        """Keep a summary (the parts after the first, then the first on condition that
        none, or only a live one, is there); the one kept, which is these counts when
        another reader won too: finished days' rows never change, and the same counts
        encode to the same bytes."""
        try:
            _write_parts(day, family, counts, None)
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise ServiceUnavailable("service_unavailable") from error
            kept = self.summaries([(day, family)]).get((day, family))
            return kept.counts if kept is not None and kept.counted_at is None else counts
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
        return counts

    def keep_live_summary(self, day: date, family: str, counts: Tally,
                          counted_at: datetime) -> None:
        """Keep a live summary, each part marked with ``counted_at``; never over a
        finished day's own summary. A failure to keep it is no failure of the read: the
        next reader counts the rows again."""
        try:
            _write_parts(day, family, counts, counted_at.isoformat())
        except PynamoDBException:
            return

    @staticmethod
    def forget_summaries(days: Iterable[str]) -> int:
        """Delete every summary of these days (for a writer of past days: ``nagorik seed``);
        how many items were deleted. Part 0 goes first, so no reader finds half of one."""
        gone = [item for day in days for item in CounterSummaryModel.query(
            day, CounterSummaryModel.scope.startswith(SUMMARY),
            attributes_to_get=["day", "scope"])]
        gone.sort(key=lambda item: not item.scope.endswith("#00"))
        for item in gone:
            item.delete()
        return len(gone)

    @staticmethod
    def _parts(keys: list[tuple[str, str]]) -> dict[tuple[str, str], CounterSummaryModel]:
        if not keys:
            return {}
        return {(item.day, item.scope): item
                for item in CounterSummaryModel.batch_get(keys)}

    @staticmethod
    def _query(day: str, prefix: str) -> list[tuple[str, int]]:
        try:
            return [(item.scope, int(item.total)) for item in CounterModel.query(
                day, CounterModel.scope.startswith(prefix),
                attributes_to_get=["scope", "count"])]
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
