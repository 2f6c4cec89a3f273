"""A shared phone: citizen A makes a draft and an application and signs out; citizen B signs
in on the same phone (same browser profile) and finds nothing of A's: no draft, no
application in the list, no tracking answer kept, and nothing in IndexedDB, the caches or
localStorage that holds A's phone number, NID or tracking id."""

from __future__ import annotations

from tests.browser.conftest import (
    apply_online,
    new_phone,
    screenshot,
    sign_in,
    to_bangla_digits,
    wait_for_service_worker,
)

A_NID = "1234567890"  # what fill_lost_phone_gd types (in Bangla digits)
A_DRAFT = "নীল রঙের মানিব্যাগ, ভিতরে কাগজ"

# Every value in every IndexedDB store, every cached answer that is not a built file (and the
# address of every cached request), and localStorage: as one text to search.
EVERYTHING_STORED = """async () => {
    const found = [];
    for (const info of await indexedDB.databases()) {
        const db = await new Promise((ok, no) => {
            const opened = indexedDB.open(info.name);
            opened.onsuccess = () => ok(opened.result);
            opened.onerror = () => no(opened.error);
        });
        for (const name of db.objectStoreNames) {
            const all = await new Promise((ok) => {
                const read = db.transaction(name).objectStore(name).getAll();
                read.onsuccess = () => ok(read.result);
            });
            const keys = await new Promise((ok) => {
                const read = db.transaction(name).objectStore(name).getAllKeys();
                read.onsuccess = () => ok(read.result);
            });
            found.push(info.name + '/' + name + ': ' + JSON.stringify(keys) + JSON.stringify(all));
        }
        db.close();
    }
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            found.push(name + ': ' + request.url);
            if (!new URL(request.url).pathname.startsWith('/assets/')) {
                const response = await cache.match(request);
                found.push(await response.text());
            }
        }
    }
    found.push(JSON.stringify(localStorage));
    return found.join('\\n');
}"""


def test_the_next_citizen_finds_nothing_of_the_first(stack, page):
    # GIVEN citizen A, signed in on this phone, with an application and a draft
    phone_a, phone_b = new_phone(), new_phone()
    page.goto(stack.web + "/")
    wait_for_service_worker(page)
    sign_in(page, stack.web, phone_a)
    tracking_id = apply_online(page, stack.web, phone=phone_a)
    page.goto(f"{stack.web}/track?id={tracking_id}")  # tracked too, by id and phone
    page.fill("#t-phone", phone_a)
    page.click("form.track button[type=submit]")
    page.wait_for_selector("#track-result .application")
    page.goto(stack.web + "/s/online-gd-lost-item/form")
    page.wait_for_selector("form button[type=submit]")
    page.fill("#f-form-item_description", A_DRAFT)
    page.wait_for_selector(".draft-status:has-text('খসড়া সংরক্ষিত')")
    stored = page.evaluate(EVERYTHING_STORED)
    assert A_DRAFT in stored and tracking_id in stored  # (the search below can find them)

    # WHEN A signs out: the app warns that a draft is unsent, and A signs out anyway
    page.click("#top a[href='/me']")
    page.wait_for_selector(f"[data-id='{tracking_id}']")
    page.click("button.sign-out")
    warning = page.locator(".sign-out-confirm")
    warning.wait_for()
    assert "১টি আবেদন বা খসড়া এখনো পাঠানো হয়নি" in warning.inner_text()
    screenshot(page, "sign-out-warning-360")
    page.click("button.sign-out-anyway")
    page.wait_for_selector("#notices:has-text('সাইন আউট হয়েছে')")

    # AND citizen B signs in on the same phone
    sign_in(page, stack.web, phone_b)

    # THEN B's list has nothing of A's
    page.wait_for_selector(".mine-status:has-text('এখনো কোনো আবেদন নেই')")
    assert page.locator(f"[data-id='{tracking_id}']").count() == 0
    screenshot(page, "shared-device-b-360", full_page=True)

    # AND no draft of A's comes back in the form
    page.goto(stack.web + "/s/online-gd-lost-item/form")
    page.wait_for_selector("form button[type=submit]")
    assert page.input_value("#f-form-item_description") == ""
    assert "আগের খসড়া" not in page.locator(".draft-status").inner_text()
    assert page.input_value("#f-applicant-phone") == phone_b  # the form offers B's own number

    # AND A's application page and the tracking list show nothing of it
    page.goto(f"{stack.web}/a/{tracking_id}")
    page.wait_for_selector("form.track")
    assert page.locator("#app-view").count() == 0
    assert page.locator("#h-mine").count() == 0
    page.goto(stack.web + "/outbox")
    page.wait_for_selector("h1")
    assert tracking_id not in page.locator("main").inner_text()

    # AND nothing stored on the phone holds A's number, NID, draft or tracking id
    stored = page.evaluate(EVERYTHING_STORED)
    for secret in (phone_a, phone_a[1:], to_bangla_digits(phone_a), A_NID,
                   to_bangla_digits(A_NID), A_DRAFT, tracking_id):
        assert secret not in stored, f"{secret!r} is still on the phone"
