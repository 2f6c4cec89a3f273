"""The catalog as a citizen's phone sees it: search in Bangla or English, filters,
categories with counts, and cheap revalidation (ETag, 304)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from devtools.catalog_build import build, write
from tests.functional.conftest import reset_caches
from tests.helpers import ROOT, example, get_json, post_json

BIRTH = {"birth-registration-new", "birth-registration-correction"}
# the duplicate or English copy of a birth (or death) certificate: its title has the word too
BIRTH_TITLED = {*BIRTH, "birth-certificate-copy"}
SERVICE_FILES = [json.loads(path.read_text(encoding="utf-8"))
                 for path in sorted((ROOT / "schemas" / "services").glob("*.json"))]


def service_ids_where(key: str, value: str) -> set[str]:
    """The ids of the service files whose ``key`` is ``value`` (what the API must list)."""
    return {doc["id"] for doc in SERVICE_FILES if doc[key] == value}


def services(client: Any, **params: str) -> Any:
    """GET /services with query parameters (Bangla sent percent-encoded, as browsers do)."""
    return get_json(client, "/services?" + urlencode(params) if params else "/services")


def ids(response: Any) -> list[str]:
    return [service["id"] for service in response.json["services"]]


def test_a_bangla_word_finds_the_birth_registration_services(client) -> None:
    response = services(client, q="জন্ম")

    assert response.status_code == 200
    found = ids(response)
    assert set(found) >= BIRTH
    # the services whose title has the word come first
    assert set(found[:3]) == BIRTH_TITLED
    titles = {s["id"]: s["title"]["bn"] for s in response.json["services"]}
    assert all("জন্ম নিবন্ধন" in titles[service_id] for service_id in BIRTH)
    assert response.json["count"] == len(found)


def test_an_english_word_finds_them_too(client) -> None:
    found = ids(services(client, q="birth"))

    assert set(found[:3]) == BIRTH_TITLED


def test_every_word_must_match(client) -> None:
    found = ids(services(client, q="birth correction"))

    assert found[0] == "birth-registration-correction"
    assert "birth-registration-new" not in found


def test_bangla_digits_case_and_spelling_do_not_matter(client) -> None:
    assert "nid-correction" in ids(services(client, q="NID"))
    assert "nid-correction" in ids(services(client, q="nid"))
    # American spelling finds the licence services; a plural finds the singular
    assert {"trade-licence-new", "trade-licence-renewal"} <= set(ids(services(client, q="license")))
    assert set(ids(services(client, q="allowances"))) >= {
        "old-age-allowance", "widow-allowance", "disability-allowance",
    }


def test_the_same_bangla_letters_typed_two_ways_find_the_same_services(client) -> None:
    # য় as one code point (U+09DF) and as য + nukta: keyboards produce both
    composed = services(client, q="ভূমি উন্নয়ন কর".replace("য়", "\u09df"))
    decomposed = services(client, q="ভূমি উন্নয়ন কর".replace("য়", "\u09af\u09bc"))

    assert ids(composed) == ids(decomposed)
    assert ids(composed)[0] == "land-development-tax"


def test_search_also_matches_agency_and_category_names(client) -> None:
    assert set(ids(services(client, q="বিআরটিএ"))) == service_ids_where("agency", "brta")
    assert "land-mutation" in ids(services(client, q="খারিজ"))  # a keyword, not in the title


def test_a_word_nobody_uses_finds_nothing(client) -> None:
    response = services(client, q="হেলিকপ্টার")

    assert response.status_code == 200
    assert response.json["services"] == [] and response.json["count"] == 0


def test_the_category_filter_returns_only_that_category(client) -> None:
    response = services(client, category="land")

    assert set(ids(response)) == service_ids_where("category", "land")
    assert "khas-land-settlement" in ids(response)
    assert {s["category"] for s in response.json["services"]} == {"land"}


def test_query_and_category_combine(client) -> None:
    assert set(ids(services(client, q="জন্ম", category="registration"))) == {
        *BIRTH_TITLED, "death-registration",
    }


def test_an_unknown_category_is_refused_in_both_languages(client) -> None:
    response = services(client, category="magic")

    assert response.status_code == 422
    body = response.json
    assert body["code"] == "query_invalid"
    [problem] = body["fields"]
    assert problem["path"] == "category" and problem["code"] == "enum"
    assert "সেবার শ্রেণি" in problem["message_bn"]
    assert "Category" in problem["message_en"]


def test_an_unknown_channel_is_refused(client) -> None:
    response = services(client, channel="fax")

    assert response.status_code == 422
    assert [p["path"] for p in response.json["fields"]] == ["channel"]


def test_an_overlong_query_is_refused_not_searched(client) -> None:
    response = services(client, q="জন্ম " * 100)

    assert response.status_code == 422
    [problem] = response.json["fields"]
    assert problem["path"] == "q" and problem["code"] == "too_long"
    assert "২০০" in problem["message_bn"]


def test_categories_carry_how_many_services_each_has(client) -> None:
    response = get_json(client, "/categories")

    assert response.status_code == 200
    categories = response.json["categories"]
    assert [c["order"] for c in categories] == sorted(c["order"] for c in categories)
    listed = json.loads((ROOT / "schemas" / "categories.json").read_text(encoding="utf-8"))
    assert len(categories) == len(listed["categories"])
    total = len(ids(services(client)))
    assert sum(c["services"] for c in categories) == total
    for category in categories:
        assert category["services"] >= 1, f"{category['id']} is empty"
        assert category["services"] == len(ids(services(client, category=category["id"])))
        assert category["title"]["bn"] and category["title"]["en"]


def test_one_service_comes_with_its_form_fees_and_agency(client) -> None:
    response = get_json(client, "/services/land-mutation")

    assert response.status_code == 200
    service = response.json
    assert service["agency_name"]["en"].startswith("Land offices")
    assert sum(fee["amount_bdt"] for fee in service["fees"]["government"]) == 1170
    assert "$ref" not in json.dumps(service["form"])  # bundled: the browser needs no resolver


def test_an_unknown_service_is_404_in_both_languages(client) -> None:
    response = get_json(client, "/services/moon-landing-permit")

    assert response.status_code == 404
    assert response.json["code"] == "service_not_found"
    assert response.json["message_bn"] and response.json["message_en"]


@pytest.mark.parametrize("path", ["/services", "/services?q=birth", "/categories",
                                  "/services/epassport-new"])
def test_a_client_with_the_current_etag_gets_304_and_no_body(client, path: str) -> None:
    first = get_json(client, path)
    etag = first.headers["ETag"]
    assert first.status_code == 200
    assert "max-age" in first.headers["Cache-Control"]

    again = get_json(client, path, **{"If-None-Match": etag})

    assert again.status_code == 304
    assert again.body in (b"", "")
    assert again.headers["ETag"] == etag


def test_a_stale_etag_gets_the_full_answer(client) -> None:
    response = get_json(client, "/services", **{"If-None-Match": '"stale"'})

    assert response.status_code == 200
    assert response.json["services"]


def test_different_answers_have_different_etags(client) -> None:
    everything = services(client)
    land = services(client, category="land")

    assert everything.headers["ETag"] != land.headers["ETag"]


@pytest.fixture
def assisted_only_catalog(client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The catalog rebuilt with soil tests offered only through digital centres."""
    source = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", source, ignore=shutil.ignore_patterns("examples"))
    path = source / "services" / "soil-test.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["channels"] = ["assisted"]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    write(build(source), tmp_path / "catalog")
    monkeypatch.setenv("NAGORIK_SCHEMAS_DIR", str(tmp_path / "catalog"))
    reset_caches()
    yield client
    reset_caches()


def test_the_channel_filter_leaves_out_services_not_offered_that_way(assisted_only_catalog) -> None:
    client = assisted_only_catalog

    self_service = ids(services(client, channel="self"))
    assisted = ids(services(client, channel="assisted"))

    assert "soil-test" not in self_service
    assert "soil-test" in assisted
    assert set(self_service) < set(assisted)


def first_valid_examples() -> list[Any]:
    """One valid example per service (all of them are checked offline in the unit tier)."""
    folders = sorted(p for p in (ROOT / "schemas" / "examples").iterdir() if p.is_dir())
    return [
        pytest.param(folder.name, path.stem, id=folder.name)
        for folder in folders
        for path in sorted(folder.glob("valid-*.json"))[:1]
    ]


@pytest.mark.parametrize(("service_id", "name"), first_valid_examples())
def test_every_listed_service_takes_an_application(
    client, service_id: str, name: str, citizen,
) -> None:
    # GIVEN a service as the catalog lists it, filled in as its example shows
    listed = get_json(client, f"/services/{service_id}").json
    body = {
        "service_id": service_id,
        "service_version": listed["version"],
        "applicant": {"name": "রহিম উদ্দিন", "phone": "01712345678"},
        "form": example(service_id, name),
    }

    # WHEN it is submitted
    response = post_json(citizen, "/applications", body, **{"Idempotency-Key": f"ex-{name}"[:120]})

    # THEN it is accepted for the service's own agency
    assert response.status_code == 201, response.json
    assert response.json["service_id"] == service_id
    assert response.json["agency_id"] == listed["agency"]
    assert response.json["agency_name"] == listed["agency_name"]
