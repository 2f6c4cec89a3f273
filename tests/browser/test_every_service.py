"""Every service in the catalog can be applied for through its form, as a citizen would.

For each valid example of every service: open the form, fill it in with the page's own
controls (address and land pickers, rows of a list, checklists, radios, tick boxes, fields
that appear only when an earlier answer calls for them), submit online, and see the
tracking id. The server must then hold the application, and what the page sent
must be the example itself (cleaned up as the server cleans it), nothing lost on the way.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.domain.bangla import to_ascii_digits
from chalicelib.validation import normalise
from tests.browser.conftest import (
    ARTIFACTS,
    ROOT,
    applications_on_server,
    new_phone,
    submit_form,
    to_bangla_digits,
)
from tests.helpers import EXAMPLES, load_example

CATALOG = ROOT / "pwa" / ".catalog" / "services"
SERVICES = sorted(path.stem for path in (ROOT / "schemas" / "services").glob("*.json"))
APPLICANT = {"name": "রহিম উদ্দিন"}


def in_form_order(schema: dict[str, Any], value: dict[str, Any]) -> list[str]:
    """The keys of ``value`` in the order the form shows its fields (top to bottom)."""
    properties = schema.get("properties", {})
    order = {name: properties.get(name, {}).get("x-ui", {}).get("order", 10_000) for name in value}
    return sorted(value, key=lambda name: (order[name], list(value).index(name)))


# The first of these fields the form shows (on screen, as Playwright's is_visible has it:
# a box of some size, not hidden by CSS), asked in one call rather than one per field
FIRST_SHOWN = """names => names.find(name => {
    const field = document.querySelector(`[data-path="form.${name}"]`);
    return field && field.checkVisibility({visibilityProperty: true})
        && field.getClientRects().length > 0;
}) ?? null"""


class Citizen:
    """Fills a form through its controls, found by their names (each field's dotted path)."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def control(self, path: str) -> Any:
        return self.page.locator(f'[name="{path}"]')

    def fill(self, path: str, schema: dict[str, Any], value: Any) -> None:
        """Give the field at ``path`` the example's value, whatever its widget."""
        if isinstance(value, dict):
            for name in in_form_order(schema, value):
                self.fill(f"{path}.{name}", schema.get("properties", {}).get(name, {}), value[name])
        elif isinstance(value, list) and (value and isinstance(value[0], dict)):
            self.rows(path, schema, value)
        elif isinstance(value, list):
            boxes = self.control(path)
            for index in range(boxes.count()):
                box = boxes.nth(index)
                box.set_checked(box.get_attribute("value") in value)
        else:
            self.answer(path, value)

    def rows(self, path: str, schema: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        """A list of rows: add rows with the list's own button, then fill each."""
        wrapper = self.page.locator(f'[data-path="{path}"]')
        for index, row in enumerate(rows):
            if not self.page.locator(f'[data-path="{path}.{index}"]').count():
                wrapper.locator("button.add-row").click()
            self.fill(f"{path}.{index}", schema.get("items", {}), row)

    def answer(self, path: str, value: Any) -> None:
        """One question: a choice, a box to tick, or something to type."""
        control = self.control(path)
        kind = control.first.evaluate("el => el.tagName === 'INPUT' ? el.type : el.tagName")
        if kind == "SELECT":
            # the next level of an area picker fills in once the level above is chosen
            self.page.wait_for_selector(f'select[name="{path}"] option[value="{value}"]',
                                        state="attached")
            control.select_option(str(value))
        elif kind == "radio":
            self.page.check(f'input[name="{path}"][value="{value}"]')
        elif kind == "checkbox":
            control.set_checked(bool(value))
        elif kind == "date":
            control.fill(to_ascii_digits(value))  # a date picker gives ASCII digits
        else:
            control.fill(str(value))

    def fill_form(self, form: dict[str, Any], example: dict[str, Any]) -> list[str]:
        """Top to bottom; a field that shows only after another answer is filled once it shows.

        Returns the fields the form never asked for: each must be one that only some other
        answer calls for (the example gives it although its answers do not need it).
        """
        waiting = in_form_order(form, example)
        while waiting:
            name = self.page.evaluate(FIRST_SHOWN, waiting)
            if name is None:
                break
            self.fill(f"form.{name}", form["properties"][name], example[name])
            waiting.remove(name)
        unasked = [name for name in waiting if name not in conditional_fields(form)]
        assert unasked == [], f"these fields never appeared: {unasked}"
        return waiting


def conditional_fields(form: dict[str, Any]) -> set[str]:
    """Fields the form asks for only when another answer calls for them."""
    called = {name for clause in form.get("allOf", []) for branch in ("then", "else")
              for name in clause.get(branch, {}).get("required", [])}
    return called - set(form.get("required", []))


def as_sent(value: Any) -> Any:
    """A value as compared: a multiple choice is a set, whatever order the boxes are in."""
    if isinstance(value, dict):
        return {key: as_sent(item) for key, item in value.items()}
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return sorted(value)
    if isinstance(value, list):
        return [as_sent(item) for item in value]
    return value


EXAMPLE_FILES = sorted(EXAMPLES.glob("*/valid-*.json"))


def test_every_service_has_an_example_to_apply_with():
    assert SERVICES
    assert sorted({file.parent.name for file in EXAMPLE_FILES}) == SERVICES


@pytest.mark.parametrize("file", EXAMPLE_FILES, ids=lambda f: f"{f.parent.name}/{f.stem}")
def test_every_service_can_be_applied_for(stack, page, file):
    # GIVEN a service's form and one of its valid examples
    service_id = file.parent.name
    service = json.loads((CATALOG / f"{service_id}.json").read_text(encoding="utf-8"))
    example = load_example(file)
    phone = new_phone()
    page.goto(f"{stack.web}/s/{service_id}/form")
    page.wait_for_selector("form button[type=submit]")

    # WHEN a citizen fills it in with the page's own controls and submits while online
    citizen = Citizen(page)
    citizen.answer("applicant.name", APPLICANT["name"])
    citizen.answer("applicant.phone", phone)
    unasked = citizen.fill_form(service["form"], example)
    sent: list[Any] = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/api/applications")
            and sent.append(r.post_data_json))
    submit_form(page)
    page.wait_for_selector(".tid, .error-summary:not([hidden])")
    summary = page.locator(".error-summary:not([hidden])")
    if summary.count():
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"every-service-{service_id}.png"), full_page=True)
        pytest.fail(f"the form refused the example: {summary.inner_text()}")

    # THEN the tracking id shows and the server holds the application
    assert page.locator(".tid").inner_text().strip()
    stored = applications_on_server(stack, phone)
    assert len(stored) == 1
    assert stored[0]["service_id"] == service_id

    # AND what the page sent is the example as the server cleans it up (a box left unticked
    # is sent as "no"; a field no answer called for is not sent)
    assert len(sent) == 1
    posted = as_sent(sent[0]["form"])
    asked = {key: value for key, value in example.items() if key not in unasked}
    expected = as_sent(normalise(asked, service["form"]))
    missing = {key: value for key, value in expected.items() if posted.get(key) != value}
    extra = {key: value for key, value in posted.items()
             if key not in expected and value is not False}
    assert (missing, extra) == ({}, {}), {"posted": posted}

    # AND the page says how long the service usually takes until the office sets a date
    days = service["sla"]["working_days"]
    by_option = service["sla"].get("by_option")  # e.g. the delivery type chosen sets its own
    if by_option and str(example.get(by_option["field"])) in by_option["working_days"]:
        days = by_option["working_days"][str(example[by_option["field"]])]
    if days:  # or, once the agency has it (the worker may be quicker than the page), its date
        usual = f"সাধারণত {to_bangla_digits(str(days))} কার্যদিবস"
        shown = page.locator(".application").inner_text()
        assert usual in shown or "নিষ্পত্তির সম্ভাব্য তারিখ:" in shown, shown
