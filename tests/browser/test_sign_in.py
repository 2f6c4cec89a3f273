"""Signing in on the web app: the phone, then the code sent by SMS, in Bangla; a wrong code
and a lockout said plainly; the countdown until another code; the tokens kept out of URLs
and the access token out of storage; an application queued offline waits for a new sign-in
when the old one was ended, and is then sent exactly once."""

from __future__ import annotations

import re
import time

from tests.browser.conftest import (
    BROWSER_RESEND_SECONDS,
    api_call,
    applications_on_server,
    ask_for_code,
    complete_sign_in,
    fill_lost_phone_gd,
    new_phone,
    open_form,
    screenshot,
    sign_in,
    submit_form,
    to_bangla_digits,
    wait_for_service_worker,
)

COUNTDOWN = re.compile(r"আবার কোড চাইতে পারবেন [০-৯]+ সেকেন্ড পরে")
STORED_SESSION = """() => new Promise((resolve, reject) => {
    const opened = indexedDB.open('ns-session');
    opened.onerror = () => reject(opened.error);
    opened.onsuccess = () => {
        const read = opened.result.transaction('session').objectStore('session').get('current');
        read.onsuccess = () => resolve(read.result || null);
    };
})"""


RESEND_SECONDS = BROWSER_RESEND_SECONDS + 1  # a phone gets a new code at most this often


def wrong_code(code: str) -> str:
    """The code with its last digit mistyped."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def test_a_wrong_code_is_said_plainly_then_the_right_one_signs_in(stack, page, context):
    # GIVEN a citizen on the sign-in page who asks for a code
    phone = new_phone()
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    page.goto(stack.web + "/signin")
    code = ask_for_code(page, stack.web, phone)

    # THEN the page says where the code went, and counts down until another may be asked for
    assert to_bangla_digits(phone) in page.locator(".code-sent").inner_text()
    assert COUNTDOWN.search(page.locator(".countdown").inner_text())
    assert page.locator("button.resend").is_disabled()
    screenshot(page, "sign-in-code-360")

    # WHEN they type a wrong code
    page.fill("#si-code", wrong_code(code))
    page.click("form.code-step button[type=submit]")

    # THEN the server's sentence says so, and how many tries are left, in Bangla
    error = page.locator("#si-error")
    error.wait_for(state="visible")
    assert "কোডটি মেলেনি" in error.inner_text() and "৪ বার" in error.inner_text()
    assert page.get_attribute("#si-code", "aria-invalid") == "true"
    screenshot(page, "sign-in-wrong-code-360")

    # WHEN they type the right one, in Bangla digits
    page.fill("#si-code", to_bangla_digits(code))
    page.click("form.code-step button[type=submit]")

    # THEN they are signed in, on their applications, and their number is shown
    page.wait_for_selector("h1:has-text('আমার আবেদন')")
    assert to_bangla_digits(phone) in page.locator(".signed-in-as").inner_text()
    session = page.evaluate(STORED_SESSION)
    assert session["refresh_token"] and "access_token" not in session
    assert session["person"].startswith("c-") and phone not in session["person"]
    assert not any(phone in url or session["refresh_token"] in url for url in urls)
    assert page.evaluate("JSON.stringify(localStorage)").find(session["refresh_token"]) == -1

    # WHEN the app is opened again (the access token was in memory only)
    page.reload()

    # THEN it signs in again by itself with the refresh token, and keeps the one it got back
    page.wait_for_selector(".mine-status:has-text('এখনো কোনো আবেদন নেই')")
    renewed = page.evaluate(STORED_SESSION)
    assert renewed["refresh_token"] and renewed["refresh_token"] != session["refresh_token"]


def test_five_wrong_codes_lock_the_number_and_say_for_how_long(stack, page):
    # GIVEN a code asked for
    phone = new_phone()
    page.goto(stack.web + "/signin")
    code = ask_for_code(page, stack.web, phone)

    # WHEN a wrong code is typed five times
    error = page.locator("#si-error")
    for _ in range(5):
        page.fill("#si-code", wrong_code(code))
        with page.expect_response("**/api/auth/otp/verify"):
            page.click("form.code-step button[type=submit]")
        page.wait_for_selector("form.code-step button[type=submit]:not([disabled])")

    # THEN the number is locked, said plainly, with the wait in minutes in Bangla digits
    text = error.inner_text()
    assert "আটকে আছে" in text, text
    assert "১৫ মিনিট পরে আবার চেষ্টা করুন" in text, text
    screenshot(page, "sign-in-locked-360")

    # AND even the right code does not work meanwhile
    page.fill("#si-code", code)
    page.click("form.code-step button[type=submit]")
    page.wait_for_selector("form.code-step button[type=submit]:not([disabled])")
    assert page.locator("section.sign-in").count() == 1


def test_submitting_before_signing_in_asks_for_it_and_keeps_the_form(stack, page):
    # GIVEN a filled form and no one signed in
    phone = new_phone()
    open_form(page, stack.web, "online-gd-lost-item")
    fill_lost_phone_gd(page, phone)

    # WHEN they submit
    page.click("form button[type=submit]")

    # THEN the app asks them to sign in first, with the applicant's number filled in
    page.wait_for_selector("section.sign-in")
    assert "ফর্মটি রাখা আছে" in page.locator("section.sign-in").inner_text()
    assert page.input_value("#si-phone") == to_bangla_digits(phone)
    screenshot(page, "sign-in-before-submit-360")
    assert applications_on_server(stack, phone) == []

    # WHEN they sign in
    complete_sign_in(page, stack.web, phone)

    # THEN the application is sent as they filled it
    page.wait_for_selector(".tid")
    assert len(applications_on_server(stack, phone)) == 1


def test_a_queued_application_waits_for_a_new_sign_in_then_is_sent_once(stack, page, context):
    # GIVEN a signed-in citizen who submits while offline: it waits in the outbox
    phone = new_phone()
    page.goto(stack.web + "/")
    wait_for_service_worker(page)
    sign_in(page, stack.web, phone)
    first_code_at = time.monotonic()
    open_form(page, stack.web, "online-gd-lost-item")
    page.wait_for_selector("#f-form-lost_place-division option[value='6']", state="attached")
    context.set_offline(True)
    fill_lost_phone_gd(page, phone)
    submit_form(page)
    page.wait_for_selector(".outbox .s-pending")

    # WHEN that sign-in is ended elsewhere (its refresh token revoked) and the app is opened
    # again, the access token it had in memory gone with the old page
    refresh_token = page.evaluate(STORED_SESSION)["refresh_token"]
    api_call(stack, "POST", "/auth/logout", {"refresh_token": refresh_token})
    page.reload()
    page.wait_for_selector(".outbox .s-pending")
    context.set_offline(False)

    # THEN the application waits, and the app asks the citizen to sign in again
    ask = page.locator("#notices a.sign-in-again")
    ask.wait_for()
    assert "আবার সাইন ইন করুন" in ask.inner_text()
    assert page.locator(".outbox .s-pending").count() == 1
    assert applications_on_server(stack, phone) == []
    screenshot(page, "sign-in-again-notice-360")

    # WHEN they sign in again (once the phone may be sent another code)
    ask.click()
    assert "অপেক্ষায় থাকা আবেদন" in page.locator("section.sign-in").inner_text()
    assert page.input_value("#si-phone") == phone  # their number, filled in
    time.sleep(max(0.0, RESEND_SECONDS - (time.monotonic() - first_code_at)))
    complete_sign_in(page, stack.web, phone)

    # THEN it is sent, exactly once, and shown among their applications
    page.wait_for_selector("h1:has-text('আমার আবেদন')")
    deadline = time.monotonic() + 30
    while not applications_on_server(stack, phone) and time.monotonic() < deadline:
        time.sleep(0.3)
    stored = applications_on_server(stack, phone)
    assert len(stored) == 1
    page.wait_for_selector(f"[data-id='{stored[0]['tracking_id']}']")
    page.goto(stack.web + "/outbox")
    page.wait_for_selector("h1")
    assert page.locator(".outbox .s-pending").count() == 0
    page.reload()
    page.wait_for_selector("h1")
    assert len(applications_on_server(stack, phone)) == 1
