"""Cancelling: the applicant withdraws an application that has not reached the office yet,
asked to confirm first. The office's system is made to refuse everything here, so the
application stays in line (queued) for as long as the test needs."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.browser.conftest import (
    BROWSER_CODE_SENDS,
    DIST,
    application_on_server,
    apply_online,
    new_phone,
    screenshot,
    sign_in,
)
from tests.browser.test_accessibility import violations
from tests.stack import RunningStack, running_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A stack whose agencies never accept an application (it waits in line, retried)."""
    if not (DIST / "index.html").exists():
        pytest.fail("pwa/dist is missing: build the web app first (make pwa)")
    with running_stack(tmp_path_factory.mktemp("held-stack"),
                       NAGORIK_SIMULATOR_FAILURE_RATE="1",
                       NAGORIK_CODE_SENDS_PER_ADDRESS=BROWSER_CODE_SENDS) as running:
        yield running


def test_cancel_asks_first_then_withdraws_the_application(stack, page):
    # GIVEN a citizen's application still in line for the office
    phone = new_phone()
    sign_in(page, stack.web, phone)
    tracking_id = apply_online(page, stack.web, phone=phone)
    assert application_on_server(stack, tracking_id)["status"] in {"submitted", "queued"}

    # WHEN they press cancel
    page.click("button.cancel-app")

    # THEN they are asked first; "no" keeps it
    question = page.locator(".actions .confirm")
    question.wait_for()
    assert "বাতিল করতে চান" in question.inner_text()
    screenshot(page, "cancel-confirm-360", full_page=True)
    assert violations(page, "application-cancel-confirm") == []
    page.click("button.cancel-no")
    assert question.is_hidden()
    assert application_on_server(stack, tracking_id)["status"] in {"submitted", "queued"}

    # WHEN they press cancel again and confirm
    page.click("button.cancel-app")
    page.click("button.cancel-yes")

    # THEN the page says it is cancelled, offers no cancel any more, and the server agrees
    page.wait_for_function(
        "() => document.querySelector('#app-view .status[class*=s-]')?.textContent === 'বাতিল'")
    assert "আবেদনটি বাতিল হয়েছে" in page.locator(".refresh-result").inner_text()
    assert page.locator("button.cancel-app").count() == 0
    deadline = time.monotonic() + 10
    while application_on_server(stack, tracking_id)["status"] != "cancelled":
        assert time.monotonic() < deadline
        time.sleep(0.2)

    # AND "আমার আবেদন" lists it as cancelled
    page.click("#top a[href='/me']")
    item = page.locator(f"[data-id='{tracking_id}']")
    item.wait_for()
    assert "বাতিল" in item.inner_text()
