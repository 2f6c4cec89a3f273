"""Catalog search: the table of real queries (tests/search_queries.json) finds the right
service first, on the server and, run through node, in the web app's own code, which must
rank every query exactly as the server does."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chalicelib.catalog_files import load_catalog
from chalicelib.domain import search
from tests.helpers import ROOT

TABLE = json.loads((ROOT / "tests" / "search_queries.json").read_text(encoding="utf-8"))
QUERIES = TABLE["queries"]
SEARCH_JS = ROOT / "pwa" / "src" / "search.js"


@pytest.fixture(scope="module")
def catalog(catalog_built: Path) -> Any:
    return load_catalog(catalog_built)


def found(catalog: Any, query: str) -> list[str]:
    return [entry.id for entry in catalog.search(query)]


def test_the_table_has_forty_real_queries_in_three_ways_of_writing() -> None:
    assert len(QUERIES) >= 40
    assert {row["lang"] for row in QUERIES} == {"bn", "en", "romanised"}
    for lang in ("bn", "en", "romanised"):
        assert sum(row["lang"] == lang for row in QUERIES) >= 10, lang


@pytest.mark.parametrize("row", QUERIES, ids=lambda row: f"{row['lang']}:{row['q']}")
def test_the_right_service_comes_first(catalog, row) -> None:
    # GIVEN a query someone really types; WHEN the catalog is searched
    ranked = found(catalog, row["q"])

    # THEN the service they meant is first, and what they did not mean is not listed
    assert ranked[:1] == [row["first"]], ranked
    assert not set(row.get("absent", [])) & set(ranked), ranked


def test_words_joined_or_split_and_romanised_find_the_same_first_service(catalog) -> None:
    assert {found(catalog, q)[0] for q in ("জন্ম নিবন্ধন", "জন্মনিবন্ধন", "jonmo nibondhon",
                                           "জন্ম নিবন্ধনের জন্য আবেদন")} == {
        "birth-registration-new"}


def test_a_word_nobody_uses_finds_nothing_and_no_query_lists_everything(catalog) -> None:
    assert found(catalog, "হেলিকপ্টার") == []
    everything = found(catalog, "")
    assert sorted(everything) == sorted(catalog.entries)
    order = {category.id: category.order for category in catalog.categories}
    assert [order[catalog.entries[i].category] for i in everything] == sorted(
        order[catalog.entries[i].category] for i in everything)


def test_sound_hears_bangla_and_romanised_bangla_alike() -> None:
    pairs = [("জন্ম", "jonmo"), ("নিবন্ধন", "nibondhon"), ("সংশোধন", "songshodhon"),
             ("জাতীয়", "jatiyo"), ("পরিচয়পত্র", "porichoypotro"), ("ভাতা", "bhata"),
             ("লাইসেন্স", "licence"), ("পাসপোর্ট", "passport"), ("খতিয়ান", "khotian")]
    for bangla, latin in pairs:
        assert search.sound(bangla) == search.sound(latin), (bangla, latin)
    # the common Bangla slips sound the same: ি/ী, ু/ূ, ন/ণ, শ/ষ/স, দ/ধ
    assert search.sound("জিডী") == search.sound("জিডি")
    assert search.sound("নিবন্দণ") == search.sound("নিবন্ধন")


def test_a_new_service_with_a_better_title_ranks_by_its_title_not_its_place() -> None:
    # GIVEN two services whose titles share a word, the narrower one listed first
    vocabulary = search.Vocabulary.of({"fillers": {"en": ["for"]}})
    narrow = search.searchable({"id": "aa-copy", "title": {"bn": "সনদের কপি", "en":
                                "Copy of a birth certificate"}, "summary": {"bn": "", "en": ""}})
    broad = search.searchable({"id": "zz-birth", "title": {"bn": "জন্ম সনদ", "en":
                               "Birth certificate"}, "summary": {"bn": "", "en": ""}})

    # WHEN the shared words are searched THEN the title they cover entirely comes first
    assert [s.id for s in search.rank([narrow, broad], "birth certificate", vocabulary)] == [
        "zz-birth", "aa-copy"]


def node_ranking(catalog: Any, queries: list[str]) -> dict[str, list[str]]:
    """Every query ranked by pwa/src/search.js, on the same catalog data the server has."""
    titles = {category.id: category for category in catalog.categories}
    services = []
    for entry in catalog.entries.values():
        agency = catalog.agency_name(entry.agency)
        category = titles.get(entry.category)
        services.append({
            "entry": dict(entry.summary),
            "categoryTitle": [*category.title] if category else [],
            "agencyName": [*agency] if agency else [],
            "categoryOrder": category.order if category else 99,
        })
    script = f"""
      import {{ rank, searchable, vocabularyOf }} from {json.dumps(SEARCH_JS.as_uri())};
      let input = "";
      for await (const chunk of process.stdin) input += chunk;
      const data = JSON.parse(input);
      const all = data.services.map((s) => searchable(s.entry, s));
      const vocabulary = vocabularyOf(data.search);
      const out = {{}};
      for (const q of data.queries) out[q] = rank(all, q, vocabulary).map((s) => s.id);
      process.stdout.write(JSON.stringify(out));
    """
    payload = json.dumps({"services": services, "search": catalog._vocabulary,
                          "queries": queries}, ensure_ascii=False)
    run = subprocess.run(["node", "--input-type=module", "-e", script], input=payload,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(run.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_web_app_ranks_every_query_exactly_as_the_server_does(catalog) -> None:
    # GIVEN the table's queries and, for good measure, every title and keyword as typed
    queries = [row["q"] for row in QUERIES]
    for entry in catalog.entries.values():
        keywords = entry.summary.get("keywords", {})
        queries += [*entry.title, *keywords.get("bn", [])[:2], *keywords.get("en", [])[:2]]
    queries += ["", "হেলিকপ্টার", "e-passport", "Trade Licence (new)", "১০ টাকা"]

    # WHEN both implementations rank them
    browser = node_ranking(catalog, queries)

    # THEN the lists are the same, service for service
    different = {q: (found(catalog, q), browser[q]) for q in queries
                 if found(catalog, q) != browser[q]}
    assert different == {}
