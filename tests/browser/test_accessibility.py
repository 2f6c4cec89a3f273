"""axe-core on every page: no serious or critical accessibility violations."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, fill_lost_phone_gd, new_phone, submit_form

AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def violations(page, name):
    """axe-core's violations on the current page (all are saved; serious/critical returned)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(found, indent=2, ensure_ascii=False))
    return [
        f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']][:5]}"
        for item in found if item["impact"] in BLOCKING
    ]


PAGES = {
    "home": ("/", ".category"),
    "search": ("/?q=%E0%A6%9C%E0%A6%BF%E0%A6%A1%E0%A6%BF", "#results .found"),
    "category": ("/c/police", "h1"),
    "service": ("/s/birth-registration-new", "#h-fees"),
    "service-allowance": ("/s/old-age-allowance", "#h-benefit"),
    "service-no-documents": ("/s/train-ticket-intercity", "#h-docs"),
    "form": ("/s/birth-registration-new/form", "form button[type=submit]"),
    "form-list": ("/s/train-ticket-intercity/form", "form button.add-row"),
    "form-land": ("/s/land-mutation/form", "form button[type=submit]"),
    "form-marriage": ("/s/marriage-registration/form", "form .fee-quote h2"),
    "track": ("/track", "form.track"),
    "outbox": ("/outbox", "h1"),
    "sign-in": ("/signin", "form.phone-step"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_serious_violations(stack, page, name):
    path, ready = PAGES[name]
    page.goto(stack.web + path)
    page.wait_for_selector(ready)
    assert violations(page, name) == []


def test_form_with_errors_and_english_has_no_serious_violations(stack, page):
    page.goto(stack.web + "/s/online-gd-lost-item/form")
    page.wait_for_selector("form button[type=submit]")
    submit_form(page)  # empty: every required field in error
    page.wait_for_selector(".error-summary:not([hidden])")
    assert violations(page, "form-errors") == []
    page.click("button.lang")
    page.wait_for_selector("html[lang=en]")
    assert violations(page, "form-english") == []


def test_application_page_has_no_serious_violations(stack, page):
    page.goto(stack.web + "/s/online-gd-lost-item/form")
    page.wait_for_selector("form button[type=submit]")
    fill_lost_phone_gd(page, new_phone())
    submit_form(page)
    page.wait_for_selector(".tid")
    assert violations(page, "application") == []


def test_form_with_narrowed_choices_has_no_serious_violations(stack, page):
    page.goto(stack.web + "/s/epassport-new/form")
    page.wait_for_selector("form button[type=submit]")
    page.check('input[name="form.age_group"][value="UNDER_18"]')
    page.wait_for_selector('[data-path="form.brn"]:not([hidden])')
    assert violations(page, "form-narrowed") == []


def test_an_approved_application_and_the_notice_bar_have_no_serious_violations(stack, page):
    from tests.browser.conftest import apply_online, decide

    tracking_id = apply_online(page, stack.web)  # the notice bar says it was sent
    assert violations(page, "application-sent-notice") == []
    page.wait_for_function(
        "document.querySelector('#app-view .status[class*=s-]')?.textContent === 'প্রক্রিয়াধীন'",
        timeout=45_000)
    decide(stack, tracking_id, {"decision": "approve"})
    page.wait_for_selector("#app-view .collect", timeout=45_000)
    assert violations(page, "application-approved") == []


def test_the_passport_form_with_every_error_has_no_serious_violations(stack, page):
    page.goto(stack.web + "/s/epassport-new/form")
    page.wait_for_selector("form button[type=submit]")
    submit_form(page)
    page.wait_for_selector(".error-summary:not([hidden]) h3")
    assert violations(page, "form-passport-errors") == []


def test_signing_in_and_my_applications_have_no_serious_violations(stack, page):
    from tests.browser.conftest import apply_online, ask_for_code

    phone = new_phone()
    page.goto(stack.web + "/signin")
    code = ask_for_code(page, stack.web, phone)
    page.fill("#si-code", code[:-1] + str((int(code[-1]) + 1) % 10))  # a wrong code first
    page.click("form.code-step button[type=submit]")
    page.wait_for_selector("#si-error:not([hidden])")
    assert violations(page, "sign-in-code") == []
    page.fill("#si-code", code)
    page.click("form.code-step button[type=submit]")
    page.wait_for_selector("h1:has-text('আমার আবেদন')")
    tracking_id = apply_online(page, stack.web, phone=phone)
    page.goto(stack.web + "/me")
    page.wait_for_selector(f"[data-id='{tracking_id}']")
    assert violations(page, "my-applications") == []
