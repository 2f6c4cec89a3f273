"""Drift: the template's tables, keys, indexes, queues and parameters are exactly those the
code defines (the PynamoDB models, the agency list, the settings), and the local stack
(``devtools.resources`` against moto) creates the same ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto import mock_aws

from chalicelib.agencies.registry import agency_ids
from chalicelib.aws import client, reset_clients
from chalicelib.settings import (
    PEPPER_PARAMETER,
    RECEIPT_KEY_PARAMETER,
    SMS_KEY_PARAMETER,
    SMS_SENDER_PARAMETER,
    SMS_URL_PARAMETER,
    SSM_PARAMETERS,
    Settings,
)
from chalicelib.store import models
from tests.infra.conftest import Packaged, deployed_settings
from tests.infra.template import of_type, referenced, sqs_events


@contextmanager
def bound(settings: Settings) -> Iterator[dict[type, str]]:
    """The models bound to a stage's table names, restored afterwards."""
    saved = {
        model: (model.Meta.table_name, model.Meta.region, getattr(model.Meta, "host", None))
        for model in models.MODELS
    }
    models.bind(settings)
    try:
        yield {model: model.Meta.table_name for model in models.MODELS}
    finally:
        for model, (table_name, region, host) in saved.items():
            model.Meta.table_name, model.Meta.region, model.Meta.host = table_name, region, host
            model._connection = None


def key_set(items: list[dict[str, str]]) -> set[tuple[str, ...]]:
    return {tuple(sorted(item.items())) for item in items}


def table_shape(properties: dict[str, Any]) -> dict[str, Any]:
    """What matters of a table to the code: keys, attributes, indexes, TTL."""
    ttl = properties.get("TimeToLiveSpecification") or {}
    return {
        "keys": key_set(properties["KeySchema"]),
        "attributes": key_set(properties["AttributeDefinitions"]),
        "indexes": {
            index["IndexName"]: (
                frozenset(key_set(index["KeySchema"])), index["Projection"]["ProjectionType"]
            )
            for index in properties.get("GlobalSecondaryIndexes", [])
        },
        "ttl": ttl.get("AttributeName") if ttl.get("Enabled", True) else None,
    }


def template_tables(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        resource["Properties"]["TableName"]: table_shape(resource["Properties"])
        for resource in of_type(template, "AWS::DynamoDB::Table").values()
    }


def model_tables(settings: Settings) -> dict[str, dict[str, Any]]:
    with bound(settings) as names:
        found = {}
        for model in models.MODELS:
            schema = model._get_schema()
            found[names[model]] = table_shape({
                "KeySchema": schema["key_schema"],
                "AttributeDefinitions": schema["attribute_definitions"],
                "GlobalSecondaryIndexes": [
                    {"IndexName": index["index_name"], "KeySchema": index["key_schema"],
                     "Projection": index["projection"]}
                    for index in schema["global_secondary_indexes"]
                ],
                "TimeToLiveSpecification": (
                    {"AttributeName": models.TTL_ATTRIBUTES[model]}
                    if model in models.TTL_ATTRIBUTES else None
                ),
            })
    return found


def template_queues(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Queues by name: visibility, retention, and where their redrive goes (by name)."""
    queues = of_type(template, "AWS::SQS::Queue")
    names = {logical_id: queue["Properties"]["QueueName"] for logical_id, queue in queues.items()}
    found = {}
    for queue in queues.values():
        properties = queue["Properties"]
        redrive = properties.get("RedrivePolicy")
        found[properties["QueueName"]] = {
            "visibility": int(properties.get("VisibilityTimeout", 30)),
            "retention": int(properties.get("MessageRetentionPeriod", 345600)),
            "redrive": (
                (names[referenced(redrive["deadLetterTargetArn"]).pop()],
                 int(redrive["maxReceiveCount"]))
                if redrive else None
            ),
        }
    return found


def test_template_tables_are_exactly_the_models(stage: Packaged) -> None:
    # GIVEN the PynamoDB models bound to this stage's names
    expected = model_tables(deployed_settings(stage.stage))
    # THEN the template declares the same tables, keys, attributes, indexes and TTL
    assert template_tables(stage.template) == expected


def test_template_queues_are_a_pair_per_agency_and_the_stream_failures_queue(
    stage: Packaged,
) -> None:
    settings = deployed_settings(stage.stage)
    queues = template_queues(stage.template)
    # THEN there is a queue and a dead-letter queue for every agency, the queue the
    # outbox stream reports given-up records to, and nothing else
    expected = {settings.queue_name(agency) for agency in agency_ids()} | {
        settings.dead_letter_queue_name(agency) for agency in agency_ids()
    } | {settings.outbox_failures_queue_name, settings.notifications_queue_name,
         settings.notifications_dead_letter_queue_name}
    assert set(queues) == expected
    # AND each queue hands its poison messages to its own DLQ after the code's limit
    for agency in agency_ids():
        queue = queues[settings.queue_name(agency)]
        assert queue["redrive"] == (
            settings.dead_letter_queue_name(agency), settings.max_receive_count
        )
        assert queue["visibility"] == settings.queue_visibility_seconds
        # AND a DLQ keeps messages longer than its queue (they keep their enqueue time)
        assert queues[settings.dead_letter_queue_name(agency)]["retention"] > queue["retention"]


def test_every_agency_queue_feeds_one_worker_that_reports_partial_failures(
    stage: Packaged,
) -> None:
    settings = deployed_settings(stage.stage)
    template = stage.template
    queue_names = {
        logical_id: queue["Properties"]["QueueName"]
        for logical_id, queue in of_type(template, "AWS::SQS::Queue").items()
    }
    events = sqs_events(template)
    consumed = [queue_names[referenced(event["Queue"]).pop()] for event in events.values()]
    # THEN every agency queue and the notifications queue, and no DLQ, has exactly one worker
    assert sorted(consumed) == sorted([*(settings.queue_name(agency) for agency in agency_ids()),
                                       settings.notifications_queue_name])
    for function_id, event in events.items():
        # AND Lambda honours the worker's batchItemFailures (else a batch is all or nothing)
        assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"], function_id
        # AND a worker may not outlive its message's invisibility (SQS would redeliver it)
        timeout = template["Resources"][function_id]["Properties"]["Timeout"]
        assert timeout <= settings.queue_visibility_seconds


def test_template_parameters_are_those_the_code_reads(stage: Packaged) -> None:
    settings = deployed_settings(stage.stage)
    declared = {
        resource["Properties"]["Name"]: resource["Properties"]["Value"]
        for resource in of_type(stage.template, "AWS::SSM::Parameter").values()
    }
    assert declared == {settings.parameter(name): value for name, value in SSM_PARAMETERS.items()}


def local_tables() -> dict[str, dict[str, Any]]:
    dynamodb = client("dynamodb")
    found = {}
    for name in dynamodb.list_tables()["TableNames"]:
        table = dynamodb.describe_table(TableName=name)["Table"]
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        found[name] = table_shape({
            "KeySchema": table["KeySchema"],
            "AttributeDefinitions": table["AttributeDefinitions"],
            "GlobalSecondaryIndexes": table.get("GlobalSecondaryIndexes", []),
            "TimeToLiveSpecification": (
                {"AttributeName": ttl["AttributeName"]}
                if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") else None
            ),
        })
    return found


def local_queues() -> dict[str, dict[str, Any]]:
    sqs = client("sqs")
    found = {}
    arns = {}
    attributes_by_name = {}
    for url in sqs.list_queues().get("QueueUrls", []):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        name = url.rsplit("/", 1)[-1]
        arns[attributes["QueueArn"]] = name
        attributes_by_name[name] = attributes
    for name, attributes in attributes_by_name.items():
        redrive = json.loads(attributes["RedrivePolicy"]) if "RedrivePolicy" in attributes else None
        found[name] = {
            "visibility": int(attributes["VisibilityTimeout"]),
            "retention": int(attributes["MessageRetentionPeriod"]),
            "redrive": (
                (arns[redrive["deadLetterTargetArn"]], int(redrive["maxReceiveCount"]))
                if redrive else None
            ),
        }
    return found


def test_local_stack_creates_what_the_template_declares(stage: Packaged) -> None:
    from devtools.resources import ensure_all

    settings = deployed_settings(stage.stage)
    # GIVEN the local stack's resources for this stage, created in moto
    with mock_aws(), bound(settings):
        reset_clients()
        try:
            ensure_all(settings)
            tables, queues = local_tables(), local_queues()
            parameters = {
                parameter["Name"]: parameter["Value"]
                for parameter in client("ssm").get_parameters_by_path(
                    Path=settings.parameter("").rstrip("/"), Recursive=True
                )["Parameters"]
            }
        finally:
            reset_clients()
    # THEN they are the template's: same tables with the same keys, indexes and TTL,
    # same queues with the same visibility, retention and redrive, same parameters
    # (beside the secrets, which ops make in a deployed stage and the local stack makes
    # with stand-in values)
    assert tables == template_tables(stage.template)
    assert queues == template_queues(stage.template)
    made_by_ops = {settings.parameter(name) for name in (
        PEPPER_PARAMETER, RECEIPT_KEY_PARAMETER, SMS_KEY_PARAMETER, SMS_SENDER_PARAMETER,
        SMS_URL_PARAMETER)}
    assert made_by_ops <= set(parameters)  # the local stack makes stand-ins for them all
    parameters = {name: value for name, value in parameters.items() if name not in made_by_ops}
    assert parameters == {
        resource["Properties"]["Name"]: resource["Properties"]["Value"]
        for resource in of_type(stage.template, "AWS::SSM::Parameter").values()
    }
