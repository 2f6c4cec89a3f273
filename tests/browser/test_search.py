"""Search as a citizen types it, in the browser: the table of real queries the server is
tested with (tests/search_queries.json) brings the right service first, in Bangla and in
English, online and offline."""

from __future__ import annotations

import json

from tests.browser.conftest import ROOT, at_widths, wait_for_service_worker

TABLE = json.loads((ROOT / "tests" / "search_queries.json").read_text(encoding="utf-8"))
INDEX = json.loads((ROOT / "pwa" / ".catalog" / "index.json").read_text(encoding="utf-8"))
TITLES = {entry["id"]: entry["title"] for entry in INDEX["services"]}


def search(page, query, *, enter=False):
    """Type a query into the search box (and press Enter, for results at once rather than
    after the pause that ends typing); returns the titles listed, best first."""
    page.fill("#q", query)
    if enter:
        page.press("#q", "Enter")
    # the page has listed for this very query (not for an earlier one it begins with) once
    # its address says so: the address follows the list
    page.wait_for_function(
        """q => new URLSearchParams(location.search).get('q') === q
               && (document.querySelector('#results .found')?.textContent || '').includes(q)""",
        arg=query.strip())
    return page.locator("#results .services .title").all_inner_texts()


def first_results(page, language):
    wrong = {}
    for row in TABLE["queries"]:
        titles = search(page, row["q"], enter=True)
        expected = TITLES[row["first"]][language]
        absent = {TITLES[service][language] for service in row.get("absent", [])}
        if titles[:1] != [expected] or absent & set(titles):
            wrong[row["q"]] = titles[:3]
    return wrong


def test_the_right_service_comes_first_in_bangla(stack, page):
    page.goto(stack.web + "/")
    page.wait_for_selector(".category")

    assert first_results(page, "bn") == {}

    search(page, "জন্ম")
    at_widths(page, "search-jonmo")


def test_the_right_service_comes_first_in_english(stack, page):
    page.goto(stack.web + "/")
    page.click("button.lang")
    page.wait_for_selector("html[lang=en]")

    assert first_results(page, "en") == {}

    search(page, "passport")
    at_widths(page, "search-passport-en")


def test_search_works_offline(stack, page, context):
    # GIVEN the app opened once, then the connection lost
    page.goto(stack.web + "/")
    wait_for_service_worker(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector(".category")

    # WHEN the citizen searches, romanised Bangla and a joined word among them
    # THEN the right services still come first
    assert search(page, "jonmo nibondhon")[0] == TITLES["birth-registration-new"]["bn"]
    assert search(page, "জন্মনিবন্ধন")[0] == TITLES["birth-registration-new"]["bn"]
    assert search(page, "nid songshodhon")[0] == TITLES["nid-correction"]["bn"]
