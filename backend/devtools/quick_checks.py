"""Generate each schema's quick check: Python code that only says whether a value is valid.

fastjsonschema turns a draft-07 schema into a plain Python function, about ten times
faster than jsonschema's validator, and the build ships one per form in
``chalicelib/schemas/checks/``. Two changes make the generated code fit for a Lambda
cold start:

* it carries its own exception class instead of importing fastjsonschema (about 40 ms
  of imports; nothing else of the package is used);
* its exceptions carry no message, value or schema: fastjsonschema embeds the whole
  schema in every ``raise`` (about 200 KB for the largest form, compiled on every cold
  start because Lambda cannot write a bytecode cache). The server explains problems
  with jsonschema anyway; the quick check only decides whether that is needed.

Formats are called through ``custom_formats`` (``validation.QUICK_FORMATS``), the same
checks jsonschema uses; ``x-geo``, ``x-geo-area`` and control characters are checked beside it.
"""

from __future__ import annotations

import ast
from typing import Any

import fastjsonschema

from chalicelib.validation import FORMAT_CHECKS

EXCEPTIONS = ("JsonSchemaValueException", "JsonSchemaValuesException")
HEADER = '''"""A quick check the catalog build generated from a bundled schema: do not edit.

See backend/devtools/quick_checks.py.
"""


class JsonSchemaValueException(ValueError):
    """The value is not valid (the server's jsonschema validator says why)."""


JsonSchemaValuesException = JsonSchemaValueException

'''


class _Slim(ast.NodeTransformer):
    """Drop the fastjsonschema import and the payload of every raised exception."""

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        return None if node.module == "fastjsonschema" else node

    def visit_Call(self, node: ast.Call) -> Any:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in EXCEPTIONS:
            return ast.Call(func=ast.Name("JsonSchemaValueException", ast.Load()),
                            args=[], keywords=[])
        return node


def quick_check_source(schema: dict[str, Any]) -> str:
    """The Python source of ``validate(data, custom_formats)`` for ``schema``."""
    code = fastjsonschema.compile_to_code(
        schema,
        # Placeholders: the generated code calls custom_formats[name](value) at run time.
        formats={name: _placeholder for name in FORMAT_CHECKS},
        use_default=False,  # never fill in defaults: the body is stored as sent
    )
    tree = ast.fix_missing_locations(_Slim().visit(ast.parse(code)))
    return HEADER + ast.unparse(tree) + "\n"


def _placeholder(value: object) -> bool:
    return True
