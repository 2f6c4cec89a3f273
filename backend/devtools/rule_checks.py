"""The catalog build's checks of what a service file says about its answers.

Fee rules (``fees.rules``, computed rows), cross-field rules (``form.x-rules``), time limits
per option (``sla.by_option``) and the service-charge cap name form fields, enum values and
fee rows; the meta-schema cannot see whether those exist, so these checks do, after the form
is bundled. Each problem is one sentence naming what is wrong; the build prefixes the file.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from chalicelib.domain.conditions import AGE_MEASURES
from chalicelib.domain.messages import FIELD_ERRORS

DATE_FORMATS = ("date", "bd-past-date", "bd-upcoming-date")
NUMERIC_TESTS = ("at_least", "at_most", "less_than", "more_than")
MESSAGE_PLACEHOLDERS = {"label_bn", "label_en"}
Schema = Mapping[str, Any]


def field_at(form: Schema, path: str) -> Schema | None:
    """The schema of the field at a dotted path (``*``: a list's rows), or ``None``."""
    node: Any = form
    for step in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get("items") if step == "*" else (node.get("properties") or {}).get(step)
    return node if isinstance(node, Mapping) else None


def kind_of(schema: Schema) -> str:
    """What sort of answer a field takes: date, number, array, boolean, object or string."""
    if schema.get("format") in DATE_FORMATS:
        return "date"
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return "number"
    return str(kind) if kind in ("array", "boolean", "object") else "string"


def _enum_of(schema: Schema, listed: bool) -> list[Any] | None:
    if listed and isinstance(schema.get("items"), Mapping):
        return schema["items"].get("enum")
    return schema.get("enum")


class ConditionCheck:
    """Checks conditions against one bundled form."""

    def __init__(self, form: Schema) -> None:
        self.form = form

    def problems(self, conditions: Sequence[Any], where: str) -> list[str]:
        """Every problem of a list of conditions (combinations included)."""
        return [problem for index, condition in enumerate(conditions)
                for problem in self.one(condition, f"{where}[{index}]")]

    def one(self, condition: Mapping[str, Any], where: str) -> list[str]:
        """Problems of one condition."""
        for key in ("any", "all"):
            if key in condition:
                return self.problems(condition[key], f"{where}.{key}")
        if "not" in condition:
            return self.one(condition["not"], f"{where}.not")
        field = self.field_or_problem(condition["field"], where)
        if isinstance(field, str):
            return [field]
        return [*self.measure(condition, field, where), *self.tests(condition, field, where)]

    def field_or_problem(self, path: str, where: str) -> Schema | str:
        """The field's schema, or the sentence saying the form has no such field."""
        schema = field_at(self.form, path)
        return schema if schema is not None else f"{where}: no field {path!r} in the form"

    def measure(self, condition: Mapping[str, Any], field: Schema, where: str) -> list[str]:
        """Problems with what a condition (or a computed quantity) measures."""
        measure = condition.get("measure", "value")
        path = condition["field"]
        listed = "*" in path or kind_of(field) == "array"
        problems = []
        if measure in AGE_MEASURES and kind_of(field) != "date":
            problems.append(f"{where}: {measure} of {path!r}, which is not a date")
        if measure == "count" and not listed:
            problems.append(f"{where}: count of {path!r}, which is not a list")
        if "on" in condition:
            on = field_at(self.form, condition["on"])
            if measure not in AGE_MEASURES:
                problems.append(f"{where}: 'on' is for age_days and age_years only")
            elif on is None or kind_of(on) != "date":
                problems.append(f"{where}: age on {condition['on']!r}, which is not a date field")
        return problems

    def tests(self, condition: Mapping[str, Any], field: Schema, where: str) -> list[str]:
        """Problems with what a condition compares the answer with."""
        measure = condition.get("measure", "value")
        path = condition["field"]
        listed = "*" in path or kind_of(field) == "array"
        numeric = measure != "value" or (kind_of(field) == "number" and not listed)
        problems = [
            f"{where}: {test} compares {path!r} with a number, but it is not one"
            for test in NUMERIC_TESTS if test in condition and not numeric
        ]
        if "includes" in condition and not listed:
            problems.append(f"{where}: includes on {path!r}, which is not a list")
        enum = _enum_of(field, listed) if measure == "value" else None
        given = [*condition.get("one_of", []), *[condition[key] for key in ("equals", "includes")
                                                   if key in condition]]
        unknown = [value for value in given if enum is not None and value not in enum]
        if unknown:
            problems.append(f"{where}: {path!r} has no option {unknown} (options: {enum})")
        return problems


def _amounts(document: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    fees = document["fees"]
    for row in fees["government"]:
        yield f"fees row {row['id']!r}", row.get("amount_bdt")
        compute = row.get("compute", {})
        for index, band in enumerate(compute.get("bands", [])):
            yield f"fees row {row['id']!r} band {index}", band["amount_bdt"]
        for key in ("minimum_bdt", "maximum_bdt"):
            yield f"fees row {row['id']!r} {key}", compute.get(key)
    yield "fees service_charge cap_bdt", fees.get("service_charge", {}).get("cap_bdt")


def money_problems(document: Mapping[str, Any]) -> list[str]:
    """Amounts must be whole poisha: money is never rounded in a quote."""
    return [
        f"{where}: {amount} taka is not a whole number of poisha"
        for where, amount in _amounts(document)
        if amount is not None and Decimal(str(amount)) * 100 % 1 != 0
    ]


def compute_problems(row: Mapping[str, Any], check: ConditionCheck) -> list[str]:
    """A computed row: an integer quantity, bands in order, only the last one open."""
    where = f"fees row {row['id']!r} compute"
    quantity = row["compute"]["quantity"]
    field = check.field_or_problem(quantity["field"], where)
    if isinstance(field, str):
        return [field]
    problems = check.measure(quantity, field, where)
    if quantity.get("measure", "value") == "value" and field.get("type") != "integer":
        problems.append(f"{where}: quantity {quantity['field']!r} must be a whole number")
    limits = [band.get("up_to") for band in row["compute"]["bands"]]
    if None in limits[:-1]:
        problems.append(f"{where}: only the last band may be open (no up_to)")
    bounded = [limit for limit in limits if limit is not None]
    if bounded != sorted(set(bounded)):
        problems.append(f"{where}: the bands' up_to must rise")
    return problems


def fee_rule_problems(document: Mapping[str, Any], check: ConditionCheck) -> list[str]:
    """Rules name rows that exist and fields the form has; computed rows are sound."""
    rows = {row["id"] for row in document["fees"]["government"]}
    problems = []
    for index, rule in enumerate(document["fees"].get("rules", [])):
        where = f"fees rule {index}"
        problems += [f"{where}: no fee row {row!r}" for row in rule["rows"] if row not in rows]
        problems += check.problems(rule.get("when", []), f"{where} when")
    for row in document["fees"]["government"]:
        if "compute" in row:
            problems += compute_problems(row, check)
    return problems


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"(unbalanced braces)"}


def cross_field_problems(form: Schema, check: ConditionCheck) -> list[str]:
    """Cross-field rules: their own codes, fields that exist, sentences that can be filled in."""
    problems = []
    seen: set[str] = set()
    for rule in form.get("x-rules", []):
        where = f"x-rule {rule['id']!r}"
        if rule["id"] in seen:
            problems.append(f"{where}: duplicate rule id")
        seen.add(rule["id"])
        if field_at(form, rule["field"]) is None:
            problems.append(f"{where}: no field {rule['field']!r} in the form")
        if rule["code"] in FIELD_ERRORS:
            problems.append(f"{where}: code {rule['code']!r} is a general field error; "
                            "give the rule a code of its own")
        for language in ("bn", "en"):
            extra = _placeholders(rule["message"][language]) - MESSAGE_PLACEHOLDERS
            if extra:
                problems.append(f"{where}: message ({language}) has placeholders {sorted(extra)}; "
                                "only {label_bn} and {label_en} are filled in")
        problems += check.problems(rule.get("if", []), f"{where} if")
        problems += check.problems(rule["then"], f"{where} then")
    return problems


def sla_problems(document: Mapping[str, Any], form: Schema) -> list[str]:
    """A time limit per option names a top-level choice and only its options."""
    by_option = document["sla"].get("by_option")
    if not by_option:
        return []
    field = (form.get("properties") or {}).get(by_option["field"])
    if not isinstance(field, Mapping) or "enum" not in field:
        return [f"sla by_option: {by_option['field']!r} is not a choice of the form"]
    options = {str(value) for value in field["enum"]}
    unknown = sorted(set(by_option["working_days"]) - options)
    return [f"sla by_option: {by_option['field']!r} has no options {unknown}"] if unknown else []


def rule_problems(document: Mapping[str, Any], form: Schema) -> list[str]:
    """Everything above for one service (its form already bundled)."""
    check = ConditionCheck(form)
    cited = document["fees"].get("service_charge", {}).get("source_ids", [])
    sources = {source["id"] for source in document["sources"]}
    return [
        *money_problems(document),
        *fee_rule_problems(document, check),
        *cross_field_problems(form, check),
        *sla_problems(document, form),
        *[f"service charge cites source {cited_id!r}, which 'sources' lacks"
          for cited_id in cited if cited_id not in sources],
    ]
