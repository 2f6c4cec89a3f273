"""Metrics (CloudWatch embedded metric format, one JSON line each): the few dimensions ops
chart by, so the bill stays bounded: by service and by agency, never by district or person."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.observability import NAMESPACE, count_by
from chalicelib.runtime import runtime
from chalicelib.workers import dispatch
from tests.functional.test_workers import FlakyAgency, sqs_event, submit
from tests.helpers import post_json


def emitted(text: str) -> list[dict[str, Any]]:
    """Every metric the EMF lines printed make: name, dimensions, value."""
    found = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        for directive in record.get("_aws", {}).get("CloudWatchMetrics", []):
            # CloudWatch makes one metric of each dimension set a document lists
            for metric in directive["Metrics"]:
                for names in directive["Dimensions"]:
                    dimensions = {name: record[name] for name in names}
                    value = record[metric["Name"]]
                    found.append({"namespace": directive["Namespace"], "name": metric["Name"],
                                  "dimensions": dimensions,
                                  "value": sum(value) if isinstance(value, list) else value})
    return found


def named(found: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [metric for metric in found if metric["name"] == name]


def test_a_submission_and_a_decision_are_counted_by_service_and_by_agency(
        client, citizen, police_officer, capsys) -> None:
    tracking_id = submit(citizen, "metrics-0001")
    runtime().applications.dispatch(tracking_id, FlakyAgency(set()))
    post_json(police_officer, f"/applications/{tracking_id}/decisions", {"decision": "approve"})
    found = emitted(capsys.readouterr().out)
    for name in ("Submitted", "Decided"):
        assert [metric["dimensions"] for metric in named(found, name)] == [
            {"service": "nagorik-sheba", "ServiceId": "online-gd-lost-item"},
            {"service": "nagorik-sheba", "Agency": "police"},
        ], name
        assert all(metric["namespace"] == NAMESPACE for metric in named(found, name))


def test_a_worker_batch_reports_its_size_failures_and_the_agency_latency(
        client, citizen, monkeypatch, capsys) -> None:
    ok, failing = submit(citizen, "metrics-0002"), submit(citizen, "metrics-0003")
    agency = FlakyAgency({failing})
    monkeypatch.setattr(dispatch, "adapter_for", lambda agency_id: agency)
    capsys.readouterr()
    event = sqs_event(client, [json.dumps({"tracking_id": ok}),
                               json.dumps({"tracking_id": failing})])
    dispatch.handle_batch(event, None)
    found = emitted(capsys.readouterr().out)
    police = {"service": "nagorik-sheba", "Agency": "police"}
    assert [(m["dimensions"], m["value"]) for m in named(found, "BatchSize")] == [(police, 2)]
    assert [(m["dimensions"], m["value"]) for m in named(found, "DispatchFailed")] == [
        (police, 1)]
    latencies = named(found, "AgencyLatency")
    assert len(latencies) == 2 and all(m["dimensions"] == police for m in latencies)


def test_sign_in_attempts_and_lockouts_are_counted(client, capsys) -> None:
    body = {"phone": "01900000099", "password": "not-the-password"}
    for _ in range(2):
        post_json(client, "/auth/login", body)
    found = emitted(capsys.readouterr().out)
    assert [m["dimensions"]["Kind"] for m in named(found, "SignInAttempts")] == [
        "password", "password"]


def test_only_the_chosen_dimensions_exist() -> None:
    with pytest.raises(ValueError, match="District"):
        count_by("Submitted", District="47")
