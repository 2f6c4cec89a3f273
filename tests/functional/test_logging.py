"""Logs are JSON with the correlation id and tracking id, and never show an identifier."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from chalicelib.observability import logger
from tests.helpers import example, post_json, submission

GD = "online-gd-lost-item"


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[str]]]:
    """Every line the platform's logger writes during the test."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    yield lambda: written.getvalue().splitlines()
    logger.removeHandler(handler)


def test_a_submission_is_logged_with_its_ids_and_without_identifiers(log_lines, citizen) -> None:
    form = example(GD, "valid-lost-nid")
    body = submission(GD, form, phone="01712345678")
    response = post_json(citizen, "/applications", body,
                         **{"Idempotency-Key": "log-000001", "X-Correlation-Id": "corr-123"})
    refused = post_json(citizen, "/applications",
                        {**body, "form": {**form, "date_of_birth": "2999-01-01"}},
                        **{"Idempotency-Key": "log-000002"})

    lines = log_lines()
    records = [json.loads(line) for line in lines]
    everything = "\n".join(lines)

    request_lines = [r for r in records if r.get("message") == "request"]
    assert refused.status_code == 422
    assert {r["status"] for r in request_lines} == {201, 422}
    first = next(r for r in request_lines if r["status"] == 201)
    assert first["correlation_id"] == "corr-123"
    assert first["tracking_id"] == response.json["tracking_id"]
    for secret in ("01712345678", "19901234567890123", "1234567890123"):
        assert secret not in everything
