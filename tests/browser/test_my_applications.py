""""আমার আবেদন" from the server, a page at a time, each opening its application's page; and
on that page, answering the office's request for more information: checked with the form's
own rules first, the server's problems shown at their fields, then sent."""

from __future__ import annotations

import json
import time
import uuid

from tests.browser.conftest import (
    CATALOG_DIR,
    api_call,
    application_on_server,
    apply_online,
    decide,
    new_phone,
    screenshot,
    sign_in,
    to_bangla_digits,
)
from tests.helpers import example, submission

SERVICE = "online-gd-lost-item"
PAGE = 20  # what the server lists at a time


def access_token_of(page, context, web):
    """The access token the app itself sends (read from one of its own requests)."""
    seen: list[str] = []
    context.on("request", lambda request: "/api/me/applications" in request.url
               and seen.append(request.headers.get("authorization", "")))
    page.goto(web + "/me")
    page.wait_for_selector("h1:has-text('আমার আবেদন')")
    deadline = time.monotonic() + 15
    while not seen and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return seen[0].removeprefix("Bearer ")


def wait_for_status(stack, tracking_id, status):
    deadline = time.monotonic() + 45
    while application_on_server(stack, tracking_id)["status"] != status:
        assert time.monotonic() < deadline, f"{tracking_id} never reached {status}"
        time.sleep(0.3)


def test_my_applications_come_from_the_server_a_page_at_a_time(stack, page, context):
    # GIVEN a citizen signed in, with more applications than one page holds (made elsewhere)
    phone = new_phone()
    sign_in(page, stack.web, phone)
    token = access_token_of(page, context, stack.web)
    version = json.loads((CATALOG_DIR / f"{SERVICE}.json").read_text(encoding="utf-8"))["version"]
    made = []
    for _ in range(PAGE + 1):
        body = submission(SERVICE, example(SERVICE, "valid-lost-phone"), version=version,
                          phone=phone)
        made.append(api_call(stack, "POST", "/applications", body, token,
                             headers={"Idempotency-Key": str(uuid.uuid4())})["tracking_id"])

    # WHEN they open "আমার আবেদন"
    page.goto(stack.web + "/me")

    # THEN the newest page is listed, and "আরও দেখুন" brings the rest
    page.wait_for_selector(f"[data-id='{made[-1]}']")
    assert page.locator("ul.mine li").count() == PAGE
    assert page.locator(f"[data-id='{made[0]}']").count() == 0
    screenshot(page, "my-applications-360")
    page.click("button.more")
    page.wait_for_selector(f"[data-id='{made[0]}']")
    assert page.locator("ul.mine li").count() == PAGE + 1
    assert page.locator("button.more").is_hidden()

    # WHEN one is opened
    page.click(f"[data-id='{made[0]}'] a")

    # THEN its page shows it, its tracking id in Bangla digits
    page.wait_for_selector("#app-view .tid")
    shown = page.locator("#app-view .tid").inner_text().replace("-", "")
    assert shown == to_bangla_digits(made[0])


def test_answering_a_request_for_information(stack, page):
    # GIVEN a citizen's application the office has asked more of
    phone = new_phone()
    sign_in(page, stack.web, phone)
    tracking_id = apply_online(page, stack.web, phone=phone)
    wait_for_status(stack, tracking_id, "in_review")
    decide(stack, tracking_id, {"decision": "needs_info",
                                "reason": "জাতীয় পরিচয়পত্রের নম্বরটি আবার দিন"})

    # WHEN they open its page
    page.goto(f"{stack.web}/a/{tracking_id}")

    # THEN the page says what the office asked for, with a form to answer it
    answer = page.locator("section.answer")
    answer.wait_for(timeout=30_000)
    assert "জাতীয় পরিচয়পত্রের নম্বরটি আবার দিন" in answer.inner_text()
    assert page.locator("#app-view .status[class*=s-]").inner_text() == "আরও তথ্য প্রয়োজন"

    # WHEN they send it empty, then with an NID the form's rules refuse
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and "/responses" in r.url
            and posts.append(r.url))
    page.click("section.answer button[type=submit]")
    page.wait_for_selector(".answer .error-summary:not([hidden])")
    assert "অন্তত একটি তথ্য" in page.locator(".answer .error-summary").inner_text()
    page.fill("#f-form-nid", "১২৩৪৫")
    page.click("section.answer button[type=submit]")

    # THEN the problem is shown at the field and nothing is sent
    page.wait_for_selector("#f-form-nid-error:not([hidden])")
    assert "১০, ১৩ বা ১৭ অঙ্কের" in page.locator("#f-form-nid-error").inner_text()
    assert posts == []

    # WHEN they answer with a place the server refuses (a district outside its division)
    page.fill("#f-form-nid", "")
    page.wait_for_selector("#f-form-lost_place-division option[value='6']", state="attached")
    page.select_option("#f-form-lost_place-division", "6")
    page.evaluate("""() => {
        const district = document.querySelector('#f-form-lost_place-district');
        district.append(new Option('?', '1')); district.value = '1';
    }""")
    page.fill("#f-form-lost_place-area", "মিরপুর ১০, ঢাকা")
    page.click("section.answer button[type=submit]")

    # THEN the server's problem appears at that field, and the application still waits
    error = page.locator("#f-form-lost_place-district-error")
    error.wait_for(state="visible")
    assert "মেলে না" in error.inner_text()
    assert application_on_server(stack, tracking_id)["status"] == "needs_info"
    screenshot(page, "answer-server-error-360", full_page=True)

    # WHEN they answer with the NID asked for (Bangla digits) and a note
    page.goto(f"{stack.web}/a/{tracking_id}")
    page.wait_for_selector("section.answer")
    page.fill("#f-form-nid", "৯৮৭৬৫৪৩২১০৯৮৭")
    page.fill("#answer-note", "সঠিক নম্বর দিলাম")
    page.click("section.answer button[type=submit]")

    # THEN it goes back to the office with the new NID, and the page says so
    page.wait_for_function(
        "() => document.querySelector('#app-view .status[class*=s-]')?.textContent"
        " === 'তথ্যসহ পুনরায় জমা দেওয়া হয়েছে'")
    page.wait_for_selector("section.answer", state="detached")
    stored = application_on_server(stack, tracking_id)
    assert stored["status"] == "resubmitted"
    assert "9876543210987" in json.dumps(stored, default=str, ensure_ascii=False)
