"""Offline: the app keeps working without a connection and sends each application once."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import (
    ROOT,
    applications_on_server,
    fill_lost_phone_gd,
    new_phone,
    sign_in,
    submit_form,
    wait_for_service_worker,
)
from tests.browser.test_every_service import Citizen
from tests.helpers import EXAMPLES, load_example

FORM = "/s/online-gd-lost-item/form"
CATALOG = ROOT / "pwa" / ".catalog" / "services"


def open_form_once(stack, page, phone=None):
    """Visit the home page, the service and its form while online (as a citizen would),
    signed in with ``phone`` when given."""
    page.goto(stack.web + "/")
    wait_for_service_worker(page)
    if phone:
        sign_in(page, stack.web, phone)
        page.goto(stack.web + "/")
    page.click("text=অনলাইন জিডি: হারানো জিনিস বা কাগজপত্র")
    page.wait_for_selector("h2:has-text('যে কাগজপত্র লাগবে')")
    page.click("a.button.primary >> nth=0")
    page.wait_for_selector("#f-form-lost_place-division option[value='6']", state="attached")


def test_repeat_visit_offline_shows_home_service_and_opened_form(stack, page, context):
    # GIVEN the home page, a service and its form opened once online
    open_form_once(stack, page)

    # WHEN the connection is gone and the citizen comes back
    context.set_offline(True)
    page.goto(stack.web + "/")

    # THEN the catalog, the service page and the form all render from the device
    assert page.locator(".category h2").count() >= 3
    page.click("text=অনলাইন জিডি: হারানো জিনিস বা কাগজপত্র")
    page.wait_for_selector("h2:has-text('যে কাগজপত্র লাগবে')")
    # the notice comes once the page has counted what this phone keeps (a moment, not a load)
    expect(page.locator("#notices")).to_contain_text("ইন্টারনেট নেই", timeout=5000)
    page.reload()
    page.wait_for_selector("h2:has-text('ফি ও পরিশোধ')")
    page.goto(stack.web + FORM)
    page.wait_for_selector("#f-form-lost_place-division option[value='6']", state="attached")
    assert page.locator("label[for=f-form-nid]").inner_text().startswith("জাতীয় পরিচয়পত্র নম্বর")


def test_submit_offline_then_sent_exactly_once_when_back_online(stack, page, context):
    # GIVEN a citizen signed in, a form opened once online, then the connection lost and the
    # page reloaded
    phone = new_phone()
    open_form_once(stack, page, phone)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#f-form-lost_place-division option[value='6']", state="attached")

    # WHEN the citizen fills it in and submits while offline
    fill_lost_phone_gd(page, phone)
    submit_form(page)

    # THEN it waits in the outbox, shown as "পাঠানোর অপেক্ষায়", and nothing reached the server
    page.wait_for_selector(".outbox .s-pending")
    assert "পাঠানোর অপেক্ষায়" in page.locator("main").inner_text()
    assert applications_on_server(stack, phone) == []

    # WHEN the connection returns
    context.set_offline(False)

    # THEN it is sent by itself, its tracking id appears, and the server has it exactly once
    page.wait_for_selector("#h-mine")
    page.wait_for_selector(".outbox .s-pending", state="detached")
    stored = applications_on_server(stack, phone)
    assert len(stored) == 1
    link = page.locator("#h-mine + ul a").first
    assert link.get_attribute("href") == f"/a/{stored[0]['tracking_id']}"
    page.reload()  # opening the app again sends nothing twice
    page.wait_for_selector("#h-mine")
    assert len(applications_on_server(stack, phone)) == 1


def test_connection_dropped_mid_request_is_sent_once(stack, page, context):
    # GIVEN a signed-in citizen's filled form, and a connection that drops after the request
    # reached the server
    phone = new_phone()
    page.goto(stack.web + "/")
    wait_for_service_worker(page)
    sign_in(page, stack.web, phone)
    page.goto(stack.web + FORM)
    page.wait_for_selector("form button[type=submit]")
    fill_lost_phone_gd(page, phone)
    dropped: list[str] = []

    def drop_the_answer(route):
        request = route.request
        key = request.headers["idempotency-key"]
        forwarded = urllib.request.Request(  # the server receives the application and answers...
            stack.web + "/api/applications", data=request.post_data_buffer, method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": key,
                     "Authorization": request.headers["authorization"]})
        with urllib.request.urlopen(forwarded, timeout=30) as answer:
            assert answer.status in (200, 201)  # Chromium itself may retry a reset POST once
        dropped.append(key)
        route.abort("connectionreset")  # ...but the answer never reaches the phone

    context.route("**/api/applications", drop_the_answer)

    # WHEN it is submitted
    submit_form(page)

    # THEN the app does not know the outcome, keeps it in the outbox, and the server has one
    page.wait_for_selector(".outbox .s-pending")
    assert len(set(dropped)) == 1
    assert len(applications_on_server(stack, phone)) == 1

    # WHEN the connection is good again and the citizen presses "send now"
    context.unroute("**/api/applications")
    sent: list[str] = []
    context.on("request", lambda request: request.method == "POST" and sent.append(
        request.headers.get("idempotency-key", "")))
    page.click("button.send-now")

    # THEN the same key is sent again, the server answers with the first application, once
    page.wait_for_selector(".outbox .s-pending", state="detached")
    page.wait_for_selector("#h-mine")
    # (the page or the service worker's background sync may be the one that sends it: a
    # service worker's request is not always reported to the page's context)
    assert set(sent) <= set(dropped)
    stored = applications_on_server(stack, phone)
    assert len(stored) == 1
    link = page.locator("#h-mine + ul a").first
    assert link.get_attribute("href") == f"/a/{stored[0]['tracking_id']}"


def test_draft_survives_closing_the_tab(stack, context):
    # GIVEN a half-filled form
    page = context.new_page()
    page.goto(stack.web + FORM)
    page.wait_for_selector("form button[type=submit]")
    page.fill("#f-form-item_description", "নীল রঙের মানিব্যাগ")
    page.wait_for_selector(".draft-status:has-text('খসড়া সংরক্ষিত')")

    # WHEN the tab is closed and the form opened again
    page.close()
    again = context.new_page()
    again.goto(stack.web + FORM)

    # THEN what was typed is back
    again.wait_for_selector(".draft-status:has-text('আগের খসড়া')")
    assert again.input_value("#f-form-item_description") == "নীল রঙের মানিব্যাগ"


def test_an_application_refused_after_going_out_is_fixed_with_nothing_lost(stack, page, context):
    # GIVEN a signed-in citizen's form with rows (two NID corrections), filled online, the
    # district then made one the server refuses (outside its division), and submitted offline
    phone = new_phone()
    page.goto(stack.web + "/")
    wait_for_service_worker(page)
    sign_in(page, stack.web, phone)
    page.goto(stack.web + "/s/nid-correction/form")
    page.wait_for_selector("form button[type=submit]")
    service = json.loads((CATALOG / "nid-correction.json").read_text(encoding="utf-8"))
    example = load_example(EXAMPLES / "nid-correction" / "valid-bangla-digits-two-corrections.json")
    citizen = Citizen(page)
    citizen.answer("applicant.name", "রহিম উদ্দিন")
    citizen.answer("applicant.phone", phone)
    citizen.fill_form(service["form"], example)
    page.evaluate("""() => {
        const district = document.querySelector('[name="form.present_address.district"]');
        district.append(new Option('?', '1')); district.value = '1';
    }""")
    context.set_offline(True)
    submit_form(page)
    page.wait_for_selector(".outbox .s-pending")

    # WHEN the connection returns, the server refuses it, and the citizen opens it to fix it
    context.set_offline(False)
    page.wait_for_selector(".outbox .s-invalid")
    assert applications_on_server(stack, phone) == []
    page.click("button.fix")

    # THEN the form is back with both rows as typed, and the server's problem at its field
    page.wait_for_selector('[name="form.corrections.1.reason"]')
    second = example["corrections"][1]
    first = example["corrections"][0]
    assert page.input_value('[name="form.corrections.0.reason"]') == first["reason"]
    assert page.input_value('[name="form.corrections.1.reason"]') == second["reason"]
    assert page.input_value('[name="form.corrections.1.field"]') == second["field"]
    assert "মেলে না" in page.locator("#f-form-present_address-district-error").inner_text()
