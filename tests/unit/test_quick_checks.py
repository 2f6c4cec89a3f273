"""The quick checks (generated code, the valid path) agree with the full validator (jsonschema,
which explains problems) on every example and on many broken copies of each valid one.

A quick check that accepted what jsonschema refuses would store an invalid application;
one that refused what jsonschema accepts only costs time (jsonschema then decides).
Both directions are tested: they must agree.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from chalicelib.catalog_files import load_catalog, load_meta
from chalicelib.validation import FormValidator, load_quick_check
from devtools.catalog_build import DEFAULT_OUT
from tests.helpers import EXAMPLES, load_example

ODD_VALUES: tuple[Any, ...] = (None, True, 0, -1, 1.5, 10**12, "", "x" * 300, "১২", [], {},
                               ["x"], {"x": 1}, "a\x00b", "\u200bরহিম")


@cache
def validator(service_id: str) -> FormValidator:
    service = load_catalog(DEFAULT_OUT).service(service_id)
    quick = load_quick_check(DEFAULT_OUT / "checks" / f"{service_id}.py")
    assert quick is not None, f"no quick check was built for {service_id}"
    return FormValidator(service.form, prefix="form", quick=quick)


def verdicts(check: FormValidator, value: Any) -> tuple[bool, bool]:
    cleaned, controlled = check.clean(value)
    return not controlled and check.quickly_valid(cleaned), check.problems(cleaned) == []


def broken_copies(form: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The form with one field removed, replaced by an odd value, or one unknown field added."""
    yield "unknown field", {**form, "unexpected": 1}
    for name, current in form.items():
        yield f"without {name}", {key: value for key, value in form.items() if key != name}
        for odd in ODD_VALUES:
            yield f"{name}={odd!r:.20}", {**form, name: copy.deepcopy(odd)}
        if isinstance(current, dict):
            for inner in current:
                for odd in ODD_VALUES[:6]:
                    changed = copy.deepcopy(form)
                    changed[name][inner] = odd
                    yield f"{name}.{inner}={odd!r:.20}", changed


def example_paths(kind: str) -> list[Any]:
    return [pytest.param(path.parent.name, path, id=f"{path.parent.name}/{path.stem}")
            for path in sorted(EXAMPLES.glob(f"*/{kind}-*.json"))]


@pytest.mark.parametrize(("service_id", "path"), example_paths("valid") + example_paths("invalid"))
def test_the_quick_check_and_jsonschema_agree_on_every_example(service_id: str, path) -> None:
    check = validator(service_id)
    quick, full = verdicts(check, load_example(path))
    assert quick == full
    # an example refused by a cross-field rule (x-rules) passes the schema; that pass refuses it
    code = path.stem.rpartition("-")[2]
    by_rule = any(rule["code"] == code for rule in check.schema.get("x-rules", []))
    assert quick is (path.name.startswith("valid-") or by_rule)


@pytest.mark.parametrize(("service_id", "path"), example_paths("valid"))
def test_they_agree_on_broken_copies_of_each_valid_example(service_id: str, path) -> None:
    check = validator(service_id)
    disagreements = []
    for what, form in broken_copies(load_example(path)):
        quick, full = verdicts(check, form)
        if quick != full:
            disagreements.append((what, "quick" if quick else "jsonschema", "accepted"))
    assert disagreements == []


def test_the_submission_envelope_has_its_quick_check_too() -> None:
    schema = load_meta(DEFAULT_OUT, "submission")
    quick = load_quick_check(DEFAULT_OUT / "checks" / "meta-submission.py")
    envelope = FormValidator(schema, quick=quick)
    good = {"service_id": "soil-test", "service_version": 1, "form": {},
            "applicant": {"name": "রহিম উদ্দিন", "phone": "০১৭১২৩৪৫৬৭৮"}}
    assert verdicts(envelope, good) == (True, True)
    for what, body in broken_copies(good):
        assert len(set(verdicts(envelope, body))) == 1, what
