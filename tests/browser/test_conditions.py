"""Answers that change the rest of the form: fewer options, a tighter range, a box that must
be ticked, and every problem told in the server's own words (Bangla or English)."""

from __future__ import annotations

from tests.browser.conftest import fill_lost_phone_gd, new_phone, submit_form

OFFERED = """select => [...select.options].filter(o => o.value && !o.hidden && !o.disabled)
                                 .map(o => o.value)"""


def open_form(stack, page, service_id):
    page.goto(f"{stack.web}/s/{service_id}/form")
    page.wait_for_selector("form button[type=submit]")


def choice(page, path, value):
    return page.locator(f'input[name="{path}"][value="{value}"]')


def test_under_18_passport_offers_only_48_pages_and_5_years(stack, page):
    # GIVEN the e-passport form with 64 pages and 10 years chosen
    open_form(stack, page, "epassport-new")
    choice(page, "form.pages", "64").check()
    choice(page, "form.validity_years", "10").check()

    # WHEN the applicant is under 18
    choice(page, "form.age_group", "UNDER_18").check()

    # THEN only 48 pages and 5 years are offered, and they are chosen
    assert choice(page, "form.pages", "64").is_hidden()
    assert choice(page, "form.validity_years", "10").is_hidden()
    assert choice(page, "form.pages", "48").is_checked()
    assert choice(page, "form.validity_years", "5").is_checked()
    assert page.locator('[data-path="form.brn"]').is_visible()  # a birth registration number

    # WHEN the age group changes to over 20, every option is offered again
    choice(page, "form.age_group", "OVER_20").check()
    assert choice(page, "form.pages", "64").is_visible()
    assert choice(page, "form.validity_years", "10").is_visible()
    assert page.locator('[data-path="form.brn"]').is_hidden()


def test_the_utility_offers_its_own_providers_and_drops_another(stack, page):
    # GIVEN the utility bill form, gas, from "another company" (whose name it then asks for)
    open_form(stack, page, "utility-bill-payment")
    provider = page.locator('select[name="form.provider"]')
    choice(page, "form.utility", "GAS").check()
    assert provider.evaluate(OFFERED) == ["TITAS", "OTHER_GAS"]
    provider.select_option("OTHER_GAS")
    page.fill('[name="form.provider_name"]', "জালালাবাদ গ্যাস")
    assert page.locator('[data-path="form.provider_name"]').is_visible()

    # WHEN the utility becomes water
    choice(page, "form.utility", "WATER").check()

    # THEN only water providers are offered, the gas company is no longer chosen, and its
    # name is no longer asked for
    assert provider.evaluate(OFFERED) == ["DHAKA_WASA", "CHATTOGRAM_WASA", "OTHER_WATER"]
    assert provider.input_value() == ""
    assert page.locator('[data-path="form.provider_name"]').is_hidden()


def test_a_union_parishad_licence_is_renewed_for_one_year_only(stack, page):
    # GIVEN the trade licence renewal form
    open_form(stack, page, "trade-licence-renewal")
    hint = page.locator("#f-form-years-limit")
    choice(page, "form.issuing_authority", "POURASHAVA").check()
    assert hint.is_hidden()

    # WHEN the licence is from a union parishad and 3 years are asked for
    choice(page, "form.issuing_authority", "UNION_PARISHAD").check()
    page.fill('[name="form.years"]', "৩")

    # THEN the form says one year is all it can be, and refuses three on submit
    assert hint.inner_text() == "আপনার আগের উত্তর অনুযায়ী এখানে শুধু ১ দেওয়া যায়।"
    assert "f-form-years-limit" in page.get_attribute('[name="form.years"]', "aria-describedby")
    submit_form(page)
    assert page.locator("#f-form-years-error").inner_text() == "'কত বছরের জন্য' সর্বোচ্চ ১ হতে পারে।"


def test_a_box_that_must_be_ticked_is_asked_for(stack, page):
    # GIVEN the train ticket form, where the buyer must travel too
    open_form(stack, page, "train-ticket-intercity")
    box = page.locator('input[name="form.buyer_travelling"]')

    # WHEN it is submitted without that box ticked
    submit_form(page)

    # THEN that box is marked as needed, beside it and in the list at the top
    error = page.locator("#f-form-buyer_travelling-error")
    assert error.inner_text() == "'ক্রেতা নিজে এই যাত্রায় থাকবেন' ঘরে টিক দিন।"
    assert box.get_attribute("aria-invalid") == "true"
    assert "ক্রেতা নিজে এই যাত্রায় থাকবেন" in page.locator(".error-summary").inner_text()

    # WHEN it is ticked, the problem goes
    box.check()
    error.wait_for(state="hidden")


def test_problems_are_told_in_the_servers_english_too(stack, page):
    # GIVEN the form in English with a wrong national ID
    open_form(stack, page, "online-gd-lost-item")
    fill_lost_phone_gd(page, new_phone())
    page.fill("#f-form-nid", "12345")
    page.click("button.lang")
    page.wait_for_selector("html[lang=en]")

    # WHEN it is submitted
    submit_form(page)

    # THEN the server's English sentence names the field
    error = page.locator("#f-form-nid-error")
    error.wait_for()
    assert error.inner_text() == (
        "'NID number' is not valid: a national ID number has 10, 13 or 17 digits.")


def test_service_pages_show_allowances_and_forms_without_documents(stack, page):
    # an allowance: how much, how often, and that the amount is not yet confirmed
    page.goto(stack.web + "/s/old-age-allowance")
    benefit = page.locator("section[aria-labelledby=h-benefit]")
    benefit.wait_for()
    assert "৳ ৬৫০, প্রতি মাসে" in benefit.inner_text()
    assert "এখনো নিশ্চিত নয়" in benefit.inner_text()

    # a service that needs no documents says so
    page.goto(stack.web + "/s/train-ticket-intercity")
    page.wait_for_selector("#h-docs")
    docs = page.locator("section[aria-labelledby=h-docs]").inner_text()
    assert "কোনো কাগজপত্র জমা দিতে হয় না" in docs

    # a passport is what the e-passport service gives
    page.goto(stack.web + "/s/epassport-new")
    page.wait_for_selector("#h-out")
    assert "ই-পাসপোর্ট" in page.locator("section[aria-labelledby=h-out]").inner_text()
    assert page.locator("section[aria-labelledby=h-benefit]").count() == 0


def test_a_mistyped_tracking_id_is_told_in_the_servers_words(stack, page):
    page.goto(stack.web + "/track")
    page.fill("#t-id", "1226-1128-4839-2072")  # one digit off
    page.fill("#t-phone", "01712345678")
    page.click("form.track button[type=submit]")
    assert page.locator("#t-id-error").inner_text() == (
        "'ট্র্যাকিং নম্বর' সঠিক নয়: ১৬ অঙ্কের নম্বরটি রশিদের সাথে আবার মিলিয়ে দেখুন।")
