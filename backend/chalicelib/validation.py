"""Form validation: normalise, validate against the service's schema, explain every problem.

The schemas are JSON Schema draft-07 (bundled by the catalog build, so they carry no
``$ref``). On top of the standard keywords this adds:

* ``x-normalise``: a clean-up applied before validating (Bangla digits to ASCII,
  separators dropped, mobile prefixes removed). The web app applies the same rules
  (``pwa/src/validate.js``) and both are tested against ``schemas/examples/formats.json``.
* ``format`` checkers for Bangladesh: ``bd-nid``, ``bd-brn``, ``bd-past-date``,
  ``bd-upcoming-date`` and a strict ``date``.
* ``x-geo``: an address's division/district/upazila/union must nest; ``x-geo-area``:
  an id that must exist at that level (a district on its own).
* ``x-rules`` (form level): cross-field rules, checked after the schema
  (``domain/conditions.py``).

Every failure becomes a ``FieldProblem`` with a dotted path, a code and a bilingual
message that names the field by its own label; all problems are reported at once.

Two validators check the same bundled schema. The quick one is Python the catalog
build generated from it with fastjsonschema (``chalicelib/schemas/checks/``): it only
says whether a body is valid, about ten times faster than jsonschema, and is what the
common case (a valid submission) runs. Only when it refuses a body is jsonschema loaded
(about 160 ms of a cold start saved) to explain every problem; its verdict is the one
that counts, so the two cannot disagree in a citizen's disfavour.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from . import geo
from .domain.bangla import now_dhaka, to_ascii_digits, to_bangla_digits
from .domain.conditions import cross_field_problems
from .domain.errors import FieldProblem, ValidationFailed, cut
from .domain.messages import Text

if TYPE_CHECKING:  # jsonschema is imported only to explain an invalid body
    from jsonschema.exceptions import ValidationError

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
    "keep": lambda text: text,  # as typed (a password: its spaces are part of it)
}


_ZW_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: Bangla spells with them (র‍্যাব, ক্‌ষ)


def _is_bangla(char: str) -> bool:
    return "\u0980" <= char <= "\u09ff"


# Unicode's format characters (category Cf, Unicode 15.1 as Python 3.13 ships it),
# as one character class: a search is much faster than asking unicodedata about each
# character. tests/unit/test_formats.py checks it against unicodedata.
FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def clean_text(text: str) -> str:
    """``text`` in one Unicode form (NFC), without invisible formatting characters.

    Zero-width spaces, byte-order marks, soft hyphens and bidirectional controls are
    dropped (they make two equal names differ, or show text in another order than
    it is stored). ZWJ and ZWNJ are kept between two Bangla letters, where they
    choose a conjunct's shape, and dropped anywhere else. Control characters stay,
    for the validator to refuse.
    """
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if FORMAT_CHARACTERS.search(text) is None:
        return text
    last = len(text) - 1

    def kept(index: int, char: str) -> bool:
        if not FORMAT_CHARACTERS.match(char):
            return True
        return (char in _ZW_JOINERS and 0 < index < last and _is_bangla(text[index - 1])
                and _is_bangla(text[index + 1]))

    return "".join(char for index, char in enumerate(text) if kept(index, char))


# Control characters that are not whitespace (Unicode category Cc, less what
# ``str.isspace`` takes), and halves of surrogate pairs (Cs).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")


def _has_control(text: str) -> bool:
    """A control character (not whitespace) or half of a surrogate pair."""
    return _CONTROL.search(text) is not None


Normaliser = Callable[[Any, list[str]], Any]


def normaliser(schema: dict[str, Any]) -> Normaliser:
    """The clean-up of ``schema``'s values as one function, built once per schema.

    Strings are always put in one Unicode form and trimmed, then cleaned up as the
    schema's ``x-normalise`` rule says; numbers typed as Bangla-digit strings become
    numbers where the schema wants a number. Anything unexpected is returned unchanged
    for the validator to reject. Text that still carries control characters is noted
    in ``control`` (the validator refuses it), so the quick path needs no second walk.
    """
    kind = schema.get("type")
    rule = NORMALISERS.get(schema.get("x-normalise", "trim"), NORMALISERS["trim"])
    numeric = kind if kind in ("integer", "number") else None

    def text(value: str, control: list[str]) -> Any:
        cleaned = rule(clean_text(value))
        if _CONTROL.search(cleaned):
            control.append(cleaned)
        return _as_number(cleaned, numeric) if numeric else cleaned

    if kind == "object":
        fields = {name: normaliser(spec) for name, spec in
                  (schema.get("properties") or {}).items() if isinstance(spec, dict)}.get

        def clean_object(value: Any, control: list[str]) -> Any:
            if isinstance(value, dict):
                return {key: fields(key, _plain)(item, control) for key, item in value.items()}
            return text(value, control) if isinstance(value, str) else value

        return clean_object
    if kind == "array":
        rows = normaliser(schema["items"]) if isinstance(schema.get("items"), dict) else _plain

        def clean_list(value: Any, control: list[str]) -> Any:
            if isinstance(value, list):
                return [rows(item, control) for item in value]
            return text(value, control) if isinstance(value, str) else value

        return clean_list

    def clean_scalar(value: Any, control: list[str]) -> Any:
        return text(value, control) if isinstance(value, str) else value

    return clean_scalar


def _plain(value: Any, control: list[str]) -> Any:
    """A value the schema says nothing about (an unknown field, or what an open object
    holds): strings trimmed, anything else as it is, its text looked at for control
    characters."""
    if isinstance(value, str):
        cleaned = NORMALISERS["trim"](clean_text(value))
        if _CONTROL.search(cleaned):
            control.append(cleaned)
        return cleaned
    pending = [value]
    while pending:  # no recursion: nesting depth is the HTTP layer's to bound
        node = pending.pop()
        for item in (node.values() if isinstance(node, dict)
                     else node if isinstance(node, list) else ()):
            if isinstance(item, str):
                if _CONTROL.search(item):
                    control.append(item)
            elif isinstance(item, (dict, list)):
                pending.append(item)
    return value


def normalise(value: Any, schema: dict[str, Any]) -> Any:
    """Return ``value`` cleaned up as its schema says (see ``normaliser``)."""
    return normaliser(schema)(value, [])


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


def _check_date(value: str) -> None:
    _parse_date(value)


def _check_past_date(value: str) -> None:
    day = _parse_date(value)
    if day > now_dhaka().date():
        raise FormatProblem("future_date")
    if day < EARLIEST_DATE:
        raise FormatProblem("too_old_date")


def _check_upcoming_date(value: str) -> None:
    day = _parse_date(value)
    today = now_dhaka().date()
    if day < today:
        raise FormatProblem("past_date")
    if day > today + UPCOMING_WINDOW:
        raise FormatProblem("too_far_date")


def _year_prefixed(value: object) -> TypeGuard[str]:
    """17 ASCII digits (``str.isdigit`` alone also takes "²" and other scripts' digits)."""
    return (isinstance(value, str) and len(value) == YEAR_PREFIXED_DIGITS and value.isascii()
            and value.isdigit())


def _check_nid(value: str) -> None:
    # 17-digit numbers are the year of birth followed by the 13-digit number.
    if _year_prefixed(value):
        _year_prefix_plausible(value, "nid")


def _check_brn(value: str) -> None:
    if _year_prefixed(value):
        _year_prefix_plausible(value, "brn")


# The formats the schemas may name: each raises ``FormatProblem`` for a string that is
# not one (values of other types are the ``type`` keyword's business).
FORMAT_CHECKS: dict[str, Callable[[str], None]] = {
    "date": _check_date,
    "bd-past-date": _check_past_date,
    "bd-upcoming-date": _check_upcoming_date,
    "bd-nid": _check_nid,
    "bd-brn": _check_brn,
}


def _passes(check: Callable[[str], None]) -> Callable[[object], bool]:
    def passes(value: object) -> bool:
        if not isinstance(value, str):
            return True
        try:
            check(value)
        except FormatProblem:
            return False
        return True

    return passes


# What the quick checks call for each format.
QUICK_FORMATS: dict[str, Callable[[object], bool]] = {
    name: _passes(check) for name, check in FORMAT_CHECKS.items()
}


@cache
def format_checker() -> Any:
    """The formats as a jsonschema ``FormatChecker`` (jsonschema loaded on first use)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name, raises=FormatProblem)(_passes_or_raises(check))
    return checker


def _passes_or_raises(check: Callable[[str], None]) -> Callable[[object], bool]:
    def conforms(value: object) -> bool:
        if isinstance(value, str):
            check(value)
        return True

    return conforms


# --- the address keyword -----------------------------------------------------------


def _geo_keyword(
    validator: Any, enabled: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if not enabled or not isinstance(instance, dict):
        return
    for level, code in geo.check_address(instance):
        error = ValidationError(code, validator="x-geo", validator_value=code)
        error.path.appendleft(level)
        yield error


def _geo_area_keyword(
    validator: Any, level: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """``x-geo-area: district``: the id must be a district (a birthplace, not an address)."""
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and level in geo.LEVELS and geo.find(level, instance) is None:
        yield ValidationError("geo_unknown", validator="x-geo-area", validator_value="geo_unknown")


@cache
def form_schema_validator() -> Any:
    """Draft-07 with the address keyword: the validator class that explains problems."""
    from jsonschema import Draft7Validator, validators

    return validators.extend(
        Draft7Validator, {"x-geo": _geo_keyword, "x-geo-area": _geo_area_keyword})


def geo_paths(schema: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where the schema puts addresses (``x-geo``): property names, ``*`` for a list's rows."""
    found = [path] if schema.get("x-geo") else []
    for name, spec in (schema.get("properties") or {}).items():
        if isinstance(spec, dict):
            found += geo_paths(spec, (*path, name))
    if isinstance(schema.get("items"), dict):
        found += geo_paths(schema["items"], (*path, "*"))
    return found


def _at(value: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """Every value found at ``path`` (``*`` walks each row of a list)."""
    if not path:
        yield value
    elif path[0] == "*":
        for item in value if isinstance(value, list) else ():
            yield from _at(item, path[1:])
    elif isinstance(value, dict) and path[0] in value:
        yield from _at(value[path[0]], path[1:])


def _geo_clear(paths: list[tuple[str, ...]], value: Any) -> bool:
    """Whether every address in the value nests, for the quick path."""
    return not any(isinstance(address, dict) and geo.check_address(address)
                   for path in paths for address in _at(value, path))


def area_paths(schema: dict[str, Any], path: tuple[str, ...] = ()) -> list[
        tuple[tuple[str, ...], str]]:
    """Where the schema puts a lone area id (``x-geo-area``), with its level."""
    level = schema.get("x-geo-area")
    found = [(path, level)] if isinstance(level, str) else []
    for name, spec in (schema.get("properties") or {}).items():
        if isinstance(spec, dict):
            found += area_paths(spec, (*path, name))
    if isinstance(schema.get("items"), dict):
        found += area_paths(schema["items"], (*path, "*"))
    return found


def _areas_clear(paths: list[tuple[tuple[str, ...], str]], value: Any) -> bool:
    """Whether every lone area id in the value exists, for the quick path."""
    return not any(isinstance(area, str) and geo.find(level, area) is None
                   for path, level in paths for area in _at(value, path))


QuickCheck = Callable[..., Any]


def load_quick_check(path: Path) -> QuickCheck | None:
    """The generated ``validate`` function in ``path``, or ``None`` if it was not built."""
    import importlib.util

    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"nagorik_check_{path.stem}", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check: QuickCheck = module.validate
    return check


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
            code = _tick_code(field) if field.get("const") is True else "required"
            yield FieldProblem.of(_join(prefix, [*path, name]), code, _label(field, name))
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


def _tick_code(field: dict[str, Any]) -> str:
    """The problem of a box that must be ticked and is not: its own (the declaration's), or
    ``must_tick``."""
    return str(field.get("x-problem", "must_tick"))


def _named_code(error: ValidationError, field: dict[str, Any]) -> str | None:
    """The code of an error that depends on its cause or its field, not the keyword alone."""
    keyword = error.validator
    if keyword == "format":
        return error.cause.code if isinstance(error.cause, FormatProblem) else "invalid"
    if keyword == "pattern":
        return str(field.get("x-problem", "pattern"))
    if keyword in ("x-geo", "x-geo-area"):
        return str(error.validator_value)
    if keyword == "const" and error.validator_value is True:
        return _tick_code(field)
    if keyword == "minLength" and error.instance == "":
        return "required"
    return None


def _code_of(error: ValidationError, field: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The field-error code for one validator error, and the values its message needs."""
    named = _named_code(error, field)
    if named is not None:
        return named, {}
    keyword = error.validator
    if keyword in _LIMIT_CODES:
        value = error.validator_value
        shown = int(value) if isinstance(value, float) and value.is_integer() else value
        return _LIMIT_CODES[keyword], {"limit": shown, "limit_bn": to_bangla_digits(shown)}
    return _SIMPLE_CODES.get(str(keyword), "invalid"), {}


class FormValidator:
    """Validates one (bundled) form schema and explains every problem bilingually."""

    def __init__(self, schema: dict[str, Any], *, prefix: str = "",
                 quick: QuickCheck | None = None) -> None:
        # The catalog build has already checked the schema (check_schema); not again
        # on every cold start.
        self.schema = schema
        self.prefix = prefix
        self.quick = quick
        self._normalise = normaliser(schema)
        self._addresses = geo_paths(schema)
        self._areas = area_paths(schema)
        self._full: Any = None

    @property
    def _validator(self) -> Any:
        if self._full is None:
            self._full = form_schema_validator()(self.schema, format_checker=format_checker())
        return self._full

    def quickly_valid(self, value: Any) -> bool:
        """Whether the quick check finds nothing wrong with a normalised value whose text
        has no control characters (``False`` without a quick check)."""
        if self.quick is None:
            return False
        try:
            self.quick(value, custom_formats=QUICK_FORMATS)
        except ValueError:  # the generated code's JsonSchemaValueException
            return False
        return _geo_clear(self._addresses, value) and _areas_clear(self._areas, value)

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
        cleaned, controlled = self.clean(value)
        quick = not controlled and self.quickly_valid(cleaned)
        problems = [] if quick else self.problems(cleaned)
        if self.schema.get("x-rules"):  # the form's cross-field rules, a pass of their own
            problems += cross_field_problems(self.schema, cleaned, on=now_dhaka().date(),
                                             prefix=self.prefix, known=problems)
        return cleaned, problems

    def clean(self, value: Any) -> tuple[Any, bool]:
        """The normalised value, and whether some text in it has control characters."""
        control: list[str] = []
        return self._normalise(value, control), bool(control)

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
