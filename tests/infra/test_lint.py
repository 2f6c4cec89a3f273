"""cfn-lint on every stage's packaged template: what CloudFormation would refuse, or warn
about, is found here rather than half-way through a deploy."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import cfnlint

from tests.infra.conftest import STAGES, Packaged
from tests.infra.template import functions

# The Lambda runtime's lifecycle (deprecated, no new functions, no updates) is checked by
# the test below with the same cfn-lint data, so that its message says what to change.
RUNTIME_LIFECYCLE_RULES = ("E2531", "E2533", "W2531")
LIFECYCLE = Path(cfnlint.__file__).parent / "data" / "AdditionalSpecs" / "LmbdRuntimeLifecycle.json"


def test_cfn_lint_finds_no_error_and_no_warning(stage: Packaged) -> None:
    # GIVEN the stage's packaged template WHEN cfn-lint reads it (SAM transform included)
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [str(cfn_lint), "--format", "parseable", "--regions", "ap-south-1",
         "--ignore-checks", *RUNTIME_LIFECYCLE_RULES, "--", str(stage.sam)],
        capture_output=True, text=True, check=False, timeout=300,
    )
    # THEN it reports nothing at all (exit 0: no error, no warning)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_lambda_runtime_still_accepts_new_and_updated_functions(
    packaged: Callable[[str], Packaged],
) -> None:
    # GIVEN the runtimes the functions are packaged for (Chalice uses the build's Python,
    # the same for every stage)
    lifecycle = json.loads(LIFECYCLE.read_text(encoding="utf-8"))
    runtimes = {
        resource["Properties"]["Runtime"]
        for stage in STAGES for resource in functions(packaged(stage).template).values()
    }
    today = date.today().isoformat()
    # THEN Lambda still supports it today: not deprecated, so deploys and updates work
    retired = {
        runtime: lifecycle[runtime] for runtime in runtimes
        if runtime in lifecycle and lifecycle[runtime]["deprecated"] <= today
    }
    assert not retired, (
        f"Lambda runtime {sorted(retired)} is past its end of support "
        f"({retired}): AWS refuses new functions after 'create-block' and any update after "
        "'update-block'. Build with a supported Python (chalice package uses the "
        "interpreter it runs on: the Makefile's PYTHON and pyproject's requires-python)."
    )
