"""Cross-field rules: what the server says when answers contradict each other.

The cases are ``schemas/examples/cross-field.json``, which the browser's evaluator
(``pwa/src/conditions.js``) is tested on too.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

import pytest

from chalicelib.catalog_files import load_catalog
from chalicelib.domain.catalog import Catalog
from chalicelib.domain.conditions import age_in_years, cross_field_problems, holds
from chalicelib.domain.errors import FieldProblem
from devtools.catalog_build import DEFAULT_OUT
from tests.helpers import EXAMPLES

CASES = json.loads((EXAMPLES / "cross-field.json").read_text(encoding="utf-8"))["cases"]
TODAY = date(2026, 12, 1)


@cache
def catalog() -> Catalog:
    return load_catalog(DEFAULT_OUT)


def problems_of(case: dict[str, Any]) -> list[FieldProblem]:
    form = catalog().service(case["service"]).form
    return cross_field_problems(form, case["form"], on=date.fromisoformat(case["on"]))


@pytest.mark.parametrize("case", CASES, ids=[case["title"] for case in CASES])
def test_the_rules_find_exactly_the_contradictions_the_table_lists(case: dict[str, Any]) -> None:
    found = problems_of(case)

    assert [(p.path, p.code) for p in found] == [
        (p["path"], p["code"]) for p in case["problems"]
    ]


def test_the_passport_age_sentence_names_the_field_in_both_languages() -> None:
    # GIVEN "over 20" chosen with a 2015 birth date (the case the issue reported)
    (problem,) = problems_of(CASES[0])

    # THEN the sentence quotes the field's own label, in Bangla and in English
    assert problem.message.bn.startswith("'জন্ম তারিখ' অনুযায়ী")
    assert "২০ বছরের বেশি" in problem.message.bn
    assert "'Date of birth'" in problem.message.en
    assert "{" not in problem.message.bn + problem.message.en


def test_a_field_with_a_problem_already_gets_no_second_one() -> None:
    form = catalog().service("epassport-new").form
    earlier = [FieldProblem("form.date_of_birth", "future_date", problems_of(CASES[0])[0].message)]

    found = cross_field_problems(form, CASES[0]["form"], on=TODAY, prefix="form", known=earlier)

    assert found == []


@pytest.mark.parametrize(("born", "on", "years"), [
    ("2000-12-01", "2026-12-01", 26), ("2000-12-02", "2026-12-01", 25),
    ("2004-02-29", "2026-02-28", 21), ("2004-02-29", "2026-03-01", 22),
])
def test_age_in_whole_years(born: str, on: str, years: int) -> None:
    assert age_in_years(date.fromisoformat(born), date.fromisoformat(on)) == years


CONDITIONS = json.loads((EXAMPLES / "cross-field.json").read_text(encoding="utf-8"))["conditions"]


@pytest.mark.parametrize("case", CONDITIONS, ids=[case["title"] for case in CONDITIONS])
def test_the_condition_language(case: dict[str, Any]) -> None:
    on = date.fromisoformat(case["on"])
    assert holds(case["condition"], case["form"], on) is case["holds"]
