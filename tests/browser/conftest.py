"""The browser tier: the built web app in Debian's Chromium, against the embedded stack.

One stack and one browser for the whole session (each test gets its own browser context,
so its own service worker, caches and IndexedDB). Everything stays on loopback.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tests.stack import RunningStack, running_stack

DIST = ROOT / "pwa" / "dist"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE_SIZE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The embedded stack serving the built app (``make pwa`` builds it)."""
    if not (DIST / "index.html").exists():
        pytest.fail("pwa/dist is missing: build the web app first (make pwa)")
    with running_stack(tmp_path_factory.mktemp("browser-stack")) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser-deps`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh phone-sized browser profile: no service worker, no caches, no drafts yet."""
    ctx = browser.new_context(viewport=PHONE_SIZE, device_scale_factor=1, locale="bn-BD",
                              timezone_id="Asia/Dhaka", service_workers="allow")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    """A page that fails the test on any uncaught script error."""
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    assert not errors, f"script errors in the page: {errors}"


def new_phone() -> str:
    """A mobile number no other test uses (so the server's count for it is this test's)."""
    return "017" + "".join(random.choice("0123456789") for _ in range(8))


def to_bangla_digits(text: str) -> str:
    """ASCII digits to Bangla digits, as a citizen may type them."""
    return text.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))


def applications_on_server(stack: RunningStack, phone: str) -> list[dict[str, Any]]:
    """Every application the stack's database holds for this applicant phone."""
    import boto3

    table = boto3.resource("dynamodb", endpoint_url=stack.aws, region_name="ap-south-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
    found = table.Table("nagorik-dev-applications").query(
        IndexName="by-applicant",
        KeyConditionExpression="applicant_phone = :phone",
        ExpressionAttributeValues={":phone": "+88" + phone},
    )
    return found["Items"]


def wait_for_service_worker(page: Any) -> None:
    """Until the service worker controls the page and has precached the shell."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=20_000)
    page.wait_for_function(
        "caches.keys().then(keys => keys.some(k => k.startsWith('ns-shell-')))", timeout=20_000)


def fill_lost_phone_gd(page: Any, phone: str, *, name: str = "রহিম উদ্দিন") -> None:
    """Fill the online GD form (lost phone) as a citizen would, Bangla digits included."""
    page.fill("#f-applicant-name", name)
    page.fill("#f-applicant-phone", to_bangla_digits(phone))
    page.fill("#f-form-nid", "১২৩৪৫৬৭৮৯০")
    page.fill("#f-form-date_of_birth", "1985-12-01")
    page.select_option("#f-form-item_kind", "MOBILE_PHONE")
    page.wait_for_selector("#f-form-imei", state="visible")  # the conditional field appears
    page.fill("#f-form-imei", "356938035643809")
    page.fill("#f-form-item_description", "কালো রঙের স্মার্টফোন")
    page.fill("#f-form-lost_on", "2025-11-25")
    page.wait_for_selector("#f-form-lost_place-division option[value='6']", state="attached")
    page.select_option("#f-form-lost_place-division", "6")
    page.wait_for_selector("#f-form-lost_place-district option[value='47']", state="attached")
    page.select_option("#f-form-lost_place-district", "47")
    page.fill("#f-form-lost_place-area", "ফার্মগেট, ঢাকা")
    page.fill("#f-form-police_station", "তেজগাঁও")
    page.check("#f-form-documents")
    page.check("#f-form-declaration")


def save_json(name: str, value: Any) -> None:
    """Keep a JSON artifact next to the screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")


# --- filling in and sending: every browser test applies through these, so that a step every
# --- application will need (signing in, once it is required) is added in one place

def submit_form(page: Any) -> None:
    """Press the form's submit button, as a citizen does (before it: nothing else yet)."""
    page.click("form button[type=submit]")


def open_form(page: Any, web: str, service_id: str) -> None:
    """A service's form, ready to fill in."""
    page.goto(f"{web}/s/{service_id}/form")
    page.wait_for_selector("form button[type=submit]")


def fill_with_example(page: Any, service_id: str, example_name: str, phone: str) -> None:
    """Fill a service's form with one of its examples, through the page's own controls."""
    from tests.browser.test_every_service import APPLICANT, CATALOG, Citizen
    from tests.helpers import EXAMPLES, load_example

    service = json.loads((CATALOG / f"{service_id}.json").read_text(encoding="utf-8"))
    citizen = Citizen(page)
    citizen.answer("applicant.name", APPLICANT["name"])
    citizen.answer("applicant.phone", phone)
    citizen.fill_form(service["form"], load_example(EXAMPLES / service_id / f"{example_name}.json"))


def apply_online(page: Any, web: str, service_id: str = "online-gd-lost-item",
                 example_name: str | None = None, phone: str | None = None) -> str:
    """Apply for a service online (the lost-phone GD unless told otherwise) and wait for the
    tracking id; returns it as the server has it (ASCII digits)."""
    phone = phone or new_phone()
    open_form(page, web, service_id)
    if example_name is None:
        fill_lost_phone_gd(page, phone)
    else:
        fill_with_example(page, service_id, example_name, phone)
    submit_form(page)
    page.wait_for_selector(".tid")
    return page.url.rsplit("/", 1)[-1]


def decide(stack: RunningStack, tracking_id: str, decision: dict[str, Any]) -> dict[str, Any]:
    """An office's decision on an application, through the API (as an agency's system sends it)."""
    import urllib.request

    request = urllib.request.Request(
        f"{stack.api}/applications/{tracking_id}/decisions", method="POST",
        data=json.dumps(decision).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def screenshot(page: Any, name: str, *, full_page: bool = False) -> None:
    """Save a screenshot to test-artifacts/ (looked at by people, not asserted)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def at_widths(page: Any, name: str, widths: tuple[int, ...] = (360, 320), *,
              full_page: bool = False) -> None:
    """Screenshots of the page as it is, at each phone width (height kept in proportion)."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 740 if width >= 360 else 568})
        screenshot(page, f"{name}-{width}", full_page=full_page)
    page.set_viewport_size(PHONE_SIZE)
