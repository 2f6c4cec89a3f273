"""A new version of the app: the citizen is told, and switching to it keeps their draft."""

from __future__ import annotations

from tests.browser.conftest import DIST, wait_for_service_worker


def test_update_ready_notice_keeps_the_draft(stack, page):
    # GIVEN a half-filled form, with the app's service worker in control
    page.goto(stack.web + "/s/online-gd-lost-item/form")
    wait_for_service_worker(page)
    page.fill("#f-form-item_description", "সবুজ রঙের ব্যাগ")
    page.wait_for_selector(".draft-status:has-text('খসড়া সংরক্ষিত')")

    # WHEN a new version is published (a different service worker script on the server)
    worker = DIST / "sw.js"
    published = worker.read_text(encoding="utf-8")
    try:
        worker.write_text(published + "\n// the next release\n", encoding="utf-8")
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")

        # THEN the app says a new version is ready; taking it reloads with the draft intact
        button = page.locator("#notices button:has-text('নতুন সংস্করণ চালু করুন')")
        button.wait_for(timeout=20_000)
        with page.expect_navigation():
            button.click()
    finally:
        worker.write_text(published, encoding="utf-8")
    page.wait_for_selector(".draft-status:has-text('আগের খসড়া')")
    assert page.input_value("#f-form-item_description") == "সবুজ রঙের ব্যাগ"
