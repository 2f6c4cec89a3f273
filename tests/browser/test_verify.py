"""The centre locator; the printable receipt (A4 and 80 mm paper); and the page its QR code
leads to, which says plainly whether the receipt is genuine and shows nothing personal."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.browser.conftest import new_phone, screenshot
from tests.browser.test_ops_dashboard import account, sign_in
from tests.helpers import example, submission
from tests.stack import RunningStack

GD = "online-gd-lost-item"


def call(stack: RunningStack, path: str, body: Any = None, **headers: str) -> Any:
    request = urllib.request.Request(
        stack.api + path, method="POST" if body is not None else "GET",
        headers={"Content-Type": "application/json", **headers},
        data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def at_the_centre(stack: RunningStack, phone: str, *, tracking_id_only: bool = False) -> str:
    """A demo entrepreneur applies for a citizen (consent recorded); returns the
    receipt's verify link (or the tracking id)."""
    who = account(stack, "entrepreneur")
    token = call(stack, "/auth/login", {"phone": who["phone_local"],
                                        "password": who["password"]})["access_token"]
    signed = {"Authorization": f"Bearer {token}"}
    made = call(stack, "/applications", {
        **submission(GD, example(GD, "valid-lost-nid"), phone=phone),
        "consent": {"method": "recorded", "reason": "নাগরিকের ফোনে চার্জ নেই"},
        "payment": {"method": "cash", "service_charge_bdt": 20}},
        **signed, **{"Idempotency-Key": f"verify-{phone}"})
    if tracking_id_only:
        return str(made["tracking_id"])
    return str(call(stack, f"/applications/{made['tracking_id']}/receipt",
                    **signed)["verify_url"])


def test_the_verify_page_says_genuine_or_not(stack, page):
    # GIVEN an application made at a centre, and its receipt's verify link
    phone = new_phone()
    link = urlsplit(at_the_centre(stack, phone))
    # WHEN someone opens the QR code's link
    page.goto(f"{stack.web}{link.path}?{link.query}")
    # THEN the page says the receipt is genuine, with its service and status
    page.wait_for_selector(".verify-genuine")
    text = page.locator("#main").inner_text()
    assert "রসিদটি আসল।" in text and "সেবা" in text and "অবস্থা" in text
    assert phone not in text and phone[1:] not in text
    screenshot(page, "verify-genuine")
    # WHEN one character of the code is changed
    code = link.query.split("c=", 1)[1]
    changed = ("B" if code[0] != "B" else "C") + code[1:]
    page.goto(f"{stack.web}{link.path}?c={changed}")
    # THEN it says plainly that the receipt is not genuine
    page.wait_for_selector(".verify-refused")
    assert "রসিদটি আসল নয়।" in page.locator("#main").inner_text()
    screenshot(page, "verify-refused")


def test_the_locator_lists_a_districts_centres_with_address_and_hours(stack, page):
    # GIVEN the demo centres the stack seeds, one per district
    page.goto(f"{stack.web}/centres")
    page.wait_for_selector("#centre-district")
    assert "একটি জেলা বেছে নিন" in page.locator("#main").inner_text()
    # WHEN a citizen chooses Dhaka
    page.select_option("#centre-district", "47")
    # THEN Dhaka's demo centre is listed with its address and hours, marked demo
    page.wait_for_selector("li.centre[data-id='demo-47']")
    item = page.locator("li.centre[data-id='demo-47']").inner_text()
    assert "ডেমো ডিজিটাল সেন্টার, ঢাকা" in item
    assert "ঠিকানা" in item and "খোলার সময়" in item and "রবি–বৃহস্পতি" in item
    assert "১টি কেন্দ্র" in page.locator(".centres-result").inner_text()
    # AND the upazila list is Dhaka's, and the choice is in the address (a shareable link)
    assert "district=47" in page.url
    assert page.locator("#centre-upazila option").count() > 1
    screenshot(page, "centres-dhaka")


def pdf_width_points(pdf: bytes) -> float:
    """The width of the first page of a PDF, in points (1 mm = 2.835 pt)."""
    match = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]", pdf)
    assert match, "no MediaBox in the PDF"
    return float(match.group(1))


def test_the_receipt_prints_on_a4_and_on_80mm_paper(stack, page):
    # GIVEN an application made at a centre, and its entrepreneur signed in on the tablet
    tracking_id = at_the_centre(stack, new_phone(), tracking_id_only=True)
    sign_in(page, stack, account(stack, "entrepreneur"))
    page.wait_for_selector("form.ops-sign-in", state="detached")  # signed in (not ops)
    # WHEN they open its receipt
    page.goto(f"{stack.web}/receipt/{tracking_id}")
    try:
        page.wait_for_selector(".receipt .receipt-qr img")
    finally:
        screenshot(page, "receipt-screen")
    text = page.locator(".receipt").inner_text()
    # THEN it shows the id in Bangla digits, the fee and charge in taka, both calendars
    bangla_id = tracking_id.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert bangla_id[:4] in text.replace("-", "") or bangla_id[:4] in text
    assert "৳২০.০০" in text and "সেবা মূল্য" in text and "সরকারি ফি" in text
    assert "ডেমো ডিজিটাল সেন্টার" in text and "উদ্যোক্তা" in text
    assert re.search("(বৈশাখ|জ্যৈষ্ঠ|আষাঢ়|শ্রাবণ|ভাদ্র|আশ্বিন|কার্তিক|অগ্রহায়ণ|পৌষ|মাঘ|ফাল্গুন|চৈত্র)", text)
    assert page.locator(".receipt-qr img").get_attribute("src").startswith("data:image/svg+xml")
    page.wait_for_function("document.querySelector('.receipt-qr img').naturalWidth > 0")
    # AND printed for A4 the page is A4, for the thermal printer it is 80 mm wide
    page.evaluate("document.documentElement.classList.add('print-a4')")
    assert abs(pdf_width_points(page.pdf(prefer_css_page_size=True)) - 595.3) < 2
    page.evaluate("document.documentElement.classList.replace('print-a4', 'print-80')")
    thermal = page.pdf(prefer_css_page_size=True)
    assert abs(pdf_width_points(thermal) - 226.8) < 2
    (Path(__file__).resolve().parents[2] / "test-artifacts" / "receipt-80mm.pdf").write_bytes(
        thermal)
