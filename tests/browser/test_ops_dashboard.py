"""The operations dashboard as an ops admin sees it: sign in, the numbers, the district map
(tap or focus a district for its figures, or read the table), the trend, the refresh every
30 s, the last figures offline; and no dashboard for anyone else."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DIST, wait_for_service_worker
from tests.browser.test_accessibility import violations
from tests.stack import RunningStack

BANGLA_NUMBER = re.compile(r"^[০-৯,]+$")
DESKTOP = {"width": 1280, "height": 900}
MAP_BUDGET_GZIP = 40 * 1024


def demo_accounts(stack: RunningStack) -> list[dict[str, Any]]:
    """The demo staff the stack made (the file it names in its start-up lines)."""
    line = next(line for line in stack.output if "demo staff" in line)
    path = Path(line.split("demo staff", 1)[1].split()[0])
    return json.loads(path.read_text(encoding="utf-8"))


def account(stack: RunningStack, role: str) -> dict[str, Any]:
    return next(entry for entry in demo_accounts(stack) if entry["role"] == role)


@pytest.fixture(scope="module")
def seeded(stack: RunningStack) -> RunningStack:
    """Demo applications in the stack, written as ops would: ``nagorik seed``."""
    env = {**os.environ, "AWS_ENDPOINT_URL": stack.aws, "AWS_ACCESS_KEY_ID": "local",
           "AWS_SECRET_ACCESS_KEY": "local", "NAGORIK_STAGE": "dev"}
    env.pop("AWS_SESSION_TOKEN", None)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("nagorik")), "seed", "--applications", "400",
         "--days", "20", "--random-seed", "12"],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # The seed forgets the summaries of the days it wrote: the first read of the dashboard's
    # 30 days makes them again from the rows (a minute on a busy moto), as the first read
    # after a deploy would; the tests read the figures, not that first wait.
    today = (datetime.now(UTC) + timedelta(hours=6)).date()  # Dhaka's date
    api_stats(stack, account(stack, "ops"),
              f"from={(today - timedelta(days=29)).isoformat()}&to={today.isoformat()}",
              timeout=180)
    return stack


def api_stats(stack: RunningStack, ops: dict[str, Any], query: str,
              timeout: float = 30) -> dict[str, Any]:
    import urllib.request

    login = urllib.request.Request(
        stack.api + "/auth/login", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"phone": ops["phone_local"], "password": ops["password"]}).encode())
    with urllib.request.urlopen(login, timeout=30) as response:
        token = json.loads(response.read())["access_token"]
    ask = urllib.request.Request(stack.api + "/ops/stats?" + query,
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(ask, timeout=timeout) as response:
        return json.loads(response.read())


def sign_in(page: Any, stack: RunningStack, who: dict[str, Any]) -> None:
    page.goto(stack.web + "/ops")
    page.wait_for_selector("form.ops-sign-in")
    page.fill("#ops-phone", who["phone_local"])
    page.fill("#ops-password", who["password"])
    page.click("form.ops-sign-in button[type=submit]")


def dashboard(page: Any, stack: RunningStack) -> None:
    sign_in(page, stack, account(stack, "ops"))
    page.wait_for_selector(".ops-svg path[data-id='47']")
    page.wait_for_selector(".ops-cards .ops-n")


@pytest.mark.parametrize("size", [DESKTOP, {"width": 360, "height": 740}],
                         ids=["1280px", "360px"])
def test_ops_see_the_numbers_and_the_map_and_tap_a_district(seeded, browser, size) -> None:
    context = browser.new_context(viewport=size, locale="bn-BD", timezone_id="Asia/Dhaka")
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    ops = account(seeded, "ops")
    # WHEN an ops admin signs in on /ops
    dashboard(page, seeded)
    # THEN the numbers are there, in Bangla digits, and this month has the seeded ones
    cards = page.locator(".ops-cards .ops-n").all_inner_texts()
    assert all(BANGLA_NUMBER.match(text) for text in cards), cards
    assert "জমা পড়া আবেদন: এই মাস" in page.locator(".ops-cards").inner_text()
    # AND the map shows all 64 districts, shaded, with a Bangla legend
    assert page.locator(".ops-svg path[data-id]").count() == 64
    legend = page.locator(".ops-legend").inner_text()
    assert "রঙের অর্থ" in legend and re.search("[০-৯]", legend)
    page.click(".ops-periods button[data-period='month']")
    page.wait_for_function(
        "document.querySelector('#ops-h-map').textContent.includes('এই মাস')", timeout=60_000)
    page.wait_for_selector(".ops-svg path.ops-s4", state="attached")  # the busiest district
    name = f"ops-dashboard-{size['width']}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    # WHEN they tap Dhaka on the map
    page.locator(".ops-svg path[data-id='47']").click()
    # THEN its figures appear, the same as the API's for the month
    page.wait_for_selector("#ops-district h3:has-text('ঢাকা')")
    today = page.evaluate("() => new Date(Date.now() + 6 * 3600e3).toISOString().slice(0, 10)")
    month = api_stats(seeded, ops, f"from={today[:8]}01&to={today}&by=district")
    dhaka = next((g for g in month["groups"]["district"] if g["key"] == "47"),
                 {"counts": {"submitted": 0}})
    shown = page.locator("#ops-district dd").first.inner_text()
    assert shown == f"{dhaka['counts']['submitted']:,}".translate(
        str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    page.screenshot(path=str(ARTIFACTS / f"{name}-dhaka.png"))
    assert not errors
    context.close()


def test_keyboard_and_screen_reader_reach_every_district(seeded, page) -> None:
    page.set_viewport_size(DESKTOP)
    dashboard(page, seeded)
    # GIVEN the districts are buttons with a name saying their count
    paths = page.locator(".ops-svg path[data-id]")
    labels = [paths.nth(i).get_attribute("aria-label") for i in range(paths.count())]
    assert len(labels) == 64 and all(re.match(r"^.+: [০-৯,]+টি আবেদন$", label) for label in labels)
    assert {paths.nth(i).get_attribute("tabindex") for i in range(64)} == {"0"}
    # WHEN one is reached with the keyboard
    page.focus(".ops-svg path[data-id='1']")
    page.keyboard.press("Tab")
    # THEN the next district's figures show (focus is enough)
    focused = page.evaluate("document.activeElement.dataset.id")
    page.wait_for_function(
        "id => document.querySelector('#ops-district h3') && "
        "document.querySelector(`.ops-svg path[data-id='${id}']`).classList.contains('sel')",
        arg=focused)
    # AND the table alternative lists every district
    page.click(".ops-district-table summary")
    assert page.locator(".ops-district-table tbody tr").count() == 64
    # AND axe finds nothing serious on the dashboard
    assert violations(page, "ops-dashboard") == []


def test_the_sign_in_form_is_accessible_and_names_a_wrong_password(seeded, page) -> None:
    page.goto(seeded.web + "/ops")
    page.wait_for_selector("form.ops-sign-in")
    assert violations(page, "ops-sign-in") == []
    page.fill("#ops-phone", account(seeded, "ops")["phone_local"])
    page.fill("#ops-password", "not-the-password")
    page.click("form.ops-sign-in button[type=submit]")
    alert = page.wait_for_selector("[role=alert]")
    assert "মোবাইল নম্বর বা পাসওয়ার্ড মেলেনি" in alert.inner_text()


def test_an_officer_gets_no_dashboard(seeded, page) -> None:
    sign_in(page, seeded, account(seeded, "officer"))
    alert = page.wait_for_selector("[role=alert]")
    assert "শুধু অপারেশনস অ্যাডমিনদের জন্য" in alert.inner_text()
    assert page.locator(".ops-svg").count() == 0
    assert page.locator(".ops-cards").count() == 0


def test_the_page_refreshes_every_30_seconds_while_visible(seeded, page) -> None:
    asked: list[str] = []
    page.on("request", lambda request: "/api/ops/stats" in request.url
            and asked.append(request.url))
    page.clock.install()
    dashboard(page, seeded)
    before = len(asked)
    page.clock.run_for(31_000)
    page.wait_for_function("n => true", arg=0)
    page.wait_for_timeout(1500)
    assert len(asked) > before


def test_offline_the_last_figures_show_with_their_time(seeded, context) -> None:
    context.set_default_timeout(30_000)  # as the other dashboard tests: 30 days of figures
    page = context.new_page()
    dashboard(page, seeded)
    wait_for_service_worker(page)
    page.reload()  # the service worker now controls the page and caches what it loads
    page.wait_for_selector(".ops-svg path[data-id='47']")
    page.wait_for_selector(".ops-updated:has-text('হালনাগাদ')")
    # WHEN the connection drops and the page is opened again
    context.set_offline(True)
    page.reload()
    # THEN the last figures show, saying they are from earlier and when
    status = page.wait_for_selector(".ops-updated.warn")
    assert re.search(r"অফলাইন: দেখানো হিসাব [০-৯]{2}:[০-৯]{2}", status.inner_text())
    assert page.locator(".ops-cards .ops-n").count() >= 4
    assert page.locator(".ops-svg path[data-id]").count() == 64
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ops-dashboard-offline-360.png"))
    context.set_offline(False)


def test_the_map_file_is_within_its_budget() -> None:
    (built,) = (DIST / "assets").glob("district-map.*.json")
    size = len(gzip.compress(built.read_bytes(), 9))
    assert size <= MAP_BUDGET_GZIP, f"the map is {size} bytes gzip"
    # AND it is fetched only by the ops page: not in the precache, not in the shell
    precache = re.search(r'\["/","/manifest.webmanifest"[^\]]*\]', (DIST / "sw.js").read_text())
    assert precache and built.name not in precache.group(0)
    assert built.name not in (DIST / "index.html").read_text()
