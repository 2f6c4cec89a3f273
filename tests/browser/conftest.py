"""The browser tier: the built web app in Debian's Chromium, against the embedded stack.

One stack and one browser for the whole session (each test gets its own browser context,
so its own service worker, caches and IndexedDB). Everything stays on loopback.
"""

from __future__ import annotations

import json
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tests.stack import RunningStack, running_stack

DIST = ROOT / "pwa" / "dist"
CATALOG_DIR = ROOT / "pwa" / ".catalog" / "services"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE_SIZE = {"width": 360, "height": 740}
BROWSER_CODE_SENDS = "100000"
# A phone may be sent another code this soon after the last (a deployed stage: 60 s), so a
# test that signs the same phone in twice waits a little, not a minute
BROWSER_RESEND_SECONDS = 20


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The embedded stack serving the built app (``make pwa`` builds it)."""
    if not (DIST / "index.html").exists():
        pytest.fail("pwa/dist is missing: build the web app first (make pwa)")
    # every browser test signs its citizens in from this one address: more codes than the
    # per-address limit a deployed stage keeps
    with running_stack(tmp_path_factory.mktemp("browser-stack"),
                       NAGORIK_CODE_SENDS_PER_ADDRESS=BROWSER_CODE_SENDS,
                       NAGORIK_CODE_RESEND_SECONDS=str(BROWSER_RESEND_SECONDS)) as running:
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


# --- signing in: through the app's own form, with the code read from the local SMS outbox

SIGN_IN_CODE = re.compile(r"কোড ([০-৯]{6})")
SMS_WAIT_SECONDS = 30


def sign_in_codes(web: str, phone: str) -> list[str]:
    """The sign-in codes texted to a phone (``{web}/dev/sms``), newest first, ASCII digits."""
    query = urllib.parse.urlencode({"phone": phone})
    with urllib.request.urlopen(f"{web}/dev/sms?{query}", timeout=30) as answer:
        messages = json.loads(answer.read())["messages"]
    found = [SIGN_IN_CODE.search(message["text"]) for message in messages]
    return [match.group(1).translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789"))
            for match in found if match]


def new_code(web: str, phone: str, before: int) -> str:
    """The code texted after ``before`` codes had been (the SMS worker sends it shortly)."""
    deadline = time.monotonic() + SMS_WAIT_SECONDS
    while True:
        codes = sign_in_codes(web, phone)
        if len(codes) > before:
            return codes[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no sign-in code reached the phone within {SMS_WAIT_SECONDS} s")
        time.sleep(0.2)


def ask_for_code(page: Any, web: str, phone: str) -> str:
    """On the sign-in form on screen: type the phone, ask for a code; returns the code sent."""
    before = len(sign_in_codes(web, phone))
    page.wait_for_selector("form.phone-step", state="visible")
    page.fill("#si-phone", phone)
    page.click("form.phone-step button[type=submit]")
    page.wait_for_selector("form.code-step", state="visible")
    return new_code(web, phone, before)


def complete_sign_in(page: Any, web: str, phone: str) -> None:
    """Sign in on the sign-in form on screen, as a citizen does: phone, then the SMS code."""
    code = ask_for_code(page, web, phone)
    page.fill("#si-code", code)
    page.click("form.code-step button[type=submit]")
    page.wait_for_selector("section.sign-in", state="detached")


def sign_in(page: Any, web: str, phone: str) -> None:
    """Sign in from the app's sign-in page; back on "আমার আবেদন" when done."""
    page.goto(f"{web}/signin")
    complete_sign_in(page, web, phone)
    page.wait_for_selector("h1:has-text('আমার আবেদন')")


# --- filling in and sending: every browser test applies through these, so that a step every
# --- application needs (signing in) is added in one place

def submit_form(page: Any, web: str | None = None) -> None:
    """Press the form's submit button, as a citizen does; when the app asks to sign in first
    (once the form is valid), sign in with the form's applicant phone, after which the app
    sends it."""
    signed_in = page.locator(".signed-in-as").count() > 0
    page.click("form button[type=submit]")
    if signed_in:
        return
    page.wait_for_selector("section.sign-in, .error-summary:not([hidden])")
    if page.locator("section.sign-in").count():
        phone = page.input_value("#f-applicant-phone").translate(
            str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789"))
        complete_sign_in(page, web or page.url.split("/s/", 1)[0], phone)


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
    submit_form(page, web)
    page.wait_for_selector(".tid")
    return page.url.rsplit("/", 1)[-1]


def demo_staff(stack: RunningStack) -> list[dict[str, Any]]:
    """The demo staff the stack made (the file it names in its start-up lines)."""
    line = next(line for line in stack.output if "demo staff" in line)
    path = Path(line.split("demo staff", 1)[1].split()[0])
    return json.loads(path.read_text(encoding="utf-8"))


def api_call(stack: RunningStack, method: str, path: str, body: Any = None,
             token: str | None = None, *, headers: dict[str, str] | None = None
             ) -> dict[str, Any]:
    """One call to the API; the answer's body (a refusal raises ``HTTPError``)."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"{stack.api}{path}", method=method, headers=headers,
        data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
        return json.loads(text) if text else {}


def officer_token(stack: RunningStack, agency_id: str) -> str:
    """An access token of the demo officer of an agency (signed in by password)."""
    officer = next(entry for entry in demo_staff(stack)
                   if entry["role"] == "officer" and entry.get("agency_id") == agency_id)
    signed_in = api_call(stack, "POST", "/auth/login",
                         {"phone": officer["phone_local"], "password": officer["password"]})
    return str(signed_in["access_token"])


def application_on_server(stack: RunningStack, tracking_id: str) -> dict[str, Any]:
    """The stored application (every attribute), by tracking id."""
    import boto3

    table = boto3.resource("dynamodb", endpoint_url=stack.aws, region_name="ap-south-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
    found = table.Table("nagorik-dev-applications").get_item(Key={"tracking_id": tracking_id})
    return dict(found["Item"])


def decide(stack: RunningStack, tracking_id: str, decision: dict[str, Any]) -> dict[str, Any]:
    """An office's decision on an application, through the API, as an officer of the
    application's agency (waits until the office has it)."""
    agency = str(application_on_server(stack, tracking_id)["agency_id"])
    token = officer_token(stack, agency)
    deadline = time.monotonic() + 30
    while True:
        try:
            return api_call(stack, "POST", f"/applications/{tracking_id}/decisions", decision,
                            token)
        except urllib.error.HTTPError as refused:
            if refused.code != 409 or time.monotonic() > deadline:
                raise
            time.sleep(0.3)  # not with the office yet: the worker forwards it shortly


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
