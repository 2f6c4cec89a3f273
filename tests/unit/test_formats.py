"""The shared format cases (schemas/examples/formats.json), run against the server's rules.

The web app runs the same file against its own implementation.
"""

from __future__ import annotations

import json

import pytest

from chalicelib.validation import NORMALISERS, FormValidator
from tests.helpers import EXAMPLES, ROOT

CASES = json.loads((EXAMPLES / "formats.json").read_text(encoding="utf-8"))
DEFS = json.loads((ROOT / "schemas" / "defs" / "bd.json").read_text(encoding="utf-8"))[
    "definitions"
]


@pytest.mark.parametrize(
    "case", CASES["normalise"], ids=lambda case: f"{case['rule']}:{case['input']}"
)
def test_normalise(case: dict) -> None:
    assert NORMALISERS[case["rule"]](case["input"]) == case["output"]


@pytest.mark.parametrize(
    "case", CASES["formats"], ids=lambda case: f"{case['def']}:{case['value']}"
)
def test_format(case: dict) -> None:
    schema = {
        "type": "object",
        "properties": {
            "value": {**DEFS[case["def"]], "x-ui": {"label": {"bn": "মান", "en": "Value"}}},
        },
    }
    problems = FormValidator(schema).problems({"value": case["value"]})
    codes = [problem.code for problem in problems]
    if case["problem"] is None:
        assert codes == []
    else:
        assert codes == [case["problem"]]


@pytest.mark.parametrize("case", CASES["text"], ids=lambda case: case["why"])
def test_every_string_is_cleaned_up_first(case: dict) -> None:
    from chalicelib.validation import clean_text

    assert clean_text(case["input"]) == case["output"]


@pytest.mark.parametrize("case", CASES["numbers"], ids=lambda case: case["input"])
def test_typed_numbers_are_read_from_ascii_and_bangla_digits_only(case: dict) -> None:
    from chalicelib.validation import normalise

    read = normalise(case["input"], {"type": case["kind"]})
    assert read == case["output"]
    assert type(read) is type(case["output"])


def test_the_format_character_class_is_exactly_unicodes_format_characters() -> None:
    import sys
    import unicodedata

    from chalicelib.validation import FORMAT_CHARACTERS

    for code_point in range(sys.maxunicode + 1):
        char = chr(code_point)
        assert (FORMAT_CHARACTERS.match(char) is not None) == (
            unicodedata.category(char) == "Cf"), hex(code_point)
