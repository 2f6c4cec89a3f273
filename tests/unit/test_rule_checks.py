"""The catalog build refuses fee rules, cross-field rules and time limits that name what
does not exist: rows, fields, options; and amounts that are not whole poisha.

Like ``test_catalog_build``, each test breaks one thing in a copy of ``schemas/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.unit.test_catalog_build import edit_service, problems_of, source

__all__ = ["source"]  # the fixture, shared with test_catalog_build


def test_a_fee_rule_naming_an_unknown_row_is_refused(source: Path) -> None:
    def typo(doc: dict[str, Any]) -> None:
        doc["fees"]["rules"][0]["rows"] = ["within-45-day"]

    name = edit_service(source, "birth-registration-new", typo)

    assert f"{name}: fees rule 0: no fee row 'within-45-day'" in problems_of(source)


def test_a_fee_rule_on_a_field_the_form_lacks_is_refused(source: Path) -> None:
    def elsewhere(doc: dict[str, Any]) -> None:
        doc["fees"]["rules"][0]["when"][0]["field"] = "date_of_brith"

    name = edit_service(source, "birth-registration-new", elsewhere)

    assert f"{name}: fees rule 0 when[0]: no field 'date_of_brith' in the form" in problems_of(
        source)


def test_a_fee_rule_on_an_option_the_field_lacks_is_refused(source: Path) -> None:
    def misspelt(doc: dict[str, Any]) -> None:
        doc["fees"]["rules"][-1]["when"][2]["equals"] = "SUPER-EXPRESS"

    name = edit_service(source, "epassport-new", misspelt)

    assert any(
        p.startswith(f"{name}: fees rule ") and "'delivery_type' has no option ['SUPER-EXPRESS']"
        in p for p in problems_of(source)
    )


def test_an_age_of_something_that_is_not_a_date_is_refused(source: Path) -> None:
    def not_a_date(doc: dict[str, Any]) -> None:
        doc["fees"]["rules"][0]["when"][0]["field"] = "birth_order"

    name = edit_service(source, "birth-registration-new", not_a_date)

    assert f"{name}: fees rule 0 when[0]: age_days of 'birth_order', which is not a date" in (
        problems_of(source))


def test_a_computed_amount_needs_a_whole_number_to_count(source: Path) -> None:
    def by_text(doc: dict[str, Any]) -> None:
        row = doc["fees"]["government"][0]
        row["compute"]["quantity"]["field"] = "plot"

    name = edit_service(source, "soil-test", by_text)

    assert any(
        p.startswith(f"{name}: fees row 'per-sample' compute: quantity 'plot' must be a whole")
        for p in problems_of(source)
    )


def test_an_amount_finer_than_a_poisha_is_refused(source: Path) -> None:
    name = edit_service(source, "police-clearance",
                        lambda doc: doc["fees"]["government"][0].update(amount_bdt=500.125))

    assert f"{name}: fees row 'pcc': 500.125 taka is not a whole number of poisha" in (
        problems_of(source))


def test_a_cross_field_rule_must_have_its_own_code_and_a_sentence_that_can_be_filled(
    source: Path,
) -> None:
    def careless(doc: dict[str, Any]) -> None:
        rule = doc["form"]["x-rules"][0]
        rule["code"] = "invalid"
        rule["message"]["en"] = "'{label_en}' does not fit {age_group}."

    name = edit_service(source, "epassport-new", careless)

    problems = problems_of(source)
    assert any(p.startswith(f"{name}: x-rule 'under-18-by-birth-date': code 'invalid' is a "
                            "general field error") for p in problems), problems
    assert any(p.startswith(f"{name}: x-rule 'under-18-by-birth-date': message (en) has "
                            "placeholders ['age_group']") for p in problems), problems


def test_a_cross_field_rule_blaming_a_field_the_form_lacks_is_refused(source: Path) -> None:
    name = edit_service(source, "police-clearance",
                        lambda doc: doc["form"]["x-rules"][0].update(field="expiry"))

    assert f"{name}: x-rule 'expiry-after-issue': no field 'expiry' in the form" in problems_of(
        source)


def test_a_time_limit_per_option_must_name_the_field_s_options(source: Path) -> None:
    def unknown(doc: dict[str, Any]) -> None:
        doc["sla"]["by_option"]["working_days"]["OVERNIGHT"] = 1

    name = edit_service(source, "epassport-new", unknown)

    assert f"{name}: sla by_option: 'delivery_type' has no options ['OVERNIGHT']" in (
        problems_of(source))


def test_a_condition_without_a_test_is_refused_by_the_meta_schema(source: Path) -> None:
    def vague(doc: dict[str, Any]) -> None:
        doc["fees"]["rules"][0]["when"] = [{"field": "date_of_birth"}]

    name = edit_service(source, "birth-registration-new", vague)

    assert any(p.startswith(f"{name}: fees/rules/0/when/0") for p in problems_of(source))
