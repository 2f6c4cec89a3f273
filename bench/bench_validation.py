"""Validations per second of the largest service form: the server's validator vs jsonschema.

    .venv/bin/python bench/bench_validation.py [--seconds 0.3] [--rounds 3]

Both sides validate the same bundled form schema (the catalog build's output, no
``$ref``) against the same example forms, measured side by side in one run:

* server: ``chalicelib.validation.FormValidator.validate``, what ``POST /applications``
  runs: clean-up (Bangla digits, separators), the build's generated quick check (with
  the Bangladesh format checks, the address geography and control characters) and,
  only when that refuses the form, jsonschema explaining every problem bilingually;
* jsonschema: a prebuilt ``Draft7Validator(schema)``, ``is_valid`` and
  ``iter_errors``, on the already cleaned-up form (plain draft-07 cannot clean up, and
  has no format or geography checks unless given them).

Prints the figures and the ratios; it is a measurement, never a pass/fail check.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from jsonschema import Draft7Validator  # noqa: E402

from chalicelib.domain.errors import ValidationFailed  # noqa: E402
from chalicelib.validation import FormValidator, load_quick_check, normalise  # noqa: E402
from devtools.catalog_build import build  # noqa: E402
from devtools.quick_checks import quick_check_source  # noqa: E402

EXAMPLES = ROOT / "schemas" / "examples"


def largest_form(services: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The service whose bundled form schema is biggest, and that schema."""
    service_id = max(services, key=lambda sid: len(json.dumps(services[sid]["form"])))
    return service_id, services[service_id]["form"]


def example_forms(service_id: str) -> tuple[tuple[str, Any], tuple[str, Any]]:
    """The first valid and the first invalid example of a service, by file name."""
    folder = EXAMPLES / service_id
    valid = sorted(folder.glob("valid-*.json"))[0]
    invalid = sorted(folder.glob("invalid-*.json"))[0]
    return (
        (valid.name, json.loads(valid.read_text(encoding="utf-8"))),
        (invalid.name, json.loads(invalid.read_text(encoding="utf-8"))),
    )


def rate(work: Callable[[], Any], seconds: float, rounds: int) -> float:
    """Calls per CPU second: the best of ``rounds`` runs of about ``seconds`` each.

    CPU time of this process, not wall time, so other work on the machine changes the
    figures little (both sides are measured the same way, one after the other).
    """
    clock = time.process_time
    calls = 1
    while True:  # size a batch to roughly a tenth of the budget
        start = clock()
        for _ in range(calls):
            work()
        if clock() - start >= seconds / 10:
            break
        calls *= 2
    best = 0.0
    for _ in range(rounds):
        done, start = 0, clock()
        while (elapsed := clock() - start) < seconds:
            for _ in range(calls):
                work()
            done += calls
        best = max(best, done / elapsed)
    return best


def server_validation(validator: FormValidator, form: Any) -> Callable[[], Any]:
    def validate() -> Any:
        try:
            return validator.validate(form)
        except ValidationFailed as failure:
            return failure.fields

    return validate


def all_errors(validator: Draft7Validator, instance: Any) -> list[Any]:
    """Every error jsonschema finds (``iter_errors`` is lazy: drain it)."""
    return list(validator.iter_errors(instance))


def run(seconds: float = 0.3, rounds: int = 3) -> dict[str, Any]:
    """Measure; return the figures (also usable from a wider benchmark runner)."""
    service_id, schema = largest_form(build()["services"])
    check_file = Path("/tmp") / f"nagorik-bench-{service_id}.py"
    check_file.write_text(quick_check_source(schema), encoding="utf-8")
    ours = FormValidator(schema, prefix="form", quick=load_quick_check(check_file))
    prebuilt = Draft7Validator(schema)
    results: dict[str, Any] = {"service": service_id, "schema_bytes": len(json.dumps(schema))}
    for kind, (name, form) in zip(("valid", "invalid"), example_forms(service_id), strict=True):
        cleaned = normalise(form, schema)
        problems = len(ours.problems(cleaned))
        results[kind] = {
            "example": name,
            "problems": problems,
            "server_validate": rate(server_validation(ours, form), seconds, rounds),
            "jsonschema_is_valid": rate(partial(prebuilt.is_valid, cleaned), seconds, rounds),
            "jsonschema_iter_errors": rate(partial(all_errors, prebuilt, cleaned), seconds, rounds),
        }
    return results


def report(results: dict[str, Any]) -> str:
    """The figures as a small table, with each rate as a ratio to the server's."""
    width = 60
    lines = [
        f"largest form: {results['service']} ({results['schema_bytes']:,} bytes of bundled schema)",
        f"{'example':<{width}} {'validator':<30} {'validations/s':>14} {'server/this':>12}",
    ]
    for kind in ("valid", "invalid"):
        figures = results[kind]
        server = figures["server_validate"]
        label = f"{kind}: {figures['example']} ({figures['problems']} problem(s))"
        rows = [
            ("server FormValidator.validate", server),
            ("jsonschema Draft7 is_valid", figures["jsonschema_is_valid"]),
            ("jsonschema Draft7 iter_errors", figures["jsonschema_iter_errors"]),
        ]
        for validator, per_second in rows:
            ratio = server / per_second
            lines.append(f"{label:<{width}} {validator:<30} {per_second:>14,.0f} {ratio:>12.2f}")
            label = ""
    lines.append(
        "server = clean-up + quick check (formats, geography, control characters), and for "
        "an invalid form jsonschema's bilingual explanation; jsonschema = plain draft-07 on "
        "the cleaned-up form. server/this above 1: the server does more validations per "
        "second (target >= 5x on valid forms)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=0.3, help="length of one timed round")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best counts")
    args = parser.parse_args(argv)
    print(report(run(args.seconds, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
