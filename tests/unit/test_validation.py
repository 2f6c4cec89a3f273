"""Form validation: Bangla digits accepted, every problem reported at once, in form order."""

from __future__ import annotations

import json

import pytest

from chalicelib.catalog_files import load_catalog
from chalicelib.domain.errors import ValidationFailed
from chalicelib.validation import FormValidator
from devtools.catalog_build import DEFAULT_OUT
from tests.helpers import example


@pytest.fixture(scope="module")
def gd() -> FormValidator:
    return FormValidator(load_catalog(DEFAULT_OUT).service("online-gd-lost-item").form,
                         prefix="form")


def test_bangla_digits_are_normalised_before_validating(gd: FormValidator) -> None:
    form = example("online-gd-lost-item", "valid-lost-nid")
    cleaned = gd.validate(form)
    assert cleaned["nid"] == "19901234567890123"
    assert cleaned["lost_time"] == "10:30"


def test_every_invalid_field_is_listed_not_just_the_first(gd: FormValidator) -> None:
    form = example("online-gd-lost-item", "valid-lost-phone")
    form.update(nid="12", lost_on="2999-01-01", item_kind="CAR", surprise=1)
    del form["police_station"]

    with pytest.raises(ValidationFailed) as refused:
        gd.validate(form)

    found = {(problem.path, problem.code) for problem in refused.value.fields}
    assert found >= {
        ("form.nid", "nid"), ("form.lost_on", "future_date"), ("form.item_kind", "enum"),
        ("form.police_station", "required"), ("form.surprise", "unknown_field"),
    }
    paths = [problem.path for problem in refused.value.fields]
    assert paths.index("form.nid") < paths.index("form.item_kind") < paths.index("form.lost_on")


def test_limits_are_given_in_bangla_digits(gd: FormValidator) -> None:
    form = example("online-gd-lost-item", "valid-lost-phone")
    form["item_description"] = "ক" * 2001
    with pytest.raises(ValidationFailed) as refused:
        gd.validate(form)
    problem = next(p for p in refused.value.fields if p.path == "form.item_description")
    assert problem.code == "too_long"
    assert "২০০০" in problem.message.bn and "2000" in problem.message.en


def test_an_empty_required_text_reads_as_missing(gd: FormValidator) -> None:
    form = example("online-gd-lost-item", "valid-lost-phone")
    form["police_station"] = "   "
    with pytest.raises(ValidationFailed) as refused:
        gd.validate(form)
    assert ("form.police_station", "required") in {(p.path, p.code) for p in refused.value.fields}


def test_not_an_object_is_one_clear_problem(gd: FormValidator) -> None:
    with pytest.raises(ValidationFailed) as refused:
        gd.validate(["not", "a", "form"])
    assert [p.code for p in refused.value.fields] == ["type"]


def test_a_valid_form_passes_through_unchanged_apart_from_normalising(gd: FormValidator) -> None:
    form = example("online-gd-lost-item", "valid-lost-phone")
    assert json.loads(json.dumps(gd.validate(form))) == form
