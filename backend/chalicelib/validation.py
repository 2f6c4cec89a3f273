"""Form validation: normalise, validate against the service's schema, explain every problem.

The schemas are JSON Schema draft-07 (bundled by the catalog build, so they carry no
``$ref``). On top of the standard keywords this adds:

* ``x-normalise``: a clean-up applied before validating (Bangla digits to ASCII,
  separators dropped, mobile prefixes removed). The web app applies the same rules
  (``pwa/src/validate.js``) and both are tested against ``schemas/examples/formats.json``.
* ``format`` checkers for Bangladesh: ``bd-nid``, ``bd-brn``, ``bd-past-date``,
  ``bd-upcoming-date`` and a strict ``date``.
* ``x-geo``: an address's division/district/upazila/union must nest.

Every failure becomes a ``FieldProblem`` with a dotted path, a code and a bilingual
message that names the field by its own label; all problems are reported at once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any, TypeGuard

from jsonschema import Draft7Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from . import geo
from .domain.bangla import now_dhaka, to_ascii_digits, to_bangla_digits
from .domain.errors import FieldProblem, ValidationFailed, cut
from .domain.messages import Text

EARLIEST_DATE = date(1900, 1, 1)
YEAR_PREFIXED_DIGITS = 17  # 17-digit NIDs and birth registration numbers start with the year
UPCOMING_WINDOW = timedelta(days=366)

# --- normalisation -----------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-]")


def _mobile(text: str) -> str:
    digits = re.sub(r"[\s\-().]", "", to_ascii_digits(text))
    for prefix in ("+88", "0088", "88"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


NORMALISERS: dict[str, Callable[[str], str]] = {
    "trim": lambda text: " ".join(text.split()),
    "digits": lambda text: _SEPARATORS.sub("", to_ascii_digits(text)),
    "digits-keep-hyphen": lambda text: re.sub(r"\s", "", to_ascii_digits(text)),
    "digits-keep-colon": lambda text: re.sub(r"\s", "", to_ascii_digits(text)),
    "mobile": _mobile,
    "upper": lambda text: re.sub(r"\s", "", text).upper(),
}


_ZW_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: Bangla spells with them (র‍্যাব, ক্‌ষ)


def _is_bangla(char: str) -> bool:
    return "\u0980" <= char <= "\u09ff"


def clean_text(text: str) -> str:
    """``text`` in one Unicode form (NFC), without invisible formatting characters.

    Zero-width spaces, byte-order marks, soft hyphens and bidirectional controls are
    dropped (they make two equal names differ, or show text in another order than
    it is stored). ZWJ and ZWNJ are kept between two Bangla letters, where they
    choose a conjunct's shape, and dropped anywhere else. Control characters stay,
    for ``control_problems`` to refuse.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    last = len(text) - 1

    def joins_bangla(index: int) -> bool:
        return 0 < index < last and _is_bangla(text[index - 1]) and _is_bangla(text[index + 1])

    return "".join(
        char for index, char in enumerate(text)
        if unicodedata.category(char) != "Cf" or (char in _ZW_JOINERS and joins_bangla(index))
    )


def _has_control(text: str) -> bool:
    """A control character (not whitespace) or half of a surrogate pair."""
    return any(
        unicodedata.category(char) in ("Cc", "Cs") and not char.isspace() for char in text
    )


def normalise(value: Any, schema: dict[str, Any]) -> Any:
    """Return ``value`` cleaned up as its schema's ``x-normalise`` rules say.

    Strings are always put in one Unicode form and trimmed; numbers typed as
    Bangla-digit strings become numbers where the schema wants a number. Anything
    unexpected is returned unchanged for the validator to reject.
    """
    kind = schema.get("type")
    if isinstance(value, str):
        rule = schema.get("x-normalise", "trim")
        cleaned = NORMALISERS.get(rule, NORMALISERS["trim"])(clean_text(value))
        if kind in ("integer", "number"):
            return _as_number(cleaned, kind)
        return cleaned
    if isinstance(value, dict) and kind == "object":
        properties = schema.get("properties", {})
        return {key: normalise(item, properties.get(key, {})) for key, item in value.items()}
    if isinstance(value, list) and kind == "array":
        item_schema = schema.get("items", {})
        return [normalise(item, item_schema) for item in value]
    return value


# Only ASCII (and, before this, Bangla) digits make a number: Python's int() and float()
# would also read other scripts' digits, "NaN", "inf" and "1_000".
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _as_number(text: str, kind: str) -> Any:
    compact = to_ascii_digits(text).replace(",", "").strip()
    if not (_INTEGER if kind == "integer" else _DECIMAL).fullmatch(compact):
        return text
    if kind == "integer":
        return int(compact)
    number = float(compact)
    if not math.isfinite(number):
        return text
    return int(number) if number.is_integer() else number


# --- formats -----------------------------------------------------------------------


class FormatProblem(ValueError):
    """A format check failed; ``code`` says how (a key of ``messages.FIELD_ERRORS``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


FORMATS = FormatChecker(formats=())


def _parse_date(text: str) -> date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise FormatProblem("date")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise FormatProblem("date") from exc


def _year_prefix_plausible(digits: str, code: str) -> None:
    year = int(digits[:4])
    if not EARLIEST_DATE.year <= year <= now_dhaka().year:
        raise FormatProblem(code)


@FORMATS.checks("date", raises=FormatProblem)
def _check_date(value: object) -> bool:
    if isinstance(value, str):
        _parse_date(value)
    return True


@FORMATS.checks("bd-past-date", raises=FormatProblem)
def _check_past_date(value: object) -> bool:
    if isinstance(value, str):
        day = _parse_date(value)
        if day > now_dhaka().date():
            raise FormatProblem("future_date")
        if day < EARLIEST_DATE:
            raise FormatProblem("too_old_date")
    return True


@FORMATS.checks("bd-upcoming-date", raises=FormatProblem)
def _check_upcoming_date(value: object) -> bool:
    if isinstance(value, str):
        day = _parse_date(value)
        today = now_dhaka().date()
        if day < today:
            raise FormatProblem("past_date")
        if day > today + UPCOMING_WINDOW:
            raise FormatProblem("too_far_date")
    return True


def _year_prefixed(value: object) -> TypeGuard[str]:
    """17 ASCII digits (``str.isdigit`` alone also takes "²" and other scripts' digits)."""
    return (isinstance(value, str) and len(value) == YEAR_PREFIXED_DIGITS and value.isascii()
            and value.isdigit())


@FORMATS.checks("bd-nid", raises=FormatProblem)
def _check_nid(value: object) -> bool:
    # 17-digit numbers are the year of birth followed by the 13-digit number.
    if _year_prefixed(value):
        _year_prefix_plausible(value, "nid")
    return True


@FORMATS.checks("bd-brn", raises=FormatProblem)
def _check_brn(value: object) -> bool:
    if _year_prefixed(value):
        _year_prefix_plausible(value, "brn")
    return True


# --- the address keyword -----------------------------------------------------------


def _geo_keyword(
    validator: Any, enabled: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not enabled or not isinstance(instance, dict):
        return
    for level, code in geo.check_address(instance):
        error = ValidationError(code, validator="x-geo", validator_value=code)
        error.path.appendleft(level)
        yield error


FormSchemaValidator = validators.extend(Draft7Validator, {"x-geo": _geo_keyword})


# --- turning validator errors into field problems ----------------------------------


def _label(schema: dict[str, Any], fallback: str) -> Text:
    ui = schema.get("x-ui") or {}
    label = ui.get("label")
    if label:
        return Text(label["bn"], label["en"])
    return Text(fallback, fallback)


def _subschema(schema: dict[str, Any], path: list[str | int]) -> dict[str, Any]:
    node = schema
    for step in path:
        if isinstance(step, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(step, {})
    return node


def _join(prefix: str, path: list[str | int]) -> str:
    return ".".join([prefix, *map(str, path)]) if prefix else ".".join(map(str, path))


def _problems_of(
    error: ValidationError, root: dict[str, Any], prefix: str
) -> Iterator[FieldProblem]:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        for name in missing:
            field = _subschema(root, [*path, name])
            yield FieldProblem.of(_join(prefix, [*path, name]), "required", _label(field, name))
        return
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        for name in error.instance:
            if name not in known:
                text = Text(cut(name), cut(name))  # the caller's own key: echoed short
                yield FieldProblem.of(_join(prefix, [*path, name]), "unknown_field", text)
        return
    field = _subschema(root, path)
    label = _label(field, str(path[-1]) if path else prefix or "form")
    code, values = _code_of(error, field)
    yield FieldProblem.of(_join(prefix, path), code, label, **values)


_SIMPLE_CODES = {"enum": "enum", "const": "invalid", "type": "type", "uniqueItems": "duplicate"}
_LIMIT_CODES = {
    "maxLength": "too_long", "minLength": "too_short", "minimum": "too_small",
    "maximum": "too_large", "exclusiveMinimum": "too_small", "exclusiveMaximum": "too_large",
    "minItems": "too_few", "maxItems": "too_many",
}


def _code_of(error: ValidationError, field: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The field-error code for one validator error, and the values its message needs."""
    keyword = error.validator
    if keyword == "format":
        cause = error.cause
        return (cause.code if isinstance(cause, FormatProblem) else "invalid"), {}
    if keyword == "pattern":
        return field.get("x-problem", "pattern"), {}
    if keyword == "x-geo":
        return str(error.validator_value), {}
    if (keyword == "minLength" and error.instance == "") or (
        keyword == "const" and error.validator_value is True
    ):
        return "required", {}
    if keyword in _LIMIT_CODES:
        value = error.validator_value
        shown = int(value) if isinstance(value, float) and value.is_integer() else value
        return _LIMIT_CODES[keyword], {"limit": shown, "limit_bn": to_bangla_digits(shown)}
    return _SIMPLE_CODES.get(str(keyword), "invalid"), {}


class FormValidator:
    """Validates one (bundled) form schema and explains every problem bilingually."""

    def __init__(self, schema: dict[str, Any], *, prefix: str = "") -> None:
        # The catalog build has already checked the schema (check_schema); not again
        # on every cold start.
        self.schema = schema
        self.prefix = prefix
        self._validator = FormSchemaValidator(schema, format_checker=FORMATS)

    def problems(self, value: Any) -> list[FieldProblem]:
        """Every problem with an already-normalised value, in form order, deduplicated."""
        seen: set[tuple[str, str]] = set()
        found: list[FieldProblem] = []
        for error in self._validator.iter_errors(value):
            for problem in _problems_of(error, self.schema, self.prefix):
                if (problem.path, problem.code) not in seen:
                    seen.add((problem.path, problem.code))
                    found.append(problem)
        found += self._control_problems(value, [])
        return sorted(found, key=lambda problem: self._position(problem.path))

    def _control_problems(self, value: Any, path: list[str | int]) -> list[FieldProblem]:
        """Text anywhere in the value that carries control characters."""
        if isinstance(value, str):
            if not _has_control(value):
                return []
            label = _label(_subschema(self.schema, path), str(path[-1]) if path else "form")
            return [FieldProblem.of(_join(self.prefix, path), "control_character", label)]
        children: Any = (value.items() if isinstance(value, dict)
                         else enumerate(value) if isinstance(value, list) else ())
        return [problem for key, item in children
                for problem in self._control_problems(item, [*path, key])]

    def check(self, value: Any) -> tuple[Any, list[FieldProblem]]:
        """The normalised value and every problem with it (none: it is valid)."""
        cleaned = normalise(value, self.schema)
        return cleaned, self.problems(cleaned)

    def validate(self, value: Any) -> Any:
        """Return the normalised value, or raise ``ValidationFailed`` listing every problem."""
        cleaned, problems = self.check(value)
        if problems:
            raise ValidationFailed("validation_failed", fields=problems)
        return cleaned

    def _position(self, path: str) -> tuple[int, str]:
        steps = path[len(self.prefix) + 1 :].split(".") if self.prefix else path.split(".")
        field = self.schema.get("properties", {}).get(steps[0], {}) if steps else {}
        return (field.get("x-ui", {}).get("order", 10_000), path)
