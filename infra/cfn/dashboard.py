"""The stage's CloudWatch dashboard, ``nagorik-<stage>``: what ops look at first.

API latency and 5xx, each agency queue's oldest message and dead-letter depth, worker
errors, overdue applications, and the platform's own metrics (``observability.count_by``:
submitted and decided by agency, agency latency, sign-in attempts and lockouts). Every
queue and worker comes from the code's agency list, like the queues themselves.
"""

from __future__ import annotations

import json
from typing import Any

from .api import api_name
from .inventory import Inventory
from .stage import StageConfig

DASHBOARD = "OpsDashboard"
WIDTH, HEIGHT = 12, 6
PERIOD = 300


def _namespace_and_service() -> tuple[str, str]:
    from chalicelib.observability import NAMESPACE, SERVICE_NAME

    return NAMESPACE, SERVICE_NAME


def _widget(title: str, metrics: list[list[Any]], *, stat: str = "Sum",
            view: str = "timeSeries", stacked: bool = False) -> dict[str, Any]:
    return {"type": "metric", "width": WIDTH, "height": HEIGHT, "properties": {
        "title": title, "region": "${AWS::Region}", "metrics": metrics, "stat": stat,
        "period": PERIOD, "view": view, "stacked": stacked}}


def widgets(inventory: Inventory) -> list[dict[str, Any]]:
    """The dashboard's widgets, in reading order (two a row)."""
    namespace, service = _namespace_and_service()
    api = ["ApiName", api_name(inventory), "Stage", "api"]
    agencies = [queue.agency_id for queue in inventory.agency_queues]
    workers = [function for function in inventory.functions if function.kind != "api"]

    def own(metric: str, dimension: str, key: str, **options: Any) -> list[Any]:
        return [namespace, metric, dimension, key, "service", service,
                *([options] if options else [])]

    return [
        _widget("API latency (ms)", [
            ["AWS/ApiGateway", "Latency", *api, {"stat": "p50", "label": "p50"}],
            ["AWS/ApiGateway", "Latency", *api, {"stat": "p99", "label": "p99"}],
        ], stat="p50"),
        _widget("API errors (5xx) and requests", [
            ["AWS/ApiGateway", "5XXError", *api, {"label": "5xx"}],
            ["AWS/ApiGateway", "Count", *api, {"label": "requests", "yAxis": "right"}],
        ]),
        _widget("Oldest message waiting, per agency queue and the SMS queue (s)", [
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue.name,
             {"label": queue.agency_id or queue.purpose}] for queue in inventory.queues
        ], stat="Maximum"),
        _widget("Dead-letter queue depth, per agency and SMS", [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
             queue.dead_letter_name, {"label": queue.agency_id or queue.purpose}]
            for queue in inventory.queues
        ], stat="Maximum"),
        _widget("Worker errors (crashes and timeouts)", [
            ["AWS/Lambda", "Errors", "FunctionName", inventory.function_name(function),
             {"label": function.name}] for function in workers
        ]),
        _widget("Overdue applications, per agency", [
            own("Overdue", "Agency", agency, label=agency) for agency in agencies
        ], stat="Maximum"),
        _widget("Applications submitted, per agency", [
            own("Submitted", "Agency", agency, label=agency) for agency in agencies
        ], stacked=True),
        _widget("Decisions, per agency", [
            own("Decided", "Agency", agency, label=agency) for agency in agencies
        ], stacked=True),
        _widget("Agency latency p90, per agency (ms)", [
            own("AgencyLatency", "Agency", agency, label=agency) for agency in agencies
        ], stat="p90"),
        _widget("Dispatch failures, per agency", [
            own("DispatchFailed", "Agency", agency, label=agency) for agency in agencies
        ]),
        _widget("Sign-in attempts and lockouts", [
            own("SignInAttempts", "Kind", "password", label="password attempts"),
            own("SignInAttempts", "Kind", "code", label="code attempts"),
            own("SignInLockouts", "Kind", "password", label="password lockouts"),
            own("SignInLockouts", "Kind", "code", label="code lockouts"),
        ]),
        _widget("Worker batch size, per agency", [
            own("BatchSize", "Agency", agency, label=agency) for agency in agencies
        ], stat="Average"),
    ]


def resources(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """The dashboard (its body a JSON string, the region filled in by CloudFormation)."""
    body = json.dumps({"widgets": widgets(inventory)}, separators=(",", ":"))
    name = inventory.settings.resource("ops")
    return {
        "Resources": {DASHBOARD: {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": name, "DashboardBody": {"Fn::Sub": body}},
        }},
        "Outputs": {"OpsDashboardName": {"Value": {"Ref": DASHBOARD}}},
    }
