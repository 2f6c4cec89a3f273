"""Alarms an operator acts on, all to one SNS topic (encrypted with the stage's key):

- an agency's dead-letter queue is not empty (applications stuck: see the redrive steps
  in infra/README.md);
- the outbox stream gave up on a record (the sweeper sends it within minutes; the
  alarm says the stream handler is failing);
- a function failed (Lambda ``Errors``: the handler itself crashed or timed out; records
  a worker reports back as failed are retried and end in the DLQ, which alarms);
- a function was throttled (concurrency exhausted: requests refused or delayed);
- the API answers 5xx to more than ``Api5xxAlarmPercent`` % of requests;
- the SLA job found applications past their due-by day (``OverdueApplications``).

Staging and prod require the alarm e-mail (``alarm_email_required`` in ``chalice.json``):
without an address there the template's ``AlarmEmail`` has no default, so a deploy
cannot leave alarms unheard.
"""

from __future__ import annotations

from typing import Any

from .api import api_name
from .data import DATA_KEY
from .inventory import Inventory
from .queues import STREAM_FAILURES
from .stage import StageConfig

TOPIC = "AlarmTopic"
FIVE_MINUTES = 300
SLA_PERIOD = 3600  # the SLA job runs hourly
RUNBOOK = "See infra/README.md, section Alarms."


def _alarm(name: str, description: str, **properties: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": name,
            "AlarmDescription": f"{description} {RUNBOOK}",
            "AlarmActions": [{"Ref": TOPIC}],
            "OKActions": [{"Ref": TOPIC}],
            "TreatMissingData": "notBreaching",
            **properties,
        },
    }


def _over_zero(namespace: str, metric: str, dimension: str, value: Any, stat: str) -> dict:
    return {
        "Namespace": namespace,
        "MetricName": metric,
        "Dimensions": [{"Name": dimension, "Value": value}],
        "Statistic": stat,
        "Period": FIVE_MINUTES,
        "EvaluationPeriods": 1,
        "Threshold": 0,
        "ComparisonOperator": "GreaterThanThreshold",
    }


def _api_5xx_rate(inventory: Inventory) -> dict[str, Any]:
    dimensions = [
        {"Name": "ApiName", "Value": api_name(inventory)},
        {"Name": "Stage", "Value": "api"},
    ]

    def metric(metric_id: str, name: str) -> dict[str, Any]:
        return {
            "Id": metric_id,
            "ReturnData": False,
            "MetricStat": {
                "Metric": {"Namespace": "AWS/ApiGateway", "MetricName": name,
                           "Dimensions": dimensions},
                "Period": FIVE_MINUTES,
                "Stat": "Sum",
            },
        }

    return _alarm(
        inventory.settings.resource("api-5xx-rate"),
        "The API answered 5xx to more than the allowed share of requests (percent).",
        Metrics=[
            {
                "Id": "rate",
                "Label": "API 5xx (% of requests)",
                "ReturnData": True,
                "Expression": {"Fn::Sub": (
                    "IF(requests >= ${Api5xxAlarmMinRequests}, 100 * errors / requests, 0)"
                )},
            },
            metric("errors", "5XXError"),
            metric("requests", "Count"),
        ],
        EvaluationPeriods=1,
        Threshold={"Ref": "Api5xxAlarmPercent"},
        ComparisonOperator="GreaterThanThreshold",
    )


def resources(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """The topic, its optional e-mail subscription, and the alarms."""
    from chalicelib.observability import NAMESPACE, SERVICE_NAME  # after the stage is set

    settings = inventory.settings
    found: dict[str, Any] = {
        TOPIC: {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "TopicName": settings.resource("alarms"),
                "KmsMasterKeyId": {"Ref": DATA_KEY},
                "Tags": stage.resource_tags(),
            },
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {
                "TopicArn": {"Ref": TOPIC},
                "Protocol": "email",
                "Endpoint": {"Ref": "AlarmEmail"},
            },
        },
        "Api5xxRateAlarm": _api_5xx_rate(inventory),
        "OverdueApplicationsAlarm": _alarm(
            settings.resource("overdue-applications"),
            "The SLA job found applications kept past their due-by day (see the desk and "
            "the overdue figures by agency and service).",
            **{**_over_zero(NAMESPACE, "OverdueApplications", "service", SERVICE_NAME,
                            "Maximum"), "Period": SLA_PERIOD},
        ),
    }
    for queue in inventory.queues:
        what = (f"Applications for {queue.agency_id}" if queue.agency_id else
                "SMS to citizens")
        found[queue.dead_letter_logical_id + "NotEmptyAlarm"] = _alarm(
            f"{queue.dead_letter_name}-not-empty",
            f"{what} failed every attempt and wait in {queue.dead_letter_name}.",
            **_over_zero("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
                         {"Fn::GetAtt": [queue.dead_letter_logical_id, "QueueName"]}, "Maximum"),
        )
    found["StreamFailuresQueueNotEmptyAlarm"] = _alarm(
        settings.resource("stream-failures-not-empty"),
        "The outbox stream's handler gave up on records after every retry; the sweeper "
        "sends them, but the handler is failing.",
        **_over_zero("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
                     {"Fn::GetAtt": [STREAM_FAILURES, "QueueName"]}, "Maximum"),
    )
    for function in inventory.functions:
        name = {"Ref": function.logical_id}
        label = inventory.function_name(function)
        found[function.logical_id + "ErrorsAlarm"] = _alarm(
            f"{label}-errors",
            f"Lambda function {label} failed (error or timeout).",
            **_over_zero("AWS/Lambda", "Errors", "FunctionName", name, "Sum"),
        )
        found[function.logical_id + "ThrottlesAlarm"] = _alarm(
            f"{label}-throttles",
            f"Lambda function {label} was throttled (no concurrency left).",
            **_over_zero("AWS/Lambda", "Throttles", "FunctionName", name, "Sum"),
        )
    return {"Resources": found, "Outputs": {"AlarmTopicArn": {"Value": {"Ref": TOPIC}}}}
