"""Every service ships examples; each valid one passes, each invalid one fails as its name says.

Invalid examples are named ``invalid-<field path>-<problem code>.json`` (the path is
dotted inside the form, e.g. ``father.nid``; the code is a key of
``messages.FIELD_ERRORS`` or the code of one of the form's cross-field rules), so the file
name is the assertion.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from chalicelib.catalog_files import load_catalog
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.messages import FIELD_ERRORS
from chalicelib.validation import FormValidator
from devtools.catalog_build import DEFAULT_OUT
from tests.helpers import EXAMPLES, load_example


@cache
def validator(service_id: str) -> FormValidator:
    service = load_catalog(DEFAULT_OUT).service(service_id)
    return FormValidator(service.form, prefix="form")


def rule_codes(service_id: str) -> set[str]:
    """The problem codes of a service's own cross-field rules (``x-rules``)."""
    return {rule["code"] for rule in validator(service_id).schema.get("x-rules", [])}


def service_ids() -> list[str]:
    return sorted(path.stem for path in (DEFAULT_OUT / "services").glob("*.json"))


def examples(kind: str) -> list:
    return [
        pytest.param(path.parent.name, path, id=f"{path.parent.name}/{path.stem}")
        for path in sorted(EXAMPLES.glob(f"*/{kind}-*.json"))
    ]


@pytest.mark.parametrize("service_id", service_ids())
def test_every_service_has_valid_and_invalid_examples(service_id: str) -> None:
    folder = EXAMPLES / service_id
    assert list(folder.glob("valid-*.json")), f"{service_id} has no valid example"
    assert list(folder.glob("invalid-*.json")), f"{service_id} has no invalid example"


def test_every_example_folder_is_a_service() -> None:
    folders = {path.name for path in EXAMPLES.iterdir() if path.is_dir()}
    assert folders <= set(service_ids())


@pytest.mark.parametrize(("service_id", "path"), examples("valid"))
def test_valid_example_is_accepted(service_id: str, path: Path) -> None:
    form = load_example(path)
    validator(service_id).validate(form)


@pytest.mark.parametrize(("service_id", "path"), examples("invalid"))
def test_invalid_example_is_refused_for_the_reason_its_name_states(
    service_id: str, path: Path
) -> None:
    field, _, code = path.stem.removeprefix("invalid-").rpartition("-")
    assert code in FIELD_ERRORS or code in rule_codes(service_id), (
        f"{path.name}: unknown problem code {code!r}")
    form = load_example(path)

    with pytest.raises(ValidationFailed) as refused:
        validator(service_id).validate(form)

    expected = f"form.{field}"
    found = [(p.path, p.code) for p in refused.value.fields]
    assert any(
        code == got_code and (got_path == expected or got_path.startswith(expected + "."))
        for got_path, got_code in found
    ), f"{path.name}: expected {code} at {expected}, got {found}"
    for problem in refused.value.fields:
        assert problem.message.bn and problem.message.en
