"""The centre registry through moto: ``nagorik centres import`` and the public locator,
``GET /centres``, answered by Queries on the indexes, never a Scan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ops.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEADER = ("id,type,name_bn,name_en,division,district,upazila,union,address_bn,address_en,"
          "hours_bn,hours_en,demo")


def row(centre_id: str, **change: str) -> str:
    values = {"id": centre_id, "type": "udc", "name_bn": "কেন্দ্র", "name_en": f"Centre {centre_id}",
              "division": "6", "district": "47", "upazila": "365", "union": "3272",
              "address_bn": "ঠিকানা", "address_en": "Address", "hours_bn": "৯টা–৫টা",
              "hours_en": "9–5", "demo": "no", **change}
    return ",".join(values[name] for name in HEADER.split(","))


@pytest.fixture
def nagorik(aws, monkeypatch):
    monkeypatch.setenv("NAGORIK_STAGE", "dev")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def write(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "centres.csv"
    path.write_text("\n".join((HEADER, *lines)) + "\n", encoding="utf-8")
    return str(path)


def stored() -> dict[str, Any]:
    from chalicelib.store.models import CentreModel

    return {item.id: item for item in CentreModel.scan()}  # the test's own look, not the API's


def test_import_keeps_good_rows_reports_bad_ones_and_reimport_is_idempotent(
        nagorik, tmp_path) -> None:
    # GIVEN a file with two good rows and two bad ones
    path = write(tmp_path, row("centre-a"), row("centre-b", district="99", type="kiosk"),
                 row("centre-c"), "too,few,columns")
    # WHEN ops import it
    result = nagorik("centres", "import", path)
    # THEN it fails (some rows were refused) but keeps the good rows
    assert result.exit_code == 1
    assert set(stored()) == {"centre-a", "centre-c"}
    # AND each refused row is reported by line and column, in English and Bangla
    assert "row 3, column district: The area chosen in 'District' is not on the list." in (
        result.output)
    assert "তালিকায় নেই" in result.output and "row 3, column type:" in result.output
    assert "row 5, column *:" in result.output
    assert "2 added, 0 updated, 2 refused" in result.output
    # WHEN the fixed file is imported again, one centre renamed
    fixed = write(tmp_path, row("centre-a", name_en="Renamed"), row("centre-b"),
                  row("centre-c"))
    again = nagorik("centres", "import", fixed)
    # THEN nothing is duplicated: one added, two updated
    assert again.exit_code == 0, again.output
    assert "1 added, 2 updated, 0 refused" in again.output
    items = stored()
    assert set(items) == {"centre-a", "centre-b", "centre-c"}
    assert items["centre-a"].name_en == "Renamed"
    # AND the same file a third time changes nothing
    assert "0 added, 3 updated, 0 refused" in nagorik("centres", "import", fixed).output
    assert len(stored()) == 3


def test_a_file_without_the_columns_is_refused_whole(nagorik, tmp_path) -> None:
    path = tmp_path / "centres.csv"
    path.write_text("id,name\nx,y\n", encoding="utf-8")
    result = nagorik("centres", "import", str(path))
    assert result.exit_code == 1
    assert "type" in result.output and "কলামগুলো নেই" in result.output
    assert stored() == {}


def test_a_file_that_is_not_utf8_is_refused(nagorik, tmp_path) -> None:
    path = tmp_path / "centres.csv"
    path.write_bytes((HEADER + "\n").encode() + "কেন্দ্র".encode("utf-16"))
    result = nagorik("centres", "import", str(path))
    assert result.exit_code == 1 and "UTF-8" in result.output


def test_the_example_file_in_the_repo_imports(nagorik) -> None:
    result = nagorik("centres", "import", str(ROOT / "infra" / "centres-example.csv"))
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output


@pytest.fixture
def centres(nagorik, tmp_path) -> None:
    lines = [row(f"savar-{n:02d}") for n in range(5)]
    lines += [row("savar-epost", type="epost", union=""),
              row("dhamrai-epost", type="epost", upazila="366", union=""),
              row("ctg-epost", type="epost", division="1", district="8", upazila="65",
                  union="")]
    result = nagorik("centres", "import", write(tmp_path, *lines))
    assert result.exit_code == 0, result.output


def listed(client: Any, query: str) -> dict[str, Any]:
    response = client.http.get(f"/centres?{query}")
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def every_page(client: Any, query: str) -> list[str]:
    found, cursor = [], None
    while True:
        body = listed(client, query + (f"&cursor={cursor}" if cursor else ""))
        found += [centre["id"] for centre in body["centres"]]
        if body["cursor"] is None:
            return found
        cursor = body["cursor"]


def test_the_locator_lists_an_area_by_query_in_pages(client, centres, monkeypatch) -> None:
    from chalicelib.runtime import runtime
    from chalicelib.store.models import CentreModel

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the locator must not Scan")

    monkeypatch.setattr(CentreModel, "scan", refuse)
    monkeypatch.setattr(runtime().centres, "page_limit", 2)
    # WHEN a citizen lists Dhaka's centres, two a page
    dhaka = every_page(client, "district=47")
    # THEN every page together has each of Dhaka's centres once, and none of Chattogram's
    assert sorted(dhaka) == sorted([f"savar-{n:02d}" for n in range(5)]
                                   + ["savar-epost", "dhamrai-epost"])
    # AND an upazila, a type, or both narrow the list
    assert "dhamrai-epost" not in every_page(client, "district=47&upazila=365")
    assert sorted(every_page(client, "district=47&type=epost")) == [
        "dhamrai-epost", "savar-epost"]
    assert every_page(client, "district=47&upazila=365&type=epost") == ["savar-epost"]


def test_a_centre_shows_its_names_place_address_and_hours(client, centres) -> None:
    body = listed(client, "district=৪৭&upazila=৩৬৫&type=epost")
    centre = body["centres"][0]
    assert centre["name"] == {"bn": "কেন্দ্র", "en": "Centre savar-epost"}
    assert centre["district"]["name"] == {"bn": "ঢাকা", "en": "Dhaka"}
    assert centre["upazila"]["name"]["en"] == "Savar" and centre["union"] is None
    assert centre["type_name"]["bn"] == "ই-পোস্ট সেন্টার"
    assert centre["hours"] == {"bn": "৯টা–৫টা", "en": "9–5"} and centre["demo"] is False
    one = client.http.get("/centres/savar-epost")
    assert one.status_code == 200 and json.loads(one.body)["id"] == "savar-epost"
    assert client.http.get("/centres/no-such-centre").status_code == 404


@pytest.mark.parametrize(("query", "field"), [
    ("", "district"), ("district=99", "district"), ("district=47&upazila=65", "upazila"),
    ("district=47&type=kiosk", "type"),
])
def test_a_bad_query_is_named_in_both_languages(client, query, field) -> None:
    response = client.http.get(f"/centres?{query}")
    assert response.status_code == 422
    body = json.loads(response.body)
    assert body["code"] == "query_invalid" and body["message_bn"] and body["message_en"]
    assert [problem["path"] for problem in body["fields"]] == [field]


def test_a_forged_cursor_is_a_400(client, centres) -> None:
    response = client.http.get("/centres?district=47&cursor=bm90LWEtY3Vyc29y")
    assert response.status_code == 400
    assert json.loads(response.body)["code"] == "cursor_invalid"


def test_demo_seeding_makes_a_centre_per_district_and_entrepreneurs_for_some(
        aws, tmp_path) -> None:
    from chalicelib import geo
    from chalicelib.settings import get_settings
    from chalicelib.store.auth import DynamoStaff
    from devtools import demo

    # WHEN the local stack seeds its demo data (twice: restarts seed again)
    demo.seed(get_settings(), tmp_path)
    listed_file = demo.seed(get_settings(), tmp_path)
    # THEN every district has one demo centre, marked demo
    items = stored()
    assert len(items) == len(geo.level_areas("district")) == 64
    assert all(item.demo == 1 and item.id.startswith("demo-") for item in items.values())
    # AND the entrepreneurs listed are bound to seeded demo centres
    accounts = json.loads(listed_file.read_text(encoding="utf-8"))
    entrepreneurs = [a for a in accounts if a["role"] == "entrepreneur"]
    assert len(entrepreneurs) >= 4
    assert {a["centre_id"] for a in entrepreneurs} <= set(items)
    assert len(DynamoStaff().of_centre("demo-47")) == 2  # two tablets at Dhaka's
