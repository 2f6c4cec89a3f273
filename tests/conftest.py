"""Shared test set-up: a fresh catalog build, safe AWS defaults, tier markers by folder.

Tiers (see DESIGN.md): unit (no network), functional (chalice.test.Client + moto
in-process), integration (the embedded stack over loopback HTTP), browser (the web
app in Debian's Chromium), infra (templates). Each test gets its tier's marker from
the folder it lives in.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devtools import embedded_aws

# Every test's moto (in process or server) keeps DynamoDB's and SQS's promises under
# concurrency, as the embedded stack's does (see devtools/embedded_aws.py).
embedded_aws.install()

ROOT = Path(__file__).resolve().parents[1]
TIERS = ("unit", "functional", "integration", "browser", "infra")

# No test ever reaches real AWS: fake credentials, a fixed region, no endpoint leak.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="ap-south-1",
    AWS_REGION="ap-south-1",
    NAGORIK_SIMULATOR_LATENCY_MS="0",
    POWERTOOLS_METRICS_NAMESPACE="NagorikShebaTests",
    # botocore sends some DynamoDB Streams calls to account-based hosts
    # (<account>.streams-ddb.<region>.amazonaws.com), which in-process moto does not
    # intercept; the local stack is unaffected (it names its endpoint).
    AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with the tier of its folder."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
        if parts and parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))


@pytest.fixture(scope="session", autouse=True)
def catalog_built() -> Path:
    """Build the catalog from schemas/ once per run, so tests never see a stale copy."""
    from devtools.catalog_build import DEFAULT_OUT, build, write

    write(build(), DEFAULT_OUT)
    return DEFAULT_OUT
