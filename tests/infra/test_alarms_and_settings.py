"""What ops are told, and what ops can set: alarms to one topic for the failures that need a
person, and stage settings that come from chalice.json, not from code."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.agencies.registry import agency_ids
from tests.infra.conftest import ROOT, Packaged, deployed_settings
from tests.infra.template import functions, of_type, referenced


def alarms(stage: Packaged) -> list[dict[str, Any]]:
    found = of_type(stage.template, "AWS::CloudWatch::Alarm").values()
    return [alarm["Properties"] for alarm in found]


def watched(stage: Packaged, metric: str) -> set[str]:
    """The logical ids (or literal names) an alarm on ``metric`` watches."""
    found = set()
    for alarm in alarms(stage):
        if alarm.get("MetricName") == metric:
            (dimension,) = alarm["Dimensions"]
            found |= referenced(dimension["Value"]) or {dimension["Value"]}
    return found


def test_every_alarm_notifies_the_alarm_topic(stage: Packaged) -> None:
    (topic,) = of_type(stage.template, "AWS::SNS::Topic")
    for alarm in alarms(stage):
        assert alarm["AlarmActions"] == [{"Ref": topic}]
        assert alarm["OKActions"] == [{"Ref": topic}]
    # AND the alarm e-mail, when set, is subscribed to it
    (subscription,) = of_type(stage.template, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert subscription["Condition"] == "HasAlarmEmail"


def test_a_dead_letter_or_stream_failure_queue_with_any_message_alarms(stage: Packaged) -> None:
    settings = deployed_settings(stage.stage)
    queues = {
        queue["Properties"]["QueueName"]: logical_id
        for logical_id, queue in of_type(stage.template, "AWS::SQS::Queue").items()
    }
    assert watched(stage, "ApproximateNumberOfMessagesVisible") == {
        queues[settings.dead_letter_queue_name(agency)] for agency in agency_ids()
    } | {queues[settings.outbox_failures_queue_name],
         queues[settings.notifications_dead_letter_queue_name]}
    for alarm in alarms(stage):
        if alarm.get("MetricName") == "ApproximateNumberOfMessagesVisible":
            assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")


def test_every_function_alarms_on_errors_and_throttles(stage: Packaged) -> None:
    every_function = set(functions(stage.template))
    assert watched(stage, "Errors") == every_function
    assert watched(stage, "Throttles") == every_function


def test_api_5xx_rate_alarms_above_the_stage_threshold(stage: Packaged) -> None:
    (rate,) = [alarm for alarm in alarms(stage) if "Metrics" in alarm]
    metrics = {metric["Id"]: metric for metric in rate["Metrics"]}
    assert metrics["errors"]["MetricStat"]["Metric"]["MetricName"] == "5XXError"
    assert metrics["requests"]["MetricStat"]["Metric"]["MetricName"] == "Count"
    metric = metrics["errors"]["MetricStat"]["Metric"]
    dimensions = {item["Name"]: item["Value"] for item in metric["Dimensions"]}
    # THEN it watches this stage's API by the name the API really has
    body = stage.template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert dimensions == {"ApiName": body["info"]["title"], "Stage": "api"}
    assert body["info"]["title"] == deployed_settings(stage.stage).resource("api")
    assert rate["Threshold"] == {"Ref": "Api5xxAlarmPercent"}


def stage_config(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    config = json.loads((ROOT / "chalice.json").read_text(encoding="utf-8"))
    return config, config["stages"][name]


def test_stage_settings_come_from_chalice_json(stage: Packaged) -> None:
    config, settings = stage_config(stage.stage)
    template = stage.template
    # THEN memory and timeout are the stage's
    memory = settings.get("lambda_memory_size", config["lambda_memory_size"])
    for function in functions(template).values():
        assert function["Properties"]["MemorySize"] == memory
        assert function["Properties"]["Timeout"] == config["lambda_timeout"]
        assert function["Properties"]["Environment"]["Variables"]["NAGORIK_STAGE"] == stage.stage
    # AND so is log retention, on every function's log group
    groups = of_type(template, "AWS::Logs::LogGroup").values()
    assert len(groups) == len(functions(template))
    assert {group["Properties"]["RetentionInDays"] for group in groups} == {
        settings["log_retention_in_days"]
    }
    # AND every template parameter defaults to the stage's "infra" value
    infra = settings["infra"]
    defaults = {name: spec["Default"] for name, spec in template["Parameters"].items()
                if "Default" in spec}
    assert defaults.get("AlarmEmail", "") == infra["alarm_email"]
    assert defaults["AgencyMaxConcurrency"] == str(infra["agency_max_concurrency"])
    assert defaults["Api5xxAlarmPercent"] == str(infra["api_5xx_alarm_percent"])
    assert defaults["TableDeletionProtection"] == str(infra["table_deletion_protection"]).lower()
    # AND the agency workers' concurrency follows the parameter
    for function in functions(template).values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "SQS":
                scaling = event["Properties"]["ScalingConfig"]["MaximumConcurrency"]
                assert scaling == {"Ref": "AgencyMaxConcurrency"}


def test_tables_are_on_demand_recoverable_and_encrypted_with_the_stage_key(stage: Packaged) -> None:
    template = stage.template
    key_id = "DataKey"
    assert template["Resources"][key_id]["Type"] == "AWS::KMS::Key"
    assert template["Resources"][key_id]["Properties"]["EnableKeyRotation"] is True
    for table in of_type(template, "AWS::DynamoDB::Table").values():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST"
        recovery = properties["PointInTimeRecoverySpecification"]
        assert recovery == {"PointInTimeRecoveryEnabled": True}
        assert properties["SSESpecification"]["SSEType"] == "KMS"
        assert referenced(properties["SSESpecification"]["KMSMasterKeyId"]) == {key_id}
        # AND deleting the stack leaves the citizens' data in place
        assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_prod_protects_its_tables_and_keeps_logs_longest() -> None:
    config = json.loads((ROOT / "chalice.json").read_text(encoding="utf-8"))["stages"]
    assert config["prod"]["infra"]["table_deletion_protection"] is True
    assert config["prod"]["log_retention_in_days"] == max(
        stage["log_retention_in_days"] for stage in config.values()
    )


def test_the_sla_alarm_watches_the_jobs_overdue_count(stage: Packaged) -> None:
    from chalicelib.observability import NAMESPACE

    alarm = stage.template["Resources"]["OverdueApplicationsAlarm"]["Properties"]
    assert alarm["Namespace"] == NAMESPACE and alarm["MetricName"] == "OverdueApplications"
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_staging_and_prod_cannot_be_deployed_without_an_alarm_email(stage: Packaged) -> None:
    import re

    email = stage.template["Parameters"]["AlarmEmail"]
    pattern = re.compile(email["AllowedPattern"])
    if stage.stage in ("staging", "prod"):
        # THEN the deploy must give an address: no empty default, nothing but an address
        assert email.get("Default", "") != "" or "Default" not in email
        assert "Default" not in email or pattern.fullmatch(email["Default"])
        assert not pattern.fullmatch("")
        assert pattern.fullmatch("ops@example.gov.bd")
    else:
        assert pattern.fullmatch("")
