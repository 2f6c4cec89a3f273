"""A citizen's whole journey, online: browse, search in Bangla, read, fill, submit, track."""

from __future__ import annotations

import re

from tests.browser.conftest import (
    ARTIFACTS,
    applications_on_server,
    fill_lost_phone_gd,
    new_phone,
    submit_form,
    to_bangla_digits,
)

BANGLA_ID = re.compile(r"^[০-৯]{4}-[০-৯]{4}-[০-৯]{4}-[০-৯]{4}$")
GREGORIAN_BN = re.compile(
    r"[০-৯]+ (জানুয়ারি|ফেব্রুয়ারি|মার্চ|এপ্রিল|মে|জুন|জুলাই|আগস্ট|সেপ্টেম্বর|অক্টোবর|নভেম্বর|ডিসেম্বর)"
    r" [০-৯]{4}")
BANGLA_CALENDAR_BN = re.compile(
    r"[০-৯]+ (বৈশাখ|জ্যৈষ্ঠ|আষাঢ়|শ্রাবণ|ভাদ্র|আশ্বিন|কার্তিক|অগ্রহায়ণ|পৌষ|মাঘ|ফাল্গুন|চৈত্র) [০-৯]{4}")


def test_browse_search_apply_and_track(stack, page):
    # GIVEN a citizen opening the app on a phone
    page.goto(stack.web + "/")
    assert page.locator("h1").inner_text() == "সরকারি সেবার আবেদন, এক জায়গায়"
    assert page.locator(".category h2").count() >= 3  # the catalog, by category
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-360x740.png"))

    # WHEN they search in Bangla
    page.fill("#q", "হারানো")
    page.wait_for_selector("#results .found")
    assert "অনলাইন জিডি: হারানো জিনিস বা কাগজপত্র" in page.locator("#results").inner_text()
    assert "জন্ম নিবন্ধনের জন্য আবেদন" not in page.locator("#results").inner_text()

    # THEN the service page shows what it needs, what it costs and what is unconfirmed
    page.click("text=অনলাইন জিডি: হারানো জিনিস বা কাগজপত্র")
    page.wait_for_selector("h2:has-text('যে কাগজপত্র লাগবে')")
    body = page.locator("main").inner_text()
    assert "বিনামূল্যে" in body  # a fee of 0
    assert "যা এখনো নিশ্চিত নয়" in body
    assert "বাংলাদেশ পুলিশ" in body or "পুলিশ" in body

    # WHEN they fill in the form (Bangla digits and all) and submit while online
    page.click("a.button.primary >> nth=0")
    page.wait_for_selector("form button[type=submit]")
    assert page.locator("#f-form-imei").is_hidden()  # shown only for a lost phone
    page.screenshot(path=str(ARTIFACTS / "form-360x740.png"))
    phone = new_phone()
    fill_lost_phone_gd(page, phone)
    page.screenshot(path=str(ARTIFACTS / "form-filled-360x740.png"), full_page=True)
    submit_form(page)

    # THEN the tracking id appears, in Bangla digits, and the server has the application
    page.wait_for_selector(".tid")
    tracking_bn = page.locator(".tid").inner_text().strip()
    assert BANGLA_ID.match(tracking_bn), tracking_bn
    assert "আবেদন জমা হয়েছে" in page.locator("#notices").inner_text()
    stored = applications_on_server(stack, phone)
    assert len(stored) == 1
    assert to_bangla_digits(stored[0]["tracking_id"]) == tracking_bn.replace("-", "")

    # WHEN they track it by tracking id and phone, typed with ASCII digits this time
    page.click("text=অন্য আবেদনের অবস্থা দেখুন")
    page.fill("#t-id", stored[0]["tracking_id"])
    page.fill("#t-phone", phone)
    page.click("form.track button[type=submit]")

    # THEN the status and the history are in Bangla, with dates in both calendars
    page.wait_for_selector("#track-result .application")
    result = page.locator("#track-result").inner_text()
    assert tracking_bn in result
    assert "আবেদনের ইতিহাস" in result
    assert GREGORIAN_BN.search(result)
    assert BANGLA_CALENDAR_BN.search(result)
    assert "জমা" in result or "গৃহীত" in result  # a Bangla status name


def test_errors_are_shown_beside_their_fields(stack, page):
    # GIVEN the form, with a wrong NID and the declaration left unticked
    page.goto(stack.web + "/s/online-gd-lost-item/form")
    page.wait_for_selector("form button[type=submit]")
    fill_lost_phone_gd(page, new_phone())
    page.fill("#f-form-nid", "১২৩৪৫")
    page.uncheck("#f-form-declaration")

    # WHEN they submit
    submit_form(page)

    # THEN each problem is listed at the top and tied to its field for screen readers
    page.wait_for_selector(".error-summary:not([hidden])")
    nid_error = page.locator("#f-form-nid-error")
    assert "জাতীয় পরিচয়পত্র নম্বর ১০, ১৩ বা ১৭ অঙ্কের হয়" in nid_error.inner_text()
    assert "f-form-nid-error" in page.get_attribute("#f-form-nid", "aria-describedby")
    assert page.get_attribute("#f-form-nid", "aria-invalid") == "true"
    assert page.locator("#f-form-declaration-error").inner_text() == "ঘোষণায় টিক দিন।"
    assert page.evaluate("document.activeElement.id") == "error-summary-title"


def test_the_server_answer_is_shown_field_by_field(stack, page, context):
    # GIVEN a form the browser accepts but the server refuses (a district outside its division)
    page.goto(stack.web + "/s/online-gd-lost-item/form")
    page.wait_for_selector("form button[type=submit]")
    phone = new_phone()
    fill_lost_phone_gd(page, phone)
    page.evaluate("""() => {
        const district = document.querySelector('#f-form-lost_place-district');
        const option = new Option('?', '1'); district.append(option); district.value = '1';
    }""")

    # WHEN it is submitted
    submit_form(page)

    # THEN the server's own message appears at that field, and nothing was stored
    error = page.locator("#f-form-lost_place-district-error")
    error.wait_for(state="visible")
    assert "মেলে না" in error.inner_text()
    assert applications_on_server(stack, phone) == []


def test_english_switch_keeps_the_draft(stack, page):
    # GIVEN a half-filled form
    page.goto(stack.web + "/s/online-gd-lost-item/form")
    page.wait_for_selector("form button[type=submit]")
    page.fill("#f-applicant-name", "Rahim Uddin")
    page.wait_for_selector(".draft-status:has-text('খসড়া')")

    # WHEN they switch to English
    page.click("button.lang")

    # THEN the labels are English and what they typed is still there
    page.wait_for_selector("label:has-text(\"Applicant's name\")")
    assert page.input_value("#f-applicant-name") == "Rahim Uddin"
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("body > footer").inner_text().startswith("Nagorik Sheba:")


def test_a_list_of_rows_grows_and_comes_back_from_the_draft(stack, page):
    # GIVEN a form with a list (passengers of a train ticket)
    page.goto(stack.web + "/s/train-ticket-intercity/form")
    page.wait_for_selector("form button[type=submit]")

    # WHEN a second passenger is added and named, and the page is opened again
    page.click("button.add-row")
    page.fill("#f-form-passengers-1-name", "করিম উদ্দিন")
    page.wait_for_selector(".draft-status:has-text('খসড়া সংরক্ষিত')")
    page.reload()

    # THEN both rows are back, the second with its name
    page.wait_for_selector(".draft-status:has-text('আগের খসড়া')")
    assert page.input_value("#f-form-passengers-1-name") == "করিম উদ্দিন"
