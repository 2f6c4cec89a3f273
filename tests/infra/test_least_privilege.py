"""Least privilege: each function's role reaches only the tables, queues and parameters that
function uses, so a bug or a leaked credential in one worker cannot touch the others."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.agencies.registry import agency_ids
from chalicelib.settings import HOLIDAYS_PARAMETER
from tests.infra.conftest import Packaged, deployed_settings
from tests.infra.template import (
    as_list,
    by_property,
    function_by_handler,
    functions,
    grants,
    referenced,
    statements,
)

CONSUME = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}


class Names:
    """The logical ids of a stage's tables, queues and parameters, found by their names."""

    def __init__(self, stage: Packaged) -> None:
        self.settings = deployed_settings(stage.stage)
        template = stage.template
        self.tables = by_property(template, "AWS::DynamoDB::Table", "TableName")
        self.queues = by_property(template, "AWS::SQS::Queue", "QueueName")
        self.parameters = by_property(template, "AWS::SSM::Parameter", "Name")

    def table(self, name: str) -> str:
        return self.tables[name]

    def queue(self, agency: str) -> str:
        return self.queues[self.settings.queue_name(agency)]

    def agency_queues(self) -> set[str]:
        return {self.queue(agency) for agency in agency_ids()}

    def dead_letters(self) -> set[str]:
        return {self.queues[self.settings.dead_letter_queue_name(agency)]
                for agency in agency_ids()}

    def holidays(self) -> str:
        return self.parameters[self.settings.parameter(HOLIDAYS_PARAMETER)]


def tables_reached(grant: dict[str, set[str]]) -> set[str]:
    return {target for action, targets in grant.items() if action.startswith("dynamodb:")
            for target in targets}


def test_api_reaches_its_tables_the_secrets_it_needs_the_sms_queue_and_queue_depths(
    stage: Packaged,
) -> None:
    names = Names(stage)
    settings = names.settings
    # GIVEN the API handler's role
    grant = grants(stage.template, function_by_handler(stage.template, "app.app"))
    # THEN it reaches the application and sign-in tables, no other
    assert tables_reached(grant) == {names.table(settings.resource(suffix)) for suffix in (
        "applications", "counters", "idempotency", "outbox", "challenges", "limits",
        "sessions", "staff", "staff-phones", "callbacks", "centres", "ledger")}
    # AND it only adds outbox records (in its transactions), never reads or changes them
    outbox = names.table(settings.outbox_table)
    assert {action for action, targets in grant.items() if outbox in targets} == {
        "dynamodb:PutItem"}
    # AND the only queue it sends to is the SMS worker's (sign-in codes): moves go
    # through the outbox's stream
    assert grant["sqs:SendMessage"] == {names.queues[settings.notifications_queue_name]}
    assert CONSUME.isdisjoint(grant)
    # AND it signs access tokens with the token key, which nothing else may do
    assert grant["kms:Sign"] == {"TokenKey"}
    # AND it reads the counters (the ops figures: rows and summaries, these in batches),
    # changes them only by adding, and puts a day's summary it finds missing, never deletes
    counters = names.table(settings.counters_table)
    assert {action for action, targets in grant.items() if counters in targets} == {
        "dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
        "dynamodb:PutItem"}
    # AND it only reads the centre registry (the import writes it, with ops' own rights)
    centres = names.table(settings.resource("centres"))
    assert {action for action, targets in grant.items() if centres in targets} == {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
    # AND it adds ledger entries (in its transactions) and reads them, never changes one
    ledger = names.table(settings.resource("ledger"))
    assert {action for action, targets in grant.items() if ledger in targets} == {
        "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
    # AND of the agency queues it reads only their depths (the ops figures), every agency's
    # queue and dead-letter queue: it never receives or deletes (the outbox's stream sends)
    sqs = {action for action in grant if action.startswith("sqs:")}
    assert sqs == {"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"}
    assert grant["sqs:GetQueueAttributes"] == names.agency_queues() | names.dead_letters()
    # AND it reads the holiday list, nothing else in SSM
    assert grant["ssm:GetParameter"] == {names.holidays()}


@pytest.mark.parametrize("agency", agency_ids())
def test_each_agency_worker_consumes_only_its_own_queue(stage: Packaged, agency: str) -> None:
    names = Names(stage)
    settings = names.settings
    handler = "chalicelib.workers.dispatch.dispatch_" + agency.replace("-", "_")
    # GIVEN one agency's worker
    grant = grants(stage.template, function_by_handler(stage.template, handler))
    # THEN it receives, deletes and delays messages of its own queue only
    for action in CONSUME:
        assert grant[action] == {names.queue(agency)}, action
    # AND sends only to its own dead-letter queue (a retry is a visibility change; a
    # message it gives up on it moves there itself, with the reason)
    assert grant["sqs:SendMessage"] == {
        names.queues[settings.dead_letter_queue_name(agency)]}
    # AND reaches the applications, counters and outbox tables and its circuit (a row of
    # the limits table), not idempotency records
    assert tables_reached(grant) == {
        names.table(settings.applications_table), names.table(settings.counters_table),
        names.table(settings.outbox_table), names.table(settings.resource("limits")),
    }
    assert grant["ssm:GetParameter"] == {names.holidays()}
    # AND of the parameters ops make, its own agency's URL and secret only
    assert ssm_paths(stage.template, function_by_handler(stage.template, handler)) == {
        settings.parameter(f"agencies/{agency}/url"),
        settings.parameter(f"agencies/{agency}/secret"),
    }


def ssm_paths(template: dict, function_id: str) -> set[str]:
    """The SSM paths (made by ops, not the template) a function may read."""
    found = set()
    for statement in statements(template, function_id):
        if "ssm:GetParameter" in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                text = resource.get("Fn::Sub", "") if isinstance(resource, dict) else ""
                if text.endswith(tuple("abcdefghijklmnopqrstuvwxyz*")) and ":parameter/" in text:
                    found.add(text.split(":parameter", 1)[1])
    return found


@pytest.mark.parametrize("handler", ["forward_outbox", "sweep_outbox"])
def test_the_outbox_workers_reach_the_outbox_and_send_to_agency_queues(
    stage: Packaged, handler: str
) -> None:
    names = Names(stage)
    settings = names.settings
    function = function_by_handler(stage.template, f"chalicelib.workers.outbox.{handler}")
    grant = grants(stage.template, function)
    # THEN they reach the outbox table only, and may mark records forwarded
    assert tables_reached(grant) == {names.table(settings.outbox_table)}
    assert grant["dynamodb:UpdateItem"] == {names.table(settings.outbox_table)}
    # AND send to every agency queue (never to a dead-letter queue), consuming none
    assert grant["sqs:SendMessage"] >= names.agency_queues()
    assert CONSUME.isdisjoint(grant)
    assert "ssm:GetParameter" not in grant


def test_the_stream_handler_reads_only_the_outbox_stream_and_reports_its_failures(
    stage: Packaged,
) -> None:
    names = Names(stage)
    function = function_by_handler(stage.template, "chalicelib.workers.outbox.forward_outbox")
    grant = grants(stage.template, function)
    outbox = names.table(names.settings.outbox_table)
    assert grant["dynamodb:GetRecords"] == grant["dynamodb:GetShardIterator"] == {outbox}
    failures = names.queues[names.settings.outbox_failures_queue_name]
    notifications = names.queues[names.settings.notifications_queue_name]
    assert grant["sqs:SendMessage"] == names.agency_queues() | {failures, notifications}


def test_the_authorizer_reads_only_the_token_keys_public_half(stage: Packaged) -> None:
    function = function_by_handler(stage.template, "chalicelib.api.authorizer.authenticated")
    grant = grants(stage.template, function)
    assert {action for action in grant if not action.startswith("logs:")} == {
        "kms:GetPublicKey"}
    assert grant["kms:GetPublicKey"] == {"TokenKey"}


def test_the_sms_worker_reads_its_queue_the_applications_and_the_aggregators_settings(
    stage: Packaged,
) -> None:
    names = Names(stage)
    settings = names.settings
    handler = "chalicelib.workers.notifications.send_notifications"
    grant = grants(stage.template, function_by_handler(stage.template, handler))
    for action in CONSUME:
        assert grant[action] == {names.queues[settings.notifications_queue_name]}, action
    assert "sqs:SendMessage" not in grant
    assert tables_reached(grant) == {names.table(settings.applications_table),
                                     names.table(settings.idempotency_table)}
    assert not {"dynamodb:PutItem", "dynamodb:UpdateItem"} & {
        action for action, targets in grant.items()
        if names.table(settings.applications_table) in targets}


def test_every_function_has_a_role_of_its_own_without_wildcards(stage: Packaged) -> None:
    template = stage.template
    roles = {
        logical_id: referenced(resource["Properties"]["Role"]).pop()
        for logical_id, resource in functions(template).items()
    }
    # THEN no two functions share a role
    assert len(set(roles.values())) == len(roles)
    for function_id, resource in functions(template).items():
        name = resource["Properties"]["FunctionName"]
        for statement in statements(template, function_id):
            actions = as_list(statement["Action"])
            resources: list[Any] = as_list(statement["Resource"])
            # AND no statement grants every action of a service or every resource
            assert not any(action == "*" or action.endswith(":*") for action in actions)
            assert "*" not in resources, (function_id, statement)
            # AND none can scan or batch-write; none deletes, but the SMS worker its own
            # idempotency records (a failed send's, so the retry sends): applications are
            # never deleted by the platform, and claims expire by TTL
            assert not {"dynamodb:Scan", "dynamodb:BatchWriteItem",
                        "dynamodb:DeleteTable"} & set(actions)
            if "dynamodb:DeleteItem" in actions:
                assert name.endswith("-send_notifications")
                assert [r["Fn::GetAtt"][0] for r in resources] == ["IdempotencyTable"]
            # AND a function writes logs only to its own log group
            if "logs:PutLogEvents" in actions:
                assert all(f"/aws/lambda/{name}:" in resource["Fn::Sub"] for resource in resources)
            # AND the table key is usable only through DynamoDB; the token key only to
            # sign tokens and read its public half
            if set(actions) <= {"kms:Sign", "kms:GetPublicKey"}:
                assert [referenced(resource).pop() for resource in resources] == ["TokenKey"]
            elif any(action.startswith("kms:") for action in actions):
                assert "kms:ViaService" in statement["Condition"]["StringEquals"]


def test_functions_find_the_queues_without_looking_them_up(stage: Packaged) -> None:
    settings = deployed_settings(stage.stage)
    # GIVEN the queue URL prefix every function gets
    for function in functions(stage.template).values():
        prefix = function["Properties"]["Environment"]["Variables"]["NAGORIK_QUEUE_URL_PREFIX"]
        # THEN prefix + queue name is the URL SQS gives the stage's queues
        url = prefix["Fn::Sub"] + settings.queue_name(agency_ids()[0])
        assert url == (
            "https://sqs.${AWS::Region}.${AWS::URLSuffix}/${AWS::AccountId}/"
            + settings.queue_name(agency_ids()[0])
        )
