"""Status a citizen can trust: it changes by itself while on screen (and not while hidden),
says when it was last checked, drops the due date once decided, says what to collect and
where once approved; a slow submit says it is sending; the success notice goes away."""

from __future__ import annotations

import time

from tests.browser.conftest import (
    apply_online,
    at_widths,
    decide,
    fill_lost_phone_gd,
    new_phone,
    open_form,
    screenshot,
    sign_in,
    submit_form,
)

IN_REVIEW = "প্রক্রিয়াধীন"
STATUS_WAIT_MS = 45_000  # the page asks at 2, 4, 8, 15 ... seconds after each change
SHOWN_AS = """state => {
    Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => state});
    document.dispatchEvent(new Event('visibilitychange'));
}"""


def status_is(page, text, timeout=STATUS_WAIT_MS):
    page.wait_for_function(
        "text => document.querySelector('#app-view .status[class*=s-]')?.textContent === text",
        arg=text, timeout=timeout)


def test_the_status_changes_by_itself_and_says_when_it_was_checked(stack, page):
    # GIVEN an application just submitted: its page says "জমা দেওয়া হয়েছে"
    tracking_id = apply_online(page, stack.web)
    assert page.locator("#app-view .status[class*=s-]").inner_text() == "জমা দেওয়া হয়েছে"

    # WHEN the citizen only waits, pressing nothing
    status_is(page, IN_REVIEW)

    # THEN the page shows the office's status, and when it was last checked
    assert page.locator("#app-view .checked").inner_text().startswith("অবস্থা শেষ দেখা হয়েছে: ")
    history = page.locator("#app-view .history").inner_text()
    # the agency's queue is not named like the phone's list of unsent applications
    assert "দপ্তরে পাঠানোর সারিতে" in history and "অপেক্ষমাণ" not in history
    assert page.locator("#outbox-link").inner_text() == "পাঠানো বাকি আবেদন"

    # WHEN the office approves it, while the page stays open
    decide(stack, tracking_id, {"decision": "approve"})

    # THEN the page says so by itself, with what to collect and where, and no due date
    status_is(page, "অনুমোদিত")
    collect = page.locator("#app-view .collect").inner_text()
    assert "যা পাবেন: জিডির কপি (জিডি নম্বরসহ)" in collect
    assert "gd.police.gov.bd" in collect
    assert "নিষ্পত্তির সম্ভাব্য তারিখ" not in page.locator("#app-view").inner_text()
    at_widths(page, "status-approved", full_page=True)

    # AND the list of this phone's applications shows the new status and its check time
    page.click("#top a[href='/track']")
    item = page.locator(f"[data-id='{tracking_id}']")
    item.wait_for()
    assert "অনুমোদিত" in item.inner_text() and "দেখা হয়েছে" in item.inner_text()


def test_the_list_of_this_phone_s_applications_refreshes_by_itself(stack, page):
    # GIVEN an application made on this phone, then the list opened at once
    tracking_id = apply_online(page, stack.web)
    page.click("#top a[href='/track']")
    item = page.locator(f"[data-id='{tracking_id}']")
    item.wait_for()

    # WHEN the citizen waits on the list
    page.wait_for_function(
        "([id, text]) => document.querySelector(`[data-id='${id}'] .status`)?.textContent === text",
        arg=[tracking_id, IN_REVIEW], timeout=STATUS_WAIT_MS)

    # THEN the item shows the office's status and says when it was checked
    assert "দেখা হয়েছে" in item.inner_text()
    screenshot(page, "status-list-360", full_page=True)


def test_no_one_is_asked_while_the_page_is_hidden(stack, page, context):
    # GIVEN an application's page, its status under review (so it is still watched); the
    # page's clock runs as usual, and the test can move it on
    context.clock.install()
    apply_online(page, stack.web)
    status_is(page, IN_REVIEW)
    asked: list[str] = []
    page.on("request", lambda r: r.method == "GET" and "/applications/" in r.url
            and asked.append(r.url))

    # WHEN the phone hides the page (another app in front) for a while: longer than the next
    # two waits together, each due timer of the page fired on the way
    page.evaluate(SHOWN_AS, "hidden")
    for _ in range(4):
        page.clock.fast_forward(3_000)
        page.wait_for_timeout(250)  # time for a request, if the page made one

    # THEN nothing is asked; and when it shows again, it asks at once
    assert asked == []
    page.evaluate(SHOWN_AS, "visible")
    deadline = time.monotonic() + 15
    while not asked and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert asked


def test_a_rejected_application_shows_no_due_date(stack, page):
    # GIVEN a birth registration (7 working days) under review: it shows its due date
    tracking_id = apply_online(page, stack.web, "birth-registration-new", "valid-newborn")
    status_is(page, IN_REVIEW)
    page.wait_for_selector("#app-view :text('নিষ্পত্তির সম্ভাব্য তারিখ')")

    # WHEN the office rejects it
    decide(stack, tracking_id, {"decision": "reject", "reason": "কাগজপত্র অস্পষ্ট"})

    # THEN the page says so, with the reason, and no due date or usual time any more
    status_is(page, "নামঞ্জুর")
    shown = page.locator("#app-view").inner_text()
    assert "কাগজপত্র অস্পষ্ট" in shown
    assert "নিষ্পত্তির সম্ভাব্য তারিখ" not in shown and "সাধারণত" not in shown
    screenshot(page, "status-rejected-360", full_page=True)


def test_a_slow_submit_says_it_is_sending_and_takes_no_second_press(stack, page, context):
    # GIVEN a signed-in citizen's filled form on a connection where sending takes seconds
    phone = new_phone()
    sign_in(page, stack.web, phone)
    open_form(page, stack.web, "online-gd-lost-item")
    fill_lost_phone_gd(page, phone)
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/api/applications")
            and posts.append(r.url))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 3000, "downloadThroughput": 50_000,
        "uploadThroughput": 50_000})

    # WHEN the citizen presses submit (and presses again)
    submit_form(page)
    button = page.locator("form button[type=submit]")
    button.wait_for()

    # THEN the button says "পাঠানো হচ্ছে…" and cannot be pressed meanwhile
    page.wait_for_function(
        "() => document.querySelector('form button[type=submit]')?.textContent === 'পাঠানো হচ্ছে…'")
    assert button.is_disabled()
    assert button.get_attribute("aria-busy") == "true"
    screenshot(page, "submit-sending-360")
    button.click(force=True, no_wait_after=True, timeout=2000)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    page.wait_for_selector(".tid", timeout=30_000)
    assert len(posts) == 1


def test_the_success_notice_goes_away_by_itself(stack, page, context):
    # GIVEN an application just sent: the notice says so
    context.clock.install()
    apply_online(page, stack.web)
    notice = page.locator("#notices .notice")
    assert "আবেদন জমা হয়েছে।" in notice.inner_text()

    # WHEN the citizen reads the page for a while (its clock moved on by ten seconds)
    page.clock.fast_forward(10_000)

    # THEN the notice has gone, leaving the whole screen to the page
    notice.wait_for(state="detached", timeout=20_000)
    assert page.locator("#notices").inner_text().strip() == ""
