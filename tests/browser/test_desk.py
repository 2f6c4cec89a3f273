"""The agency desk as a police officer sees it: sign in, the queue (oldest first, Bangla
tracking ids, due-by, overdue), one application with its Bangla labels, history and
consent; rejecting needs a reason, approving, delivering, asking for information; two
officers deciding at once; no desk for a citizen or for ops; accessible at desk and tablet
sizes, and no sideways scrolling on a phone."""

from __future__ import annotations

import json
import time
import urllib.error
import uuid
from pathlib import Path
from typing import Any

import pytest

from devtools.launch import sign_in_citizen
from tests.browser.conftest import api_call, demo_staff, officer_token, screenshot
from tests.browser.test_accessibility import violations
from tests.helpers import ROOT
from tests.stack import RunningStack

GD = "online-gd-lost-item"
EXAMPLE = ROOT / "schemas" / "examples" / GD / "valid-lost-nid.json"
CITIZEN_PHONE = "01712345678"
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 800, "height": 1280}
BANGLA_DIGIT = "০১২৩৪৫৬৭৮৯"


@pytest.fixture(scope="module")
def citizen(stack: RunningStack) -> str:
    """The access token of the citizen whose phone the applications give."""
    return str(sign_in_citizen(stack.api, stack.web, CITIZEN_PHONE)["access_token"])


def in_review(stack: RunningStack, citizen: str) -> str:
    """A new lost-NID GD from the citizen, once it is under review at the police."""
    body = {"service_id": GD, "service_version": 1,
            "applicant": {"name": "রহিম উদ্দিন", "phone": CITIZEN_PHONE},
            "form": json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))}
    made = api_call(stack, "POST", "/applications", body, citizen,
                    headers={"Idempotency-Key": f"desk-{uuid.uuid4()}"})
    tracking_id = str(made["tracking_id"])
    officer = officer_token(stack, "police")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            seen = api_call(stack, "GET", f"/me/applications/{tracking_id}", token=officer)
            if seen["status"] == "in_review":
                return tracking_id
        except urllib.error.HTTPError:
            pass  # not the agency's yet
        time.sleep(0.3)
    raise AssertionError(f"{tracking_id} never reached in_review")


def past_due(stack: RunningStack, tracking_id: str) -> None:
    """Give an application a due date long gone (the GD has no published time limit)."""
    import boto3

    table = boto3.resource("dynamodb", endpoint_url=stack.aws, region_name="ap-south-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
    table.Table("nagorik-dev-applications").update_item(
        Key={"tracking_id": tracking_id}, UpdateExpression="SET due_by = :day",
        ExpressionAttributeValues={":day": "2026-01-04"})


def staff(stack: RunningStack, role: str, agency: str | None = None) -> dict[str, Any]:
    return next(entry for entry in demo_staff(stack) if entry["role"] == role
                and (agency is None or entry.get("agency_id") == agency))


def sign_in(page: Any, stack: RunningStack, who: dict[str, Any]) -> None:
    page.goto(stack.web + "/desk")
    page.wait_for_selector("form.desk-sign-in")
    page.fill("#desk-phone", who["phone_local"])
    page.fill("#desk-password", who["password"])
    page.click("form.desk-sign-in button[type=submit]")


def as_officer(page: Any, stack: RunningStack) -> None:
    sign_in(page, stack, staff(stack, "officer", "police"))
    page.wait_for_selector(".desk-tabs button[aria-pressed=true][data-status=in_review]")


def row(page: Any, tracking_id: str) -> Any:
    """The queue's row for an application, asking for more pages until it shows."""
    found = page.locator(f".desk-table tr[data-id='{tracking_id}']")
    for _ in range(40):
        page.wait_for_selector(".desk-table, #desk-view p[role=status]:not(:has-text('…'))")
        if found.count():
            return found
        page.click(".desk-more button")
        page.wait_for_timeout(300)
    raise AssertionError(f"{tracking_id} is not in the queue")


def open_application(page: Any, tracking_id: str) -> None:
    row(page, tracking_id).locator("button.desk-open").click()
    page.wait_for_selector(f"article.desk-app[data-id='{tracking_id}']")


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def test_an_officer_reviews_rejects_without_reason_approves_and_delivers(
        stack, citizen, context) -> None:
    # GIVEN a GD under review at the police, its due date passed
    tracking_id = in_review(stack, citizen)
    past_due(stack, tracking_id)
    page = context.new_page()
    page.set_viewport_size(DESKTOP)

    # WHEN the police officer signs in to the desk
    as_officer(page, stack)

    # THEN the application is in the queue, with its id in Bangla digits and a due-by
    line = row(page, tracking_id)
    tid = line.locator(".desk-tid").inner_text()
    assert any(ch in BANGLA_DIGIT for ch in tid)
    assert not any(ch.isascii() and ch.isdigit() for ch in tid)
    assert any(ch in BANGLA_DIGIT for ch in line.locator("td").nth(2).inner_text())
    assert line.locator(".badge.late").inner_text() == "মেয়াদ পেরিয়েছে"
    assert no_sideways_scroll(page)
    screenshot(page, "desk-queue-1280", full_page=True)
    assert violations(page, "desk-queue") == []

    # WHEN it is opened, THEN the whole form shows with its Bangla labels, history, consent
    open_application(page, tracking_id)
    labels = page.locator(".desk-form dt").all_inner_texts()
    assert labels and any(any("\u0980" <= ch <= "\u09ff" for ch in label) for label in labels)
    answers = page.locator(".desk-form dd").all_inner_texts()
    assert "জাতীয় পরিচয়পত্র" in answers  # a choice by its label, not its code
    assert any("ঢাকা" in answer for answer in answers)  # an address by its areas' names
    assert page.locator(".desk-history li").count() >= 2
    assert page.locator(".desk-consent").inner_text().strip()
    screenshot(page, "desk-application-1280", full_page=True)
    assert violations(page, "desk-application") == []

    # WHEN the officer rejects without a reason, THEN they are told a reason is needed
    page.click("button[data-action=reject]")
    assert "কারণ" in page.locator("#desk-reason-error").inner_text()
    assert page.locator("#desk-reason[aria-invalid=true]").count() == 1
    assert api_call(stack, "GET", f"/me/applications/{tracking_id}",
                    token=officer_token(stack, "police"))["status"] == "in_review"

    # WHEN they approve, THEN it is approved, and can be marked delivered
    page.click("button[data-action=approve]")
    page.wait_for_selector("article.desk-app[data-status=approved]")
    page.click("button[data-action=deliver]")
    page.wait_for_selector("article.desk-app[data-status=delivered]")
    page.close()


def test_an_officer_asks_for_information_naming_a_field(stack, citizen, context) -> None:
    tracking_id = in_review(stack, citizen)
    page = context.new_page()
    page.set_viewport_size(TABLET)
    as_officer(page, stack)
    open_application(page, tracking_id)
    screenshot(page, "desk-application-800x1280", full_page=True)
    assert no_sideways_scroll(page)

    page.fill("#desk-reason", "হারানোর বিবরণ আরও স্পষ্ট করে লিখুন")
    page.click("button[data-action=needs_info]")
    assert page.locator("#desk-missing-error").is_visible()  # a field must be chosen
    page.check("input[name=missing][value=details]")
    page.click("button[data-action=needs_info]")
    page.wait_for_selector("article.desk-app[data-status=needs_info]")

    seen = api_call(stack, "GET", f"/me/applications/{tracking_id}",
                    token=officer_token(stack, "police"))
    assert seen["status"] == "needs_info"
    assert "details" in seen["history"][-1]["reason"]

    page.click(".desk-back")
    page.click(".desk-tabs button[data-status=needs_info]")
    row(page, tracking_id)
    screenshot(page, "desk-queue-800x1280", full_page=True)
    assert violations(page, "desk-tablet") == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert no_sideways_scroll(page)
    screenshot(page, "desk-queue-360", full_page=True)
    page.close()


def test_of_two_officers_deciding_at_once_one_is_told_of_the_other(
        stack, citizen, context) -> None:
    tracking_id = in_review(stack, citizen)
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.set_viewport_size(DESKTOP)
    as_officer(first, stack)
    second.goto(stack.web + "/desk")  # the same sign-in, in a second tab
    for page in (first, second):
        open_application(page, tracking_id)

    first.click("button[data-action=approve]")
    first.wait_for_selector("article.desk-app[data-status=approved]")
    second.fill("#desk-reason", "ছবি অস্পষ্ট")
    second.click("button[data-action=reject]")

    message = second.locator(".desk-message.error")
    message.wait_for()
    assert "অন্য" in message.inner_text() or "ইতিমধ্যে" in message.inner_text()
    # the application is shown afresh: approved, no decision left to make
    second.wait_for_selector("article.desk-app[data-status=approved]")
    screenshot(second, "desk-conflict-1280", full_page=True)
    statuses = [step["status"] for step in api_call(
        stack, "GET", f"/me/applications/{tracking_id}",
        token=officer_token(stack, "police"))["history"]]
    assert statuses.count("approved") == 1 and "rejected" not in statuses


def test_ops_gets_no_desk(stack, page) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    sign_in(page, stack, staff(stack, "ops"))
    alert = page.locator("[role=alert]")
    alert.wait_for()
    assert "কর্মকর্তা" in alert.inner_text()
    assert page.locator(".desk-table, .desk-app").count() == 0
    assert not [url for url in asked if "/api/agencies/" in url]


def test_a_citizen_token_gets_no_queue(stack, citizen) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        api_call(stack, "GET", "/agencies/police/applications", token=citizen)
    assert refused.value.code == 403


def test_the_desk_is_not_kept_by_the_service_worker_and_names_no_one_in_its_address(
        stack, citizen, context) -> None:
    tracking_id = in_review(stack, citizen)
    page = context.new_page()
    asked: list[Any] = []
    page.on("response", lambda answer: asked.append(answer))  # noqa: PLW0108 (a plain function)
    as_officer(page, stack)
    open_application(page, tracking_id)
    assert page.url == stack.web + "/desk"
    desk = [answer for answer in asked if "/api/agencies/" in answer.url
            or "/api/me/applications/" in answer.url]
    assert desk and all(answer.headers.get("cache-control") == "no-store" for answer in desk)
    for answer in desk:
        assert CITIZEN_PHONE not in answer.url and "token" not in answer.url.lower()
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const key of await caches.keys()) {
          for (const request of await (await caches.open(key)).keys()) urls.push(request.url);
        }
        return urls;
    }""")
    assert not [url for url in cached if "/api/agencies/" in url or "/api/me/" in url]
    page.close()
