"""The ops dashboard in every stage's template: API latency and 5xx, each agency's queue age
and dead-letter depth, worker errors, overdue, and the platform's own metrics."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.agencies.registry import agency_ids
from chalicelib.observability import DIMENSIONS, NAMESPACE
from tests.infra.conftest import Packaged, deployed_settings
from tests.infra.template import functions, of_type


def dashboard(stage: Packaged) -> tuple[str, dict[str, Any]]:
    (resource,) = of_type(stage.template, "AWS::CloudWatch::Dashboard").values()
    body = resource["Properties"]["DashboardBody"]["Fn::Sub"]
    assert "${" not in body.replace("${AWS::Region}", "")  # nothing else to substitute
    return resource["Properties"]["DashboardName"], json.loads(
        body.replace("${AWS::Region}", "ap-south-1"))


def metrics_of(body: dict[str, Any], title_part: str) -> list[list[Any]]:
    (widget,) = [w for w in body["widgets"] if title_part in w["properties"]["title"]]
    return widget["properties"]["metrics"]


def dimension_values(metrics: list[list[Any]], dimension: str) -> set[str]:
    return {metric[metric.index(dimension) + 1] for metric in metrics}


def test_the_dashboard_shows_what_ops_watch_for_every_agency(stage: Packaged) -> None:
    settings = deployed_settings(stage.stage)
    name, body = dashboard(stage)
    assert name == f"nagorik-{stage.stage}-ops"
    # THEN the API's latency and 5xx are there, for this stage's API
    for title in ("API latency", "API errors"):
        assert dimension_values(metrics_of(body, title), "ApiName") == {
            f"nagorik-{stage.stage}-api"}
    # AND every agency's queue age and dead-letter depth, and the SMS queue's
    assert dimension_values(metrics_of(body, "Oldest message"), "QueueName") == {
        settings.queue_name(agency) for agency in agency_ids()} | {
        settings.notifications_queue_name}
    assert dimension_values(metrics_of(body, "Dead-letter"), "QueueName") == {
        settings.dead_letter_queue_name(agency) for agency in agency_ids()} | {
        settings.notifications_dead_letter_queue_name}
    # AND every worker's errors (each function of the template but the API's)
    workers = {resource["Properties"]["FunctionName"]
               for resource in functions(stage.template).values()
               if resource["Properties"]["Handler"] != "app.app"}
    assert dimension_values(metrics_of(body, "Worker errors"), "FunctionName") == workers
    # AND overdue applications per agency, from the platform's own namespace
    overdue = metrics_of(body, "Overdue")
    assert {metric[0] for metric in overdue} == {NAMESPACE}
    assert dimension_values(overdue, "Agency") == set(agency_ids())


def test_the_platform_metrics_use_only_the_few_chosen_dimensions(stage: Packaged) -> None:
    _, body = dashboard(stage)
    for widget in body["widgets"]:
        for metric in widget["properties"]["metrics"]:
            if metric[0] != NAMESPACE:
                continue
            names = [item for item in metric[2::2] if isinstance(item, str)]
            assert set(names) - {"service"} <= set(DIMENSIONS), metric
