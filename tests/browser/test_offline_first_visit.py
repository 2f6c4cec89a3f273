"""Offline that keeps its promise: after a first visit to the home page alone, every service
page and form opens offline (fetched in the background within the build's byte budget), union
lists included; otherwise the notice says exactly what works. One notice bar, never stacked;
back online, it names the tracking number of what was sent and the list shows its status."""

from __future__ import annotations

import json
import time

from tests.browser.conftest import (
    ROOT,
    at_widths,
    fill_lost_phone_gd,
    new_phone,
    open_form,
    sign_in,
    submit_form,
    wait_for_service_worker,
)

OFFLINE_SET = json.loads((ROOT / "pwa" / "dist" / "offline-set.json").read_text(encoding="utf-8"))
SERVICES = sorted(path.stem for path in (ROOT / "pwa" / ".catalog" / "services").glob("*.json"))
ALL_CACHED = """async files => {
    for (const file of files) if (!(await caches.match(file))) return false;
    return true;
}"""


def first_visit_home_only(stack, page):
    """Open the home page once, online, and wait until the app has fetched its offline set.

    The page asks for the set 10 s after it has loaded, once idle: its clock is moved on
    past that (the page's own timers fire as they would), not waited out."""
    page.context.clock.install()
    page.goto(stack.web + "/")
    wait_for_service_worker(page)
    page.clock.fast_forward(11_000)  # the page's wait before it asks
    page.clock.fast_forward(11_000)  # and the longest it waits for the browser to be idle
    deadline = time.monotonic() + 90
    while not page.evaluate(ALL_CACHED, OFFLINE_SET["files"]):
        assert time.monotonic() < deadline, "the offline set was not fetched in 90 s"
        page.wait_for_timeout(500)


def test_the_offline_set_fits_its_budget_and_leaves_nothing_out():
    assert OFFLINE_SET["bytes"] <= OFFLINE_SET["budget_bytes"]
    assert OFFLINE_SET["left_out"] == []


def test_every_service_page_and_form_opens_offline_after_visiting_only_the_home_page(
        stack, page, context):
    # GIVEN a phone that has opened only the home page, once
    first_visit_home_only(stack, page)

    # WHEN the connection is gone
    context.set_offline(True)
    page.goto(stack.web + "/")
    page.wait_for_selector(".category")
    page.wait_for_selector("#notices .notice")

    # THEN the notice says that everything opens offline
    assert "সব সেবা ও ফর্ম খোলা যাবে" in page.locator("#notices").inner_text()

    # AND every service page and every form opens, its form checking what is typed
    failed = []
    for service_id in SERVICES:
        try:
            page.goto(f"{stack.web}/s/{service_id}")
            page.wait_for_selector("#h-fees", timeout=10_000)
            page.goto(f"{stack.web}/s/{service_id}/form")
            page.wait_for_selector("form button[type=submit]", timeout=10_000)
            submit_form(page)  # empty: the form's own check answers, offline
            page.wait_for_selector(".error-summary:not([hidden])", timeout=10_000)
        except Exception as error:
            failed.append(f"{service_id}: {str(error).splitlines()[0]}")
    assert failed == []


def test_union_lists_are_there_offline(stack, page, context):
    # GIVEN only the home page visited; then offline, a form with an address
    first_visit_home_only(stack, page)
    context.set_offline(True)
    open_form(page, stack.web, "birth-registration-new")

    # WHEN the citizen picks the division, district and upazila
    address = "#f-form-permanent_address"
    page.wait_for_selector(f"{address}-division option[value='6']", state="attached")
    page.select_option(f"{address}-division", "6")
    page.wait_for_selector(f"{address}-district option[value='47']", state="attached")
    page.select_option(f"{address}-district", "47")
    page.wait_for_function(
        "document.querySelector('#f-form-permanent_address-upazila').options.length > 1")
    page.evaluate("""() => {
        const upazila = document.querySelector('#f-form-permanent_address-upazila');
        upazila.value = upazila.options[1].value;
        upazila.dispatchEvent(new Event('change', {bubbles: true}));
    }""")

    # THEN the union list is offered, with no "list missing" note
    page.wait_for_function(
        "document.querySelector('#f-form-permanent_address-union').options.length > 1")
    assert page.locator(".geo-note:visible").count() == 0


def test_without_the_offline_set_the_notice_says_exactly_what_works(stack, context):
    # GIVEN a phone that asks to save data (so nothing is fetched in the background)
    context.add_init_script("""Object.defineProperty(navigator, 'connection',
        {configurable: true, get: () => ({saveData: true, addEventListener() {}})});""")
    page = context.new_page()
    page.goto(stack.web + "/")
    wait_for_service_worker(page)

    # WHEN it goes offline
    context.set_offline(True)
    page.goto(stack.web + "/")
    page.wait_for_selector(".category")
    page.wait_for_selector("#notices .notice")

    # THEN the notice promises only what was opened before; an unopened service says so too
    notice = page.locator("#notices").inner_text()
    assert "আগে খোলা পাতা ও ফর্মগুলোই খোলা যাবে" in notice
    assert "সব সেবা" not in notice
    page.goto(stack.web + "/s/land-mutation")
    page.wait_for_selector("h1:has-text('পাতাটি এখন খোলা যাচ্ছে না')")


def test_one_notice_bar_however_much_there_is_to_say(stack, page, context):
    # GIVEN a signed-in citizen's application waiting to be sent, and the phone offline
    first_visit_home_only(stack, page)
    sign_in(page, stack.web, phone := new_phone())
    context.set_offline(True)
    open_form(page, stack.web, "online-gd-lost-item")
    fill_lost_phone_gd(page, phone)
    submit_form(page)
    page.wait_for_selector(".outbox .s-pending")
    page.goto(stack.web + "/")
    page.wait_for_selector("#notices .notice")

    # THEN one bar says both (offline, one waiting), taking little of a small phone's screen
    assert page.locator("#notices .notice").count() == 1
    text = page.locator("#notices").inner_text()
    assert "ইন্টারনেট নেই" in text and "১টি আবেদন পাঠানোর অপেক্ষায়" in text
    for width, height in ((360, 740), (320, 568)):
        page.set_viewport_size({"width": width, "height": height})
        box = page.locator("#notices").bounding_box()
        assert box and box["height"] <= 0.15 * height, (width, box)
    at_widths(page, "notice-offline-and-waiting")


def test_back_online_the_notice_names_what_was_sent_and_the_list_follows_it(stack, page, context):
    # GIVEN an application a signed-in citizen submitted offline
    first_visit_home_only(stack, page)
    sign_in(page, stack.web, phone := new_phone())
    context.set_offline(True)
    open_form(page, stack.web, "online-gd-lost-item")
    fill_lost_phone_gd(page, phone)
    submit_form(page)
    page.wait_for_selector(".outbox .s-pending")

    # WHEN the connection returns
    context.set_offline(False)

    # THEN the notice names its tracking number and links to it
    page.wait_for_selector("#notices .flash:has-text('সংযোগ ফিরেছে')")
    link = page.locator("#h-mine + ul a").first
    tracking_id = link.get_attribute("href").rsplit("/", 1)[-1]
    bangla = tracking_id.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    shown = "-".join(bangla[i:i + 4] for i in range(0, 16, 4))
    assert shown in page.locator("#notices").inner_text()
    at_widths(page, "notice-back-online")

    # AND the list of this phone's applications moves on to the office's status by itself
    page.wait_for_function(
        "id => document.querySelector(`[data-id='${id}'] .status`)?.textContent === 'প্রক্রিয়াধীন'",
        arg=tracking_id, timeout=45_000)
