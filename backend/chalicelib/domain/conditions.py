"""The condition language of service files, and the form's cross-field rules (``x-rules``).

A condition tests one form answer, or combines other conditions::

    {"field": "pages", "equals": "48"}
    {"field": "delivery_type", "one_of": ["EXPRESS", "SUPER_EXPRESS"]}
    {"field": "dower_bdt", "at_most": 400000}
    {"field": "date_of_birth", "measure": "age_days", "at_most": 45}
    {"field": "groom.date_of_birth", "measure": "age_years", "on": "marriage_date", "at_least": 21}
    {"field": "vehicle_classes", "measure": "count", "equals": 2}
    {"any": [...]}, {"all": [...]}, {"not": {...}}

``field`` is a dotted path into the form (``list.*.name`` takes that answer from every row).
``measure`` turns the answer into what is compared: ``value`` (the answer itself), ``count``
(rows or choices in a list; none answered is 0), ``age_days`` / ``age_years`` (how old a date
is, in days or in whole years, on the date named by ``on`` or else on the day of the
application, in Dhaka). Tests: ``equals``, ``one_of``, ``includes`` (a list holds the value),
``at_least``, ``at_most``, ``less_than``, ``more_than``, ``answered``; several tests in one
condition must all hold.

A condition is true, false, or unknown (``None``) while an answer it needs is missing or
unreadable: fee rules apply only when theirs are true, and a cross-field rule complains only
when its ``if`` is true and its ``then`` false. Missing answers are the required check's
business. ``pwa/src/conditions.js`` is the same language in the browser; both are run on
``schemas/examples/fees.json`` and ``schemas/examples/cross-field.json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from .errors import FieldProblem
from .messages import Text

Condition = Mapping[str, Any]

TESTS = (
    "equals", "one_of", "includes", "at_least", "at_most", "less_than", "more_than", "answered",
)
COMBINATORS = ("any", "all", "not")
AGE_MEASURES = ("age_days", "age_years")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _steps(path: str) -> list[str]:
    return path.split(".") if path else []


def answer(form: Any, path: str) -> Any:
    """The answer at a dotted path (``None`` when absent); ``*`` collects it from every row."""
    return _walk(form, _steps(path))


def _walk(node: Any, steps: list[str]) -> Any:
    if not steps:
        return node
    step, rest = steps[0], steps[1:]
    if step == "*":
        if not isinstance(node, list):
            return None
        found = [_walk(row, rest) for row in node]
        return [item for item in found if not is_absent(item)]
    if not isinstance(node, Mapping):
        return None
    return _walk(node.get(step), rest)


def is_absent(value: Any) -> bool:
    """Whether an answer counts as not given (missing, empty text or an empty list)."""
    return value is None or value == "" or (isinstance(value, list) and not value)


def parse_day(value: Any) -> date | None:
    """A YYYY-MM-DD answer as a date; ``None`` when it is not one."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def age_in_years(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on`` (a birthday not yet reached this year not counted)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def measured(condition: Condition, form: Any, today: date) -> Any:
    """What a condition compares: the answer, its count, or its age; ``None`` if unknown."""
    value = answer(form, str(condition.get("field", "")))
    measure = condition.get("measure", "value")
    if measure == "count":
        return len(value) if isinstance(value, list) else 0 if is_absent(value) else None
    if measure in AGE_MEASURES:
        born = parse_day(value)
        on = parse_day(answer(form, condition["on"])) if "on" in condition else today
        if born is None or on is None:
            return None
        return (on - born).days if measure == "age_days" else age_in_years(born, on)
    return None if is_absent(value) else value


def same(left: Any, right: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``1`` is ``1.0``."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return bool(left == right)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _test(name: str, expected: Any, value: Any) -> bool:
    """One test on a known value."""
    if name == "equals":
        return same(value, expected)
    if name == "one_of":
        return any(same(value, item) for item in expected)
    if name == "includes":
        return isinstance(value, list) and any(same(item, expected) for item in value)
    if not _number(value):
        return False
    return {
        "at_least": value >= expected, "at_most": value <= expected,
        "less_than": value < expected, "more_than": value > expected,
    }[name]


def holds(condition: Condition, form: Any, today: date) -> bool | None:
    """Whether the condition holds for these answers: True, False, or None (not yet known)."""
    if "any" in condition:
        return any_of(condition["any"], form, today)
    if "all" in condition:
        return all_of(condition["all"], form, today)
    if "not" in condition:
        inner = holds(condition["not"], form, today)
        return None if inner is None else not inner
    return _tested(condition, form, today)


def _tested(condition: Condition, form: Any, today: date) -> bool | None:
    """A condition on one answer: every test it carries must hold."""
    if "answered" in condition:
        answered = not is_absent(answer(form, str(condition["field"])))
        if answered != condition["answered"]:
            return False
    tests = [(name, condition[name]) for name in TESTS if name in condition and name != "answered"]
    if not tests:
        return True
    value = measured(condition, form, today)
    if value is None:
        return None
    return all(_test(name, expected, value) for name, expected in tests)


def all_of(conditions: Iterable[Condition], form: Any, today: date) -> bool | None:
    """True if every condition holds, False if one fails, else None."""
    results = [holds(condition, form, today) for condition in conditions]
    if False in results:
        return False
    return None if None in results else True


def any_of(conditions: Iterable[Condition], form: Any, today: date) -> bool | None:
    """True if some condition holds, False if every one fails, else None."""
    results = [holds(condition, form, today) for condition in conditions]
    if True in results:
        return True
    return None if None in results else False


def fields_named(conditions: Iterable[Condition]) -> Iterator[str]:
    """Every field path the conditions read (``on`` dates included)."""
    for condition in conditions:
        for key in ("any", "all"):
            yield from fields_named(condition.get(key, []))
        if "not" in condition:
            yield from fields_named([condition["not"]])
        for key in ("field", "on"):
            if key in condition:
                yield str(condition[key])


# --- cross-field rules -------------------------------------------------------------------


def label_at(schema: Mapping[str, Any], path: str) -> Text:
    """The label of the field at a dotted path of a form schema (the path itself if none)."""
    node: Mapping[str, Any] = schema
    for step in _steps(path):
        node = node.get("items", {}) if step == "*" else node.get("properties", {}).get(step, {})
    label = node.get("x-ui", {}).get("label")
    return Text(label["bn"], label["en"]) if label else Text(path, path)


def broken_rules(
    form_schema: Mapping[str, Any], value: Any, today: date
) -> list[Mapping[str, Any]]:
    """The form's ``x-rules`` these answers break (``if`` true and ``then`` false)."""
    return [
        rule for rule in form_schema.get("x-rules", [])
        if all_of(rule.get("if", []), value, today) is True
        and all_of(rule["then"], value, today) is False
    ]


def cross_field_problems(
    form_schema: Mapping[str, Any],
    value: Any,
    *,
    on: date,
    prefix: str = "",
    known: Sequence[FieldProblem] = (),
) -> list[FieldProblem]:
    """Field problems for each broken cross-field rule, in the rule's own words.

    A rule names the field to blame, a problem code and a sentence in both languages
    (``{label_bn}``/``{label_en}`` become that field's label). A field that already has a
    problem in ``known`` gets no second one.
    """
    taken = {problem.path for problem in known}
    problems: list[FieldProblem] = []
    for rule in broken_rules(form_schema, value, on):
        path = f"{prefix}.{rule['field']}" if prefix else str(rule["field"])
        if path in taken:
            continue
        taken.add(path)
        label = label_at(form_schema, rule["field"])
        message = Text(rule["message"]["bn"], rule["message"]["en"])
        problems.append(
            FieldProblem(path, rule["code"], message.format(label_bn=label.bn, label_en=label.en))
        )
    return problems
