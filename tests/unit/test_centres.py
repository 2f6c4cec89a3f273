"""The centre registry's rules with an in-memory store: rows checked whole, the locator's
query named field by field, imports that keep good rows and never duplicate."""

from __future__ import annotations

import pytest

from chalicelib import geo
from chalicelib.domain.centres import Centres, CentreType, parse_row
from chalicelib.domain.errors import ValidationFailed
from tests.fakes import FakeCentres

GOOD = {
    "id": "birulia-udc", "type": "udc", "name_bn": "বিরুলিয়া ইউনিয়ন ডিজিটাল সেন্টার",
    "name_en": "Birulia Union Digital Centre", "division": "6", "district": "47",
    "upazila": "365", "union": "3272", "address_bn": "ইউনিয়ন পরিষদ, বিরুলিয়া",
    "address_en": "Union Parishad, Birulia", "hours_bn": "রবি–বৃহস্পতি ৯টা–৫টা",
    "hours_en": "Sun–Thu 9–5", "demo": "",
}


def refused_columns(row: dict[str, str]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        parse_row(row, geo.check_address)
    return {problem.path: problem.code for problem in failed.value.fields}


def test_a_good_row_is_a_centre_and_bangla_digits_are_read() -> None:
    centre = parse_row({**GOOD, "district": "৪৭", "upazila": " ৩৬৫ "}, geo.check_address)
    assert (centre.id, centre.type, centre.district_id, centre.upazila_id) == (
        "birulia-udc", CentreType.UDC, "47", "365")
    assert centre.name.bn == GOOD["name_bn"] and not centre.demo


@pytest.mark.parametrize(("change", "column", "code"), [
    ({"id": ""}, "id", "required"),
    ({"id": "Bad id!"}, "id", "pattern"),
    ({"type": "kiosk"}, "type", "enum"),
    ({"name_bn": "  "}, "name_bn", "required"),
    ({"address_en": "x" * 301}, "address_en", "too_long"),
    ({"district": "99"}, "district", "geo_unknown"),
    ({"upazila": "1"}, "upazila", "geo_mismatch"),  # Debidwar is in Cumilla, not Dhaka
    ({"union": "1"}, "union", "geo_mismatch"),
    ({"union": ""}, "union", "required"),  # a union's centre names its union
    ({"division": "abc"}, "division", "geo_unknown"),
    ({"demo": "maybe"}, "demo", "yes_no"),
])
def test_each_bad_column_is_named(change: dict[str, str], column: str, code: str) -> None:
    assert refused_columns({**GOOD, **change})[column] == code


def test_every_bad_column_of_a_row_is_named_at_once_in_both_languages() -> None:
    with pytest.raises(ValidationFailed) as failed:
        parse_row({**GOOD, "type": "", "hours_en": "", "district": "0"}, geo.check_address)
    problems = {p.path: p for p in failed.value.fields}
    assert {"type", "hours_en", "district"} <= set(problems)
    assert "জেলা" in problems["district"].message.bn
    assert "District" in problems["district"].message.en


def test_an_epost_centre_needs_no_union() -> None:
    centre = parse_row({**GOOD, "type": "epost", "union": ""}, geo.check_address)
    assert centre.union_id is None


def rows(*changes: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    return [(line, {**GOOD, **change}) for line, change in enumerate(changes, start=2)]


def test_import_keeps_good_rows_reports_bad_ones_by_line_and_reimport_updates() -> None:
    store = FakeCentres()
    registry = Centres(store=store, check_area=geo.check_address)
    # GIVEN a file of three rows, the second of them bad
    first = registry.import_rows(rows(
        {"id": "centre-a"}, {"id": "centre-b", "district": "99"}, {"id": "centre-c"}))
    # THEN the two good ones are added, the bad one reported with its line and column
    assert (first.added, first.updated) == (2, 0)
    assert [(r.row, [p.path for p in r.problems]) for r in first.refused] == [(3, ["district"])]
    assert set(store.items) == {"centre-a", "centre-c"}
    # WHEN the file comes again, fixed and with a changed name
    again = registry.import_rows(rows(
        {"id": "centre-a", "name_en": "Renamed"}, {"id": "centre-b"}, {"id": "centre-c"}))
    # THEN nothing is duplicated: one added, two updated
    assert (again.added, again.updated, again.refused) == (1, 2, [])
    assert len(store.items) == 3 and store.items["centre-a"].name.en == "Renamed"


def test_an_id_twice_in_one_file_refuses_the_later_row() -> None:
    store = FakeCentres()
    report = Centres(store=store, check_area=geo.check_address).import_rows(
        rows({"id": "centre-a"}, {"id": "centre-a", "name_en": "Other"}))
    assert report.added == 1 and report.refused[0].row == 3
    assert report.refused[0].problems[0].code == "duplicate_row"
    assert store.items["centre-a"].name.en == GOOD["name_en"]


def locator(*centres: dict[str, str], page: int = 50) -> Centres:
    store = FakeCentres()
    registry = Centres(store=store, check_area=geo.check_address, page_limit=page)
    for line, row in enumerate(centres):
        store.put(parse_row({**GOOD, **row, "id": row.get("id", f"centre-{line:03d}")},
                            geo.check_address))
    return registry


@pytest.mark.parametrize(("query", "field", "code"), [
    ({}, "district", "required"),
    ({"district": "99"}, "district", "geo_unknown"),
    ({"district": "dhaka"}, "district", "geo_unknown"),
    ({"district": "47", "upazila": "1"}, "upazila", "geo_mismatch"),
    ({"district": "47", "type": "kiosk"}, "type", "enum"),
])
def test_the_locator_names_the_bad_field(query: dict[str, str], field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as failed:
        locator().locate(query.get("district"), query.get("upazila"), query.get("type"))
    assert failed.value.code == "query_invalid"
    assert {p.path: p.code for p in failed.value.fields}[field] == code


def test_the_locator_filters_by_upazila_and_type_and_pages() -> None:
    registry = locator({"id": "a-udc"}, {"id": "b-epost", "type": "epost", "union": ""},
                       {"id": "c-dhamrai", "upazila": "366", "union": "",
                        "type": "epost"}, page=2)
    # (in the index's order: upazila, type, id)
    first = registry.locate("৪৭")
    assert [c.id for c in first.items] == ["b-epost", "a-udc"] and first.cursor
    assert [c.id for c in registry.locate("47", cursor=first.cursor).items] == ["c-dhamrai"]
    assert [c.id for c in registry.locate("47", "365").items] == ["b-epost", "a-udc"]
    assert [c.id for c in registry.locate("47", "365", "epost").items] == ["b-epost"]
    assert [c.id for c in registry.locate("47", type="epost").items] == ["b-epost", "c-dhamrai"]
