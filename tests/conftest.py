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
    """Build the catalog from schemas/ once per run, so tests never see a stale copy (it is
    rewritten only when it differs: ``make test`` runs two test processes)."""
    from devtools.catalog_build import DEFAULT_OUT, build, write

    write(build(), DEFAULT_OUT)
    return DEFAULT_OUT


# What the whole run logged, as it would be written: the platform's logger through its own
# (masking) formatter, every other logger as raw text. At the end of the run it is searched
# for anything personal or secret; one finding fails the run (see ``pytest_sessionfinish``).
PERSONAL = {
    "mobile number":
        r"(?<![0-9০-৯*])(?:\+?(?:88|৮৮))?(?:0|০)(?:1|১)[3-9৩-৯][0-9০-৯]{8}(?![0-9০-৯])",
    "NID or birth registration number":
        r"(?<![0-9০-৯*])(?:[0-9০-৯]{17}|[0-9০-৯]{13}|[0-9০-৯]{10})(?![0-9০-৯])",
    "token": r"eyJ[\w-]{10,}\.[\w-]{10,}\.",
    "sign-in code": r"(?:কোড|code)\W{0,3}[0-9০-৯]{6}(?![0-9০-৯])",
}


class LogScan:
    """A handler on the platform's logger and the root logger, kept for the whole run."""

    def __init__(self) -> None:
        import logging
        import re

        self.patterns = {what: re.compile(pattern) for what, pattern in PERSONAL.items()}
        self.findings: list[tuple[str, str]] = []
        scan = self

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                try:
                    line = self.format(record)
                except Exception:  # a record that cannot be written is not written
                    return
                scan.search(line)

        from chalicelib.observability import logger

        platform = Handler(level=logging.DEBUG)
        platform.setFormatter(logger.registered_formatter)
        logger.addHandler(platform)
        other = Handler(level=logging.DEBUG)
        other.setFormatter(logging.Formatter("%(name)s %(message)s"))
        # the platform's records reach the root too: they are searched as written, above
        other.addFilter(lambda record: not record.name.startswith(logger.name))
        logging.getLogger().addHandler(other)

    def search(self, line: str) -> None:
        for what, pattern in self.patterns.items():
            if pattern.search(line):
                self.findings.append((what, line[:160]))


def pytest_configure(config: pytest.Config) -> None:
    config.stash[LOG_SCAN] = LogScan()


LOG_SCAN = pytest.StashKey[LogScan]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when anything logged held a phone, an ID number, a code or a token."""
    scan = session.config.stash.get(LOG_SCAN, None)
    if scan is None or not scan.findings:
        return
    kinds = sorted({what for what, _ in scan.findings})
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"the run's logs hold personal data or secrets: {', '.join(kinds)}",
                            red=True)
        for what, found in scan.findings[:5]:
            # the finding's own text is masked here: the report must not leak it either
            shown = found
            for pattern in scan.patterns.values():
                shown = pattern.sub("<…>", shown)
            reporter.write_line(f"  {what}: {shown}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
