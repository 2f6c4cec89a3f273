"""Forms that explain themselves: the error summary grouped by section in the form's order,
the declaration named briefly, no star on a yes/no box, dates typed day/month/year in the
reader's language, and a birthplace district chosen from the list."""

from __future__ import annotations

import json

from tests.browser.conftest import (
    applications_on_server,
    at_widths,
    fill_lost_phone_gd,
    new_phone,
    open_form,
    submit_form,
)

PASSPORT = "epassport-new"


def summary_items(page):
    return page.locator(".error-summary li").all_inner_texts()


def test_the_error_summary_is_grouped_by_section_in_the_form_s_order(stack, page):
    # GIVEN the e-passport form (two addresses, an emergency contact), left empty
    open_form(page, stack.web, PASSPORT)

    # WHEN the citizen submits it
    submit_form(page)
    page.wait_for_selector(".error-summary:not([hidden])")

    # THEN the summary's heading has the focus and is in view
    assert page.evaluate("document.activeElement.id") == "error-summary-title"
    box = page.locator("#error-summary-title").bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]

    # AND the problems are listed under their sections, in the order the form has them
    sections = page.locator(".error-summary h3").all_inner_texts()
    legends = page.locator("form fieldset.section > legend").all_inner_texts()
    assert sections == [legend for legend in legends if legend in sections]
    assert sections[0] == "আবেদনকারী" and "জরুরি যোগাযোগ" in sections

    # AND no line is said twice, each naming whose field it is
    items = summary_items(page)
    assert len(items) == len(set(items))
    assert "জরুরি যোগাযোগের ব্যক্তি: 'নাম' দিতে হবে।" in items
    assert "জরুরি যোগাযোগের ব্যক্তি: 'মোবাইল নম্বর' দিতে হবে।" in items
    assert "জরুরি যোগাযোগের ব্যক্তি: 'সম্পর্ক' দিতে হবে।" in items
    division = items.index("স্থায়ী ঠিকানা: 'বিভাগ' দিতে হবে।")
    district = items.index("স্থায়ী ঠিকানা: 'জেলা' দিতে হবে।")
    assert division < district

    # AND the declaration is named, not quoted whole
    assert "ঘোষণায় টিক দিন।" in items
    assert not [item for item in items if "আমি ঘোষণা করছি" in item]
    at_widths(page, "form-summary-grouped")
    page.evaluate("document.querySelector('.error-summary li:last-child').scrollIntoView()")
    at_widths(page, "form-summary-grouped-end")

    # AND in English too
    page.click("button.lang")
    page.wait_for_selector("html[lang=en]")
    submit_form(page)
    page.wait_for_selector(".error-summary:not([hidden]) h3")
    english = summary_items(page)
    assert "Tick the declaration." in english
    assert "Emergency contact: 'Name' is required." in english


def test_a_yes_no_box_has_no_star_and_a_must_tick_box_has_one(stack, page):
    open_form(page, stack.web, PASSPORT)

    yes_no = page.locator("label[for='f-form-present_same_as_permanent']")
    must_tick = page.locator("label[for='f-form-declaration']")

    assert yes_no.inner_text().strip() == "বর্তমান ঠিকানা স্থায়ী ঠিকানার মতোই"
    assert yes_no.locator(".req").count() == 0
    assert must_tick.locator(".req").count() == 1


def test_dates_are_typed_day_month_year_in_the_reader_s_digits(stack, page):
    # GIVEN a form with a date of birth
    open_form(page, stack.web, "online-gd-lost-item")
    box = page.locator("#f-form-date_of_birth")

    # THEN the box shows the order to type it in, in Bangla, and no mm/dd/yyyy picker
    assert box.get_attribute("type") == "text"
    assert page.locator("#f-form-date_of_birth-format").inner_text().startswith("দিন/মাস/বছর")
    assert "f-form-date_of_birth-format" in box.get_attribute("aria-describedby")

    # WHEN the citizen types a date in Bangla digits, day first
    phone = new_phone()
    fill_lost_phone_gd(page, phone)
    box.fill("০১/১২/১৯৮৫")

    # THEN it is read back in words, and the server gets the same day
    page.wait_for_selector("#f-form-date_of_birth-reads:has-text('১ ডিসেম্বর ১৯৮৫')")
    page.locator("[data-path='form.date_of_birth']").evaluate("el => el.scrollIntoView()")
    at_widths(page, "form-date-box")
    submit_form(page)
    page.wait_for_selector(".tid")
    [stored] = applications_on_server(stack, phone)
    form = stored["form"] if isinstance(stored["form"], dict) else json.loads(stored["form"])
    assert form["date_of_birth"] == "1985-12-01"


def test_a_date_that_is_not_one_is_explained_day_month_year(stack, page):
    open_form(page, stack.web, "online-gd-lost-item")
    fill_lost_phone_gd(page, new_phone())
    page.fill("#f-form-date_of_birth", "৩১/০২/১৯৮৫")

    submit_form(page)

    error = page.locator("#f-form-date_of_birth-error")
    error.wait_for()
    assert "দিন/মাস/বছর" in error.inner_text()


def test_the_birthplace_district_is_chosen_from_the_list(stack, page):
    # GIVEN the e-passport form
    open_form(page, stack.web, PASSPORT)
    district = page.locator("#f-form-birth_district")

    # THEN the birthplace is a list of all 64 districts, under their divisions, in Bangla
    assert district.evaluate("el => el.tagName") == "SELECT"
    page.wait_for_selector("#f-form-birth_district option[value='1']", state="attached")
    assert district.locator("option:not([value=''])").count() == 64
    assert district.locator("optgroup").count() == 8
    district.select_option("1")
    assert district.evaluate("el => el.selectedOptions[0].textContent") == "কুমিল্লা"
