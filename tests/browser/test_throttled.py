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
