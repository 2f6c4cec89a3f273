"""A first visit over a weak connection (about 400 kbps, 400 ms round trips) shows the catalog."""

from __future__ import annotations

import time

KBPS = 400


def test_first_visit_on_a_slow_connection_shows_the_catalog(stack, context):
    # GIVEN a phone that has never opened the app, on a slow mobile connection
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400,
        "downloadThroughput": KBPS * 1000 / 8, "uploadThroughput": KBPS * 1000 / 8,
    })

    # WHEN it opens the home page
    started = time.monotonic()
    page.goto(stack.web + "/", wait_until="commit", timeout=60_000)
    page.wait_for_selector(".category .services a", timeout=60_000)
    shown_after = time.monotonic() - started

    # THEN the catalog is there, in Bangla, usable as links
    assert page.locator(".category h2").count() >= 3
    assert "অনলাইন জিডি" in page.locator("main").inner_text()
    page.wait_for_load_state("load", timeout=60_000)
    # a figure for the log, not a check
    print(f"catalog shown {shown_after:.1f} s after navigation at {KBPS} kbps / 400 ms")


def test_a_direct_link_to_the_largest_form_shows_the_frame_and_a_loading_sign_at_once(
        stack, context):
    # GIVEN a phone on the same slow connection, opening a link straight to the largest form
    from tests.browser.conftest import ROOT, at_widths

    catalog = ROOT / "pwa" / ".catalog" / "services"
    largest = max(catalog.glob("*.json"), key=lambda path: path.stat().st_size).stem
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400,
        "downloadThroughput": KBPS * 1000 / 8, "uploadThroughput": KBPS * 1000 / 8,
    })

    # WHEN the page arrives
    page.goto(f"{stack.web}/s/{largest}/form", wait_until="commit", timeout=60_000)
    page.wait_for_selector(".boot", state="visible", timeout=60_000)

    # THEN, before the form can be drawn, the header and a loading sign in Bangla are there
    assert page.locator(".form-page").count() == 0
    assert page.locator("#top .brand").is_visible()
    assert not page.locator("#q").is_visible()  # not the home page either
    assert page.locator(".boot").inner_text() == "পাতাটি খোলা হচ্ছে…"
    at_widths(page, "direct-link-loading", widths=(360,))

    # AND then the form, the loading sign gone
    page.wait_for_selector(".form-page form button[type=submit]", timeout=60_000)
    assert page.locator(".boot").count() == 0
