"""The form says what the answers given will cost, and when they contradict each other.

A citizen choosing pages, validity and delivery for an e-passport sees that choice's fee
and time limit, in Bangla digits (English digits in English); a child born this week is
registered free; "over 20" with a 2015 birth date is refused in the browser with the
server's sentence, at the field and in the summary.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.bangla import now_dhaka
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import violations

PASSPORT = "/s/epassport-new/form"


def fee_box(page):
    return page.locator(".fee-quote")


def choose(page, field, value):
    page.check(f'input[name="form.{field}"][value="{value}"]')


def test_the_passport_form_shows_the_fee_and_time_for_the_choices_made(stack, page):
    # GIVEN the e-passport form, nothing chosen yet
    page.goto(stack.web + PASSPORT)
    page.wait_for_selector("form button[type=submit]")
    assert "ফি দেখতে এই প্রশ্নগুলোর উত্তর দিন" in fee_box(page).inner_text()

    # WHEN 64 pages, 10 years and express are chosen
    choose(page, "pages", "64")
    choose(page, "validity_years", "10")
    choose(page, "delivery_type", "EXPRESS")

    # THEN the fee for exactly that, with VAT, and express's own time limit show
    text = fee_box(page).inner_text()
    assert "৳ ১০,৩৫০" in text
    assert "৭ কার্যদিবস" in text
    assert "১৫ কার্যদিবস" not in text

    # WHEN super express is chosen instead THEN the fee and the time follow
    choose(page, "delivery_type", "SUPER_EXPRESS")
    text = fee_box(page).inner_text()
    assert "৳ ১৩,৮০০" in text and "২ কার্যদিবস" in text

    # AND a government employee with an NOC pays the express fee for super express
    page.check('input[name="form.government_employee"]')
    assert "৳ ১০,৩৫০" in fee_box(page).inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    fee_box(page).screenshot(path=str(ARTIFACTS / "fee-passport.png"))
    assert violations(page, "form-fee") == []

    # AND in English the same fee reads in English digits
    page.click("button.lang")
    page.wait_for_selector("html[lang=en]")
    page.wait_for_selector(".fee-quote h2")
    assert "৳ 10,350" in fee_box(page).inner_text()


def test_a_birth_registered_in_the_first_week_is_free(stack, page):
    page.goto(stack.web + "/s/birth-registration-new/form")
    page.wait_for_selector("form button[type=submit]")

    born = (now_dhaka().date() - timedelta(days=3)).isoformat()
    page.fill("#f-form-date_of_birth", born)

    text = fee_box(page).inner_text()
    assert "বিনামূল্যে" in text
    assert "জন্মের ৪৫ দিনের মধ্যে" in text

    # AND a birth three years ago costs Tk 25
    page.fill("#f-form-date_of_birth", (now_dhaka().date() - timedelta(days=3 * 365)).isoformat())
    assert "৳ ২৫" in fee_box(page).inner_text()


def test_over_20_with_a_2015_birth_date_is_refused_at_the_field_and_in_the_summary(stack, page):
    # GIVEN the passport form with "over 20" chosen and a 2015 date of birth
    page.goto(stack.web + PASSPORT)
    page.wait_for_selector("form button[type=submit]")
    choose(page, "age_group", "OVER_20")
    page.fill("#f-form-date_of_birth", "2015-06-10")

    # WHEN it is submitted
    page.click("form button[type=submit]")
    page.wait_for_selector(".error-summary:not([hidden])")

    # THEN the date of birth says why, in Bangla, and the summary says the same sentence
    error = page.locator("#f-form-date_of_birth-error")
    assert "'জন্ম তারিখ' অনুযায়ী আবেদনকারীর বয়স ২০ বছরের বেশি নয়" in error.inner_text()
    assert error.inner_text() in page.locator(".error-summary").inner_text()
    assert page.locator("#f-form-date_of_birth").get_attribute("aria-invalid") == "true"
    page.locator('[data-path="form.date_of_birth"]').screenshot(
        path=str(ARTIFACTS / "cross-field-passport.png"))

    # WHEN the age group is corrected THEN the sentence goes
    choose(page, "age_group", "UNDER_18")
    page.wait_for_function(
        "!document.querySelector('#f-form-date_of_birth-error').textContent.includes('২০')")


def test_the_marriage_fee_follows_the_dower_and_says_it_is_not_confirmed(stack, page):
    page.goto(stack.web + "/s/marriage-registration/form")
    page.wait_for_selector("form button[type=submit]")
    assert "দেনমোহরের পরিমাণ" in fee_box(page).inner_text()  # the answer the fee waits for

    page.fill("#f-form-dower_bdt", "৫,০০,০০০")
    text = fee_box(page).inner_text()
    assert "৳ ৫,১০০" in text
    assert "এই তথ্য এখনো নিশ্চিত নয়" in text  # the rounding rule is not confirmed

    page.fill("#f-form-dower_bdt", "100500")
    assert "৳ ১,২৬২.৫০" in fee_box(page).inner_text()


def test_an_amount_not_known_is_said_plainly(stack, page):
    page.goto(stack.web + "/s/vehicle-registration/form")
    page.wait_for_selector("form button[type=submit]")
    choose(page, "vehicle_class", "MOTORCYCLE")
    page.fill("#f-form-engine_cc", "125")

    text = fee_box(page).inner_text()
    assert "৳ ৩,০০০" in text
    assert "জানা নেই" in text
    assert "মোট ফি এখনো বলা যাচ্ছে না" in text
