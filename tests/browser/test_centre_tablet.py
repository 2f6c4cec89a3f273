"""A morning at the centre, on a 10" tablet: an entrepreneur signs in; three citizens'
applications are started; two are completed while the connection is gone (consent recorded,
paid in cash and by bKash), one answer of the resend is dropped on its way back; one is
refused by the server (a wrong consent code), corrected and sent again. After reconnecting
exactly three applications exist on the server, each once, in the centre's ledger; after
"done with this citizen" (the receipt printed) the tablet holds nothing of that citizen, and
signing out (after its warning about a draft) leaves nothing of anyone."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from typing import Any

from tests.browser.conftest import (
    CATALOG_DIR,
    api_call,
    applications_on_server,
    demo_staff,
    new_code,
    new_phone,
    screenshot,
    sign_in_codes,
    to_bangla_digits,
    wait_for_service_worker,
)
from tests.browser.test_accessibility import violations
from tests.browser.test_every_service import Citizen
from tests.browser.test_shared_device import EVERYTHING_STORED
from tests.helpers import EXAMPLES, load_example

LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
BIRTH = "birth-registration-new"
EXAMPLE = "valid-adult-with-present-address"  # born in 1975: the government fee is Tk 50
CENTRE = "demo-15"  # Rajshahi's demo centre: no other browser test works there
FORM_ONLY = ("RAFIQUL", "দেবিদ্বার বাজার", "rafiqul@example.com")  # in every citizen's form
NO_BANGLA_DIGIT = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def entrepreneur(stack: Any) -> dict[str, Any]:
    return next(who for who in demo_staff(stack)
                if who["role"] == "entrepreneur" and who.get("centre_id") == CENTRE)


def ledger_ids(stack: Any, who: dict[str, Any]) -> list[str]:
    """The tracking ids in the centre's ledger for today (Dhaka), as its entrepreneur reads it."""
    token = api_call(stack, "POST", "/auth/login",
                     {"phone": who["phone_local"], "password": who["password"]})["access_token"]
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 6 * 3600))
    query = urllib.parse.urlencode({"date": today})
    answer = api_call(stack, "GET", f"/centres/{CENTRE}/ledger?{query}", token=token)
    return [entry["tracking_id"] for entry in answer["entries"]]


def start_citizen(page: Any, name: str, phone: str) -> None:
    """'New citizen': name, phone (in Bangla digits), the service; its form opens."""
    page.click(".centre-queue button.new")
    page.wait_for_selector("form.centre-start")
    page.fill("#cs-name", name)
    page.fill("#cs-phone", to_bangla_digits(phone))
    page.select_option("#cs-service", BIRTH)
    page.click("form.centre-start button[type=submit]")
    page.wait_for_selector("#f-form-first_name_bn")
    assert page.input_value("#f-applicant-name") == name  # the form starts with the citizen


def fill_form(page: Any) -> None:
    service = json.loads((CATALOG_DIR / f"{BIRTH}.json").read_text(encoding="utf-8"))
    Citizen(page).fill_form(service["form"], load_example(EXAMPLES / BIRTH / f"{EXAMPLE}.json"))


def open_item(page: Any, name: str) -> None:
    """One tap on the citizen in the queue."""
    page.click(f".centre-queue button.queue-item:has-text('{name}')")
    page.wait_for_selector(f".centre-queue button[aria-current=true]:has-text('{name}')")


def queue_state(page: Any, name: str) -> str:
    return page.locator(f".centre-queue button.queue-item:has-text('{name}') .sync").inner_text()


def wait_state(page: Any, name: str, state: str) -> None:
    page.wait_for_selector(
        f".centre-queue button.queue-item:has-text('{name}') .sync:has-text('{state}')",
        timeout=30_000)


def pay(page: Any, charge: str, *, bkash: str | None = None) -> None:
    if bkash:
        page.check("#cz-pay-method-mfs")
        page.fill("#cz-pay-provider", "bKash")
        page.fill("#cz-pay-reference", bkash)
    else:
        page.check("#cz-pay-method-cash")
    page.fill("#cz-pay-charge", charge)


def record_consent(page: Any, reason: str) -> None:
    page.check("#cz-method-recorded")
    page.fill("#cz-reason", reason)


# Every control a finger presses on the page (a radio or box counts by its label), that is
# smaller than 48 px either way: the tablet's targets are at least that.
SMALL_TARGETS = """() => {
  const shown = [...document.querySelectorAll(['main button', 'main select', 'main textarea',
      'main input:not([type=radio]):not([type=checkbox])', 'main label.choice'].join(', '))]
    .filter((el) => el.offsetParent !== null);
  const small = shown.map((el) => [el, el.getBoundingClientRect()])
    .filter(([, box]) => box.height < 48 || box.width < 48)
    .map(([el, box]) => `${el.tagName}#${el.id}.${el.className} ${box.width}x${box.height}`);
  return {shown: shown.length, small};
}"""
NO_PRINT_DIALOG = "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"


def fits_the_tablet(page: Any, name: str) -> None:
    """At both orientations: no sideways scrolling, large targets, no serious axe finding."""
    for size in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(size)
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"), size
        targets = page.evaluate(SMALL_TARGETS)
        assert targets["shown"] >= 5 and targets["small"] == [], (size, targets)
    assert violations(page, name) == []
    page.set_viewport_size(LANDSCAPE)


def secrets_of(name: str, phone: str) -> tuple[str, ...]:
    return (name, phone, phone[1:], to_bangla_digits(phone), to_bangla_digits(phone[1:]))


def sign_in_at_centre(page: Any, stack: Any, who: dict[str, Any]) -> None:
    page.goto(stack.web + "/")
    wait_for_service_worker(page)
    page.goto(stack.web + "/centre")
    page.fill("#centre-phone", who["phone_local"])
    page.fill("#centre-password", who["password"])
    page.click("form.centre-sign-in button[type=submit]")
    page.wait_for_selector("form.centre-start")  # an empty day: a new citizen's first
    assert urllib.parse.urlsplit(page.url).path == "/centre"
    both_orientations(page, "centre-start")


def start_three(page: Any, citizens: dict[str, tuple[str, str]]) -> None:
    """A's started and its form filled in; B's and C's started."""
    (name_a, phone_a), (name_b, phone_b), (name_c, phone_c) = citizens.values()
    start_citizen(page, name_a, phone_a)
    fill_form(page)
    # the fee of the service's rules for these answers and the charge, in ৳ with Bangla digits
    pay(page, "৩০")
    charges = page.locator(".centre-charges")
    charges.locator(".total:has-text('৳ ৮০')").wait_for()
    assert "৳ ৫০" in charges.locator(".gov-fee").inner_text()
    assert "৳ ৩০" in charges.locator(".service-charge").inner_text()
    start_citizen(page, name_b, phone_b)
    start_citizen(page, name_c, phone_c)
    assert page.locator(".centre-queue button.queue-item").count() == 3
    for name, _ in citizens.values():
        assert queue_state(page, name) == "খসড়া"


def complete_b_and_a(page: Any) -> None:
    """B's form filled in and both completed (consent recorded, paid) and submitted."""
    names = [button.locator(".who").inner_text()
             for button in page.locator(".centre-queue button.queue-item").all()]
    name_a, name_b = names[0], names[1]
    open_item(page, name_b)
    fill_form(page)
    record_consent(page, "এলাকায় এখন নেটওয়ার্ক নেই")
    pay(page, "20", bkash="9F3K2L1Q")
    page.click("form button[type=submit]")
    wait_state(page, name_b, "পাঠানোর অপেক্ষায়")
    open_item(page, name_a)
    assert page.input_value("#f-form-first_name_en") == "RAFIQUL"  # A's answers were kept
    record_consent(page, "নাগরিকের নিজের ফোন নেই")
    page.click("form button[type=submit]")
    wait_state(page, name_a, "পাঠানোর অপেক্ষায়")


def both_orientations(page: Any, name: str, *, full_page: bool = False) -> None:
    screenshot(page, f"{name}-landscape-1280", full_page=full_page)
    page.set_viewport_size(PORTRAIT)
    screenshot(page, f"{name}-portrait-800", full_page=full_page)
    page.set_viewport_size(LANDSCAPE)


def losing_the_first_answer(stack: Any, dropped: list[str], keys: list[str]) -> Any:
    """A route that lets the server make the first application it is sent, then loses the
    answer on its way back (every key sent is noted)."""

    def handle(route: Any) -> Any:
        request = route.request
        keys.append(request.headers["idempotency-key"])
        if dropped:
            return route.continue_()
        forwarded = urllib.request.Request(  # the server makes the application and answers...
            stack.web + "/api/applications", data=request.post_data_buffer, method="POST",
            headers={"Content-Type": "application/json",
                     "Idempotency-Key": request.headers["idempotency-key"],
                     "Authorization": request.headers["authorization"]})
        with urllib.request.urlopen(forwarded, timeout=30) as answer:
            assert answer.status == 201
        dropped.append(request.headers["idempotency-key"])
        return route.abort("connectionreset")  # ...but the answer never reaches the tablet

    return handle


def refused_then_fixed(page: Any, stack: Any, name: str, phone: str) -> None:
    """C consents by a code sent to their phone; a wrong code is refused, then corrected."""
    open_item(page, name)
    fill_form(page)
    sent_before = len(sign_in_codes(stack.web, phone))
    page.click("button.send-code")
    code = new_code(stack.web, phone, sent_before)
    page.wait_for_selector(".cz-code-status:has-text('কোড পাঠানো হয়েছে')")
    page.fill("#cz-code", "000000" if code != "000000" else "111111")
    pay(page, "২৫")
    page.click("form button[type=submit]")
    # the server's refusal comes back to the item, beside the field it names
    wait_state(page, name, "ফেরত এসেছে")
    page.wait_for_selector(".centre-refused li[data-path='consent.code']")
    error = page.locator("#cz-code-error")
    error.wait_for()
    assert error.inner_text() and page.get_attribute("#cz-code", "aria-invalid") == "true"
    assert page.input_value("#f-form-first_name_en") == "RAFIQUL"  # nothing typed is lost
    assert applications_on_server(stack, phone) == []
    fits_the_tablet(page, "centre-refused")
    page.locator(".centre-refused").scroll_into_view_if_needed()
    screenshot(page, "centre-refused-landscape-1280")
    page.locator(".centre-consent").scroll_into_view_if_needed()
    screenshot(page, "centre-refused-consent-landscape-1280")
    page.set_viewport_size(PORTRAIT)
    page.locator(".centre-consent").scroll_into_view_if_needed()
    screenshot(page, "centre-refused-consent-portrait-800")
    page.set_viewport_size(LANDSCAPE)
    # corrected (in Bangla digits) and sent again
    page.fill("#cz-code", to_bangla_digits(code))
    page.click("form button[type=submit]")
    wait_state(page, name, "পাঠানো হয়েছে")


def tracking_ids_on_tablet(page: Any, citizens: dict[str, tuple[str, str]]) -> set[str]:
    return {page.locator(f".centre-queue button.queue-item:has-text('{name}') .queue-tid")
            .inner_text().replace("-", "").translate(NO_BANGLA_DIGIT)
            for name, _ in citizens.values()}


def done_with(page: Any, name: str, tracking_id: str) -> None:
    """'Done with this citizen': the receipt is shown, then printed on 80 mm paper."""
    open_item(page, name)
    page.click(".centre-work button.done")
    page.wait_for_selector(".centre-receipt .receipt")
    assert to_bangla_digits(tracking_id[:4]) in page.locator(".centre-receipt .tid").inner_text()
    assert "৳" in page.locator(".centre-receipt").inner_text()
    page.set_viewport_size(PORTRAIT)
    screenshot(page, "centre-receipt-portrait-800", full_page=True)
    page.set_viewport_size(LANDSCAPE)
    page.click(".centre-receipt button.print-80")
    page.wait_for_selector(f".centre-notice:has-text('{name}-এর তথ্য এই ট্যাবলেট থেকে মুছে')")
    assert page.evaluate("window.__printed") == 1


def nothing_left_of(stored: str, name: str, phone: str, *more: str) -> None:
    for secret in (*secrets_of(name, phone), *more):
        assert secret not in stored, f"{secret!r} is still on the tablet"


SYNC_TAG = "ns-outbox"  # the outbox's Background Sync (pwa/src/outbox.js)
SYNC_TAGS = "async () => (await (await navigator.serviceWorker.ready).sync.getTags())"


def waiting_across_a_reload(page: Any, stack: Any, citizens: dict[str, tuple[str, str]]) -> None:
    """B's and A's wait on the tablet, even across a reload with no connection; "done" does
    not delete a waiting one without a warning; the server has neither."""
    (name_a, phone_a), (name_b, phone_b), (name_c, _) = citizens.values()
    # the browser is asked to send them when the connection returns, even with the tab closed
    assert SYNC_TAG in page.evaluate(SYNC_TAGS)
    page.reload()
    page.wait_for_selector(".centre-queue button.queue-item")
    assert queue_state(page, name_a) == queue_state(page, name_b) == "পাঠানোর অপেক্ষায়"
    assert queue_state(page, name_c) == "খসড়া"
    both_orientations(page, "centre-offline")
    open_item(page, name_b)
    page.click(".centre-work button.done")
    page.wait_for_selector(".centre-confirm:has-text('এখনো সার্ভারে পৌঁছায়নি')")
    page.click(".centre-confirm button.keep")
    assert queue_state(page, name_b) == "পাঠানোর অপেক্ষায়"
    assert applications_on_server(stack, phone_a) == applications_on_server(stack, phone_b) == []


def reconnect_losing_one_answer(page: Any, context: Any, stack: Any,
                                citizens: dict[str, tuple[str, str]]) -> None:
    """The connection returns and the first answer is lost on its way back: both are sent,
    each exactly once (the lost one resent with its own key)."""
    (name_a, phone_a), (name_b, phone_b), _ = citizens.values()
    dropped: list[str] = []
    keys: list[str] = []
    context.route("**/api/applications", losing_the_first_answer(stack, dropped, keys))
    context.set_offline(False)
    wait_state(page, name_b, "পাঠানো হয়েছে")
    wait_state(page, name_a, "পাঠানো হয়েছে")
    context.unroute("**/api/applications")
    assert len(dropped) == 1 and keys.count(dropped[0]) >= 2  # resent with the same key
    assert len(applications_on_server(stack, phone_a)) == 1
    assert len(applications_on_server(stack, phone_b)) == 1


def sign_out_after_warning(page: Any) -> None:
    page.click("button.centre-sign-out")
    warning = page.locator(".centre-sign-out-confirm")
    warning.wait_for()
    assert "১টি আবেদন এখনো সার্ভারে পৌঁছায়নি" in warning.inner_text()
    page.click("button.sign-out-anyway")
    page.wait_for_selector("form.centre-sign-in")


def test_a_morning_at_the_centre(stack, page, context):
    who = entrepreneur(stack)
    before = set(ledger_ids(stack, who))
    citizens = {"a": ("আমেনা বেগম", new_phone()), "b": ("করিম শেখ", new_phone()),
                "c": ("সালমা আক্তার", new_phone())}
    (name_a, phone_a), (name_b, _), (name_c, phone_c) = citizens.values()
    page.add_init_script(NO_PRINT_DIALOG)
    page.set_viewport_size(LANDSCAPE)

    # GIVEN an entrepreneur signed in on the centre's tablet, and three citizens' applications
    # started (A's form filled in while online)
    sign_in_at_centre(page, stack, who)
    start_three(page, citizens)

    # WHEN the connection goes, and B and A are completed offline (consent recorded)
    context.set_offline(True)
    complete_b_and_a(page)

    # THEN both wait on the tablet, even across a reload, and are not deleted without a warning
    waiting_across_a_reload(page, stack, citizens)

    # WHEN the connection returns, and the first answer to come back is lost on the way
    # THEN both are sent, each exactly once
    reconnect_losing_one_answer(page, context, stack, citizens)

    # WHEN C's is refused by the server (a wrong consent code), then corrected and resent
    refused_then_fixed(page, stack, name_c, phone_c)

    # THEN exactly three applications exist on the server, one per citizen, in the ledger
    stored = {key: applications_on_server(stack, phone) for key, (_, phone) in citizens.items()}
    assert {key: len(found) for key, found in stored.items()} == {"a": 1, "b": 1, "c": 1}
    made = {found[0]["tracking_id"] for found in stored.values()}
    assert set(ledger_ids(stack, who)) - before == made
    assert tracking_ids_on_tablet(page, citizens) == made
    assert stored["b"][0]["consent"] == "no_code"
    fits_the_tablet(page, "centre-sent")
    both_orientations(page, "centre-sent")

    # AND the tablet shows what A paid: the server's fee, the charge and the total
    open_item(page, name_a)
    assert page.locator(".centre-dl .gov-fee").inner_text() == "৳ ৫০"
    assert page.locator(".centre-dl .total").inner_text() == "৳ ৮০"

    # WHEN A is done: the receipt is shown and printed
    tracking_a = stored["a"][0]["tracking_id"]
    stored_before = page.evaluate(EVERYTHING_STORED)
    assert name_a in stored_before and tracking_a in stored_before  # (the search can find them)
    done_with(page, name_a, tracking_a)

    # THEN the tablet holds nothing of A: not in IndexedDB, the caches or localStorage
    assert page.locator(".centre-queue button.queue-item").count() == 2
    stored_after = page.evaluate(EVERYTHING_STORED)
    nothing_left_of(stored_after, name_a, phone_a, tracking_a)
    assert name_b in stored_after  # B's is still there, until B is done

    # WHEN a fourth citizen's draft is left and the entrepreneur signs out (after a warning)
    name_d, phone_d = "রহিম মিয়া", new_phone()
    start_citizen(page, name_d, phone_d)
    sign_out_after_warning(page)

    # THEN nothing of any citizen is left on the tablet
    stored_at_end = page.evaluate(EVERYTHING_STORED)
    for name, phone in (*citizens.values(), (name_d, phone_d)):
        nothing_left_of(stored_at_end, name, phone)
    for answer in FORM_ONLY:
        assert answer not in stored_at_end, f"{answer!r} is still on the tablet"


def test_a_citizen_with_no_phone_of_their_own(stack, page):
    who = entrepreneur(stack)
    before = set(ledger_ids(stack, who))
    name = "জমিলা খাতুন"
    page.set_viewport_size(PORTRAIT)

    # GIVEN an entrepreneur signed in, and a citizen who has no phone of their own
    sign_in_at_centre(page, stack, who)
    page.fill("#cs-name", name)
    page.check("form.centre-start input[name=no_phone]")
    assert page.locator("#cs-phone").is_disabled()
    page.select_option("#cs-service", BIRTH)
    page.click("form.centre-start button[type=submit]")

    # THEN the form asks for no phone, and the consent can only be recorded, its reason given
    page.wait_for_selector("#f-form-first_name_bn")
    assert page.locator("#f-applicant-phone").count() == 0
    assert page.locator("#cz-method-code").count() == 0
    assert page.input_value("#cz-reason") == "নাগরিকের নিজের কোনো ফোন নেই"

    # WHEN the form is filled in, paid in cash and sent
    fill_form(page)
    pay(page, "২০")
    page.click("form button[type=submit]")

    # THEN it is sent once, and the centre's ledger has it
    wait_state(page, name, "পাঠানো হয়েছে")
    made = set(ledger_ids(stack, who)) - before
    assert len(made) == 1
    (tracking_id,) = made
    shown = page.locator(f".centre-queue button.queue-item:has-text('{name}')")
    assert to_bangla_digits(tracking_id[-4:]) in shown.inner_text()
    screenshot(page, "centre-no-phone-portrait-800", full_page=True)


# Holds back the answers of IndexedDB's getAll (the queue's read) until __release() runs them:
# a slow tablet's storage, made to wait exactly where a redraw would wait.
HOLD_QUEUE_READS = """() => {
  const success = Object.getOwnPropertyDescriptor(IDBRequest.prototype, "onsuccess");
  const getAll = IDBObjectStore.prototype.getAll;
  window.__held = [];
  window.__release = async () => {
    window.__hold = false;
    for (const run of window.__held.splice(0)) run();
    await new Promise((resolve) => setTimeout(resolve, 100)); // what the answers set going
  };
  IDBObjectStore.prototype.getAll = function (...args) {
    const request = getAll.apply(this, args);
    Object.defineProperty(request, "onsuccess", {
      configurable: true,
      get() { return success.get.call(request); },
      set(fn) {
        success.set.call(request, fn && ((event) => (window.__hold
          ? window.__held.push(() => fn.call(request, event)) : fn.call(request, event))));
      },
    });
    return request;
  };
}"""


def finger_down_on(page: Any, selector: str) -> None:
    """A finger pressed on the middle of what the selector finds, not yet lifted."""
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()


def test_new_citizen_tapped_again_loses_no_tap_on_its_form(stack, page):
    who = entrepreneur(stack)
    name, phone = "নাসরিন আক্তার", new_phone()
    page.set_viewport_size(LANDSCAPE)

    # GIVEN the new citizen's form open and filled in, on a tablet whose storage is slow
    sign_in_at_centre(page, stack, who)
    page.fill("#cs-name", name)
    page.fill("#cs-phone", to_bangla_digits(phone))
    page.select_option("#cs-service", BIRTH)
    page.evaluate(HOLD_QUEUE_READS)
    page.evaluate("window.__hold = true")

    # WHEN "new citizen" is tapped again, and a finger is already on "start" while the tablet
    # reads its queue, and lifts once the reading is over
    page.click(".centre-queue button.new")
    finger_down_on(page, "form.centre-start button[type=submit]")
    page.evaluate("window.__release()")
    page.mouse.up()

    # THEN the tap started the citizen's application, with what was typed
    page.wait_for_selector("#f-form-first_name_bn")
    assert page.input_value("#f-applicant-name") == name
    assert page.locator(f".centre-queue button.queue-item:has-text('{name}')").count() == 1


def test_a_tap_on_the_queue_is_not_lost_when_the_queue_is_redrawn(stack, page):
    who = entrepreneur(stack)
    (name_a, phone_a), (name_b, phone_b) = ("আমেনা বেগম", new_phone()), ("করিম শেখ", new_phone())
    page.set_viewport_size(LANDSCAPE)

    # GIVEN two citizens in the queue, A's form open
    sign_in_at_centre(page, stack, who)
    start_citizen(page, name_a, phone_a)
    start_citizen(page, name_b, phone_b)
    open_item(page, name_a)

    # WHEN a finger is on B in the queue while the queue is drawn again (A's name corrected),
    # and lifts once it is
    finger_down_on(page, f".centre-queue button.queue-item:has-text('{name_b}')")
    page.fill("#f-applicant-name", "আমেনা খাতুন")
    page.wait_for_selector(".centre-queue button.queue-item .who:text-is('আমেনা খাতুন')")
    page.mouse.up()

    # THEN the tap opened B
    page.wait_for_selector(f".centre-queue button[aria-current=true]:has-text('{name_b}')")
    assert page.locator(".centre-work h2").first.inner_text().startswith(name_b)
