"""Generated requests against the running local API (schemathesis): every operation of the
published description, with no 5xx and no answer that breaks the description.

``make test`` runs at least 50 cases per operation; ``make fuzz`` sets
``NAGORIK_FUZZ_EXAMPLES=500``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tests.stack import RunningStack, running_stack

EXAMPLES = int(os.environ.get("NAGORIK_FUZZ_EXAMPLES") or 50)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.missing_required_header,
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The embedded stack of this module's own, on free ports."""
    data: Path = tmp_path_factory.mktemp("fuzz")
    with running_stack(data, NAGORIK_SIMULATOR_LATENCY_MS="0") as running:
        yield running


@pytest.fixture(scope="module")
def signed_in(stack: RunningStack) -> dict[str, str]:
    """A citizen's bearer token: the secured operations are fuzzed past the authorizer too
    (the examples' phone, so generated applications can be the caller's own)."""
    from devtools.launch import sign_in_citizen

    tokens = sign_in_citizen(stack.api, stack.web, "+8801712345678")
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def description() -> dict:
    """The description the API publishes, built from the app as the route builds it."""
    from app import app
    from chalicelib.api.openapi import describe

    return describe(app)


schema = schemathesis.openapi.from_dict(description())
# Requests that follow the description and requests that break it (wrong types, missing
# headers, out-of-range values): the second kind must be refused with a 4xx.
schema.config.generation.update(modes=list(schemathesis.GenerationMode))


def test_the_running_api_publishes_this_description(stack: RunningStack) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{stack.api}/openapi.json", timeout=30) as answer:
        assert json.loads(answer.read()) == description()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_generated_request_breaks_the_api(case: schemathesis.Case, stack: RunningStack,
                                             signed_in: dict[str, str]) -> None:
    secured = bool(case.operation.definition.raw.get("security"))
    case.call_and_validate(base_url=stack.api, checks=CHECKS,
                           headers=signed_in if secured else None)
