"""Least privilege: what each Lambda function may reach, and the overrides that give every
function its own name, role and (for workers) event source settings.

Chalice makes one role per function (``autogen_policy: false`` in ``chalice.json``) with
a baseline that only writes logs; this module replaces each role's policy with exactly
the tables, queues and parameters that function uses. A function the code adds without
an entry in ``ACCESS`` stops the build: decide what it may touch, then add it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.settings import (
    PEPPER_PARAMETER,
    RECEIPT_KEY_PARAMETER,
    SMS_KEY_PARAMETER,
    SMS_SENDER_PARAMETER,
    SMS_URL_PARAMETER,
    agency_secret_parameter,
    agency_url_parameter,
)

from .data import data_key_arn, parameter_arn, path_arn, token_key_arn
from .inventory import Function, Inventory
from .queues import dead_letter_arn, queue_arn, stream_failures_arn
from .stage import StageConfig

# DynamoDB grants, by what the code does with a table. TransactWriteItems is authorised
# per item action (Put/Update/ConditionCheck), so no function needs more than these.
TABLE_GRANTS: dict[str, tuple[str, ...]] = {
    "read": ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"),
    "write": ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"),
    "count": ("dynamodb:UpdateItem",),
    # The ops figures' summaries of a day: put (on a condition) beside the counter rows by
    # the minute job, and by a reader that finds one missing.
    "summarise": ("dynamodb:PutItem",),
    # Idempotency-Key claims: put (conditionally) in the application's transaction, read
    # back when the same key comes again. Never updated or deleted: they expire (TTL).
    "claim": ("dynamodb:GetItem", "dynamodb:PutItem"),
    # Outbox records: put in the transaction of the write they announce ...
    "append": ("dynamodb:PutItem",),
    # Powertools idempotency records of the SMS worker: it deletes the record of a send
    # that failed, so the retry sends.
    "idempotent": ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                   "dynamodb:DeleteItem"),
    # ... read back and marked forwarded by the stream handler and the sweeper.
    "forward": ("dynamodb:GetItem", "dynamodb:UpdateItem"),
}
# What Lambda's event source mapping needs of a table's stream.
STREAM_ACTIONS = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                  "dynamodb:ListStreams")

SEND_ACTIONS = ("sqs:SendMessage", "sqs:GetQueueUrl")
# Lambda's event source needs Receive/Delete/GetQueueAttributes; the worker itself
# looks up its queue's URL and changes visibility for backoff.
CONSUME_ACTIONS = (
    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
)
# The ops figures: how many messages wait (no message is read).
DEPTH_ACTIONS = ("sqs:GetQueueAttributes", "sqs:GetQueueUrl")
MAX_FUNCTION_NAME = 64
QUEUE_URL_PREFIX = {"Fn::Sub": "https://sqs.${AWS::Region}.${AWS::URLSuffix}/${AWS::AccountId}/"}
KMS_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey")


@dataclass(frozen=True)
class Access:
    """What one function may reach."""

    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)  # suffix -> grants
    send_to_agency_queues: bool = False
    send_to_notifications: bool = False
    consume_own_queue: bool = False
    consume_own_stream: bool = False  # read its table's stream, report to the failures queue
    read_queue_depths: bool = False  # ops figures: every agency queue's and DLQ's attributes
    parameters: tuple[str, ...] = ()  # names under /<app>/<stage>/ this template makes
    secrets: tuple[str, ...] = ()  # names under /<app>/<stage>/ ops make (SecureStrings)
    sign_tokens: bool = False  # kms:Sign with the token key
    own_agency_config: bool = False  # its agency's URL and secret (agencies/<id>/*)
    agency_secrets: bool = False  # every agency's secret (to verify their callbacks)
    verify_tokens: bool = False  # kms:GetPublicKey of the token key


ACCESS: dict[str, Access] = {
    # Submit (idempotent), track, decide, sign in, centres, ledgers, receipts: the tables,
    # each write's outbox record, the holiday list, the pepper and the receipt key, the
    # token key to sign with. It sends sign-in and consent codes to the SMS worker's queue
    # and nothing else: moves go through the outbox.
    # The ops figures read the counters and the queues' depths (attributes only).
    "api_handler": Access(
        tables={
            "applications": ("read", "write"),
            "counters": ("count", "read", "summarise"),
            "idempotency": ("claim",),
            "outbox": ("append",),
            "challenges": ("read", "write"),
            "limits": ("read", "write"),
            "sessions": ("read", "write"),
            "staff": ("read", "write"),
            "staff-phones": ("read",),
            "callbacks": ("claim",),
            "centres": ("read",),
            "ledger": ("append", "read"),
        },
        send_to_notifications=True,
        parameters=("holidays",),
        secrets=(PEPPER_PARAMETER, RECEIPT_KEY_PARAMETER),
        sign_tokens=True,
        read_queue_depths=True,
        agency_secrets=True,
    ),
    # The authorizer: the token key's public half, nothing else.
    "authenticated": Access(verify_tokens=True),
    # The SMS worker: its own queue, the applications it reports on, its idempotency
    # records, the aggregator's settings.
    "send_notifications": Access(
        tables={"applications": ("read",), "idempotency": ("idempotent",)},
        consume_own_queue=True,
        secrets=(SMS_URL_PARAMETER, SMS_KEY_PARAMETER, SMS_SENDER_PARAMETER),
    ),
    # An agency's worker: its own queue and dead-letter queue, the application, its
    # counters, its outbox, the agency's circuit (a row of the limits table), its own
    # agency's URL and secret.
    "dispatch_*": Access(
        tables={"applications": ("read", "write"), "counters": ("count",),
                "outbox": ("append",), "limits": ("read", "write")},
        consume_own_queue=True,
        parameters=("holidays",),
        own_agency_config=True,
    ),
    # The SLA job: pages through each agency's queue, marks the overdue, writes the
    # overdue counts (the counters' "current" rows), reads the holiday list.
    "mark_overdue": Access(
        tables={"applications": ("read", "write"), "counters": ("read", "write")},
        parameters=("holidays",),
    ),
    # The ops figures' minute job: reads the counter rows of the days not yet finished,
    # keeps their live summaries and the finished days' own (PutItem on a condition).
    "count_stats": Access(tables={"counters": ("read", "summarise")}),
    # The outbox stream's handler: reads each new record, sends it, marks it forwarded.
    "forward_outbox": Access(
        tables={"outbox": ("forward",)},
        send_to_agency_queues=True,
        send_to_notifications=True,
        consume_own_stream=True,
    ),
    # The safety net: pages through the pending index, sends, marks forwarded.
    "sweep_outbox": Access(
        tables={"outbox": ("read", "forward")},
        send_to_agency_queues=True,
        send_to_notifications=True,
    ),
}


def _stream_settings() -> tuple[int, int]:
    from chalicelib.workers.outbox import STREAM_MAX_RECORD_AGE_SECONDS, STREAM_MAX_RETRIES

    return STREAM_MAX_RETRIES, STREAM_MAX_RECORD_AGE_SECONDS


def access_for(function: Function) -> Access:
    """The access declared for ``function``; ``KeyError`` if there is none."""
    if function.name in ACCESS:
        return ACCESS[function.name]
    if function.kind == "sqs" and function.name.startswith("dispatch_"):
        return ACCESS["dispatch_*"]
    raise KeyError(
        f"no access declared for Lambda function {function.name!r}: add what it may reach "
        "to ACCESS in infra/cfn/functions.py"
    )


def _table_statements(inventory: Inventory, access: Access) -> list[dict[str, Any]]:
    statements = []
    for suffix, grants in sorted(access.tables.items()):
        table = inventory.table(suffix)
        actions = sorted({action for grant in grants for action in TABLE_GRANTS[grant]})
        arn = {"Fn::GetAtt": [table.logical_id, "Arn"]}
        resources: list[Any] = [arn]
        if table.global_secondary_indexes and "dynamodb:Query" in actions:
            resources.append({"Fn::Sub": "${" + table.logical_id + ".Arn}/index/*"})
        statements.append({
            "Sid": f"{table.logical_id}{''.join(g.title() for g in grants)}",
            "Effect": "Allow",
            "Action": actions,
            "Resource": resources,
        })
    return statements


def _agency_statements(inventory: Inventory, function: Function,
                       access: Access) -> list[dict[str, Any]]:
    """An agency worker's own dead-letter queue, and the SSM parameters a function reads."""
    statements = []
    if access.consume_own_queue and access.own_agency_config:
        queue = inventory.queue_of(function)
        statements.append({
            "Sid": "MoveToOwnDeadLetterQueue",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": dead_letter_arn(queue),
        })
    secrets = [path_arn(inventory.settings.parameter(name)) for name in access.secrets]
    if access.own_agency_config:
        agency_id = function.name.removeprefix("dispatch_").replace("_", "-")
        secrets += [path_arn(inventory.settings.parameter(agency_url_parameter(agency_id))),
                    path_arn(inventory.settings.parameter(agency_secret_parameter(agency_id)))]
    if access.agency_secrets:
        secrets.append(path_arn(inventory.settings.parameter(agency_secret_parameter("*"))))
    if access.parameters or secrets:
        statements.append({
            "Sid": "ReadParameters",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter"],
            "Resource": [
                parameter_arn(inventory.settings.parameter(parameter))
                for parameter in access.parameters
            ] + secrets,
        })
    return statements


def policy_document(inventory: Inventory, function: Function) -> dict[str, Any]:
    """The IAM policy of ``function``'s role."""
    access = access_for(function)
    name = inventory.function_name(function)
    statements: list[dict[str, Any]] = [{
        "Sid": "OwnLogs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": {
            "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
                       f":log-group:/aws/lambda/{name}:*"
        },
    }]
    statements += _table_statements(inventory, access)
    if access.tables:
        statements.append({
            "Sid": "TableKeyThroughDynamoDb",
            "Effect": "Allow",
            "Action": list(KMS_ACTIONS),
            "Resource": data_key_arn(),
            "Condition": {"StringEquals": {
                "kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}
            }},
        })
    if access.send_to_agency_queues:
        statements.append({
            "Sid": "SendToAgencyQueues",
            "Effect": "Allow",
            "Action": list(SEND_ACTIONS),
            "Resource": [queue_arn(queue) for queue in inventory.agency_queues],
        })
    if access.send_to_notifications:
        statements.append({
            "Sid": "SendToNotifications",
            "Effect": "Allow",
            "Action": list(SEND_ACTIONS),
            "Resource": queue_arn(inventory.notifications),
        })
    if access.sign_tokens or access.verify_tokens:
        actions = (["kms:Sign"] if access.sign_tokens else []) + (
            ["kms:GetPublicKey"] if access.verify_tokens or access.sign_tokens else [])
        statements.append({
            "Sid": "TokenKey", "Effect": "Allow", "Action": actions,
            "Resource": token_key_arn(),
        })
    if access.read_queue_depths:
        statements.append({
            "Sid": "ReadQueueDepths",
            "Effect": "Allow",
            "Action": list(DEPTH_ACTIONS),
            "Resource": [arn for queue in inventory.agency_queues
                         for arn in (queue_arn(queue), dead_letter_arn(queue))],
        })
    if access.consume_own_queue:
        statements.append({
            "Sid": "ConsumeOwnQueue",
            "Effect": "Allow",
            "Action": list(CONSUME_ACTIONS),
            "Resource": queue_arn(inventory.queue_of(function)),
        })
    if access.consume_own_stream:
        table = inventory.table(function.table or "")
        statements.append({
            "Sid": "ConsumeOwnStream",
            "Effect": "Allow",
            "Action": list(STREAM_ACTIONS),
            "Resource": {"Fn::GetAtt": [table.logical_id, "StreamArn"]},
        })
        statements.append({
            "Sid": "ReportGivenUpStreamBatches",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": stream_failures_arn(),
        })
    statements += _agency_statements(inventory, function, access)
    return {"Version": "2012-10-17", "Statement": statements}


def resources(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """Overrides of Chalice's functions and roles: names, policies, SQS event settings."""
    found: dict[str, Any] = {}
    for function in inventory.functions:
        name = inventory.function_name(function)
        if len(name) > MAX_FUNCTION_NAME:
            raise ValueError(f"{name} is longer than Lambda's {MAX_FUNCTION_NAME} characters")
        found[function.role_logical_id] = {
            "Properties": {
                "Policies": [{
                    "PolicyName": f"{function.role_logical_id}Access",
                    "PolicyDocument": policy_document(inventory, function),
                }],
                "Tags": stage.resource_tags(),
            }
        }
        properties: dict[str, Any] = {
            "FunctionName": name,
            # The queues' URLs without a GetQueueUrl call on each cold start.
            "Environment": {"Variables": {"NAGORIK_QUEUE_URL_PREFIX": QUEUE_URL_PREFIX}},
        }
        if function.kind == "sqs":
            queue = inventory.queue_of(function)
            properties["Events"] = {
                function.event_logical_id: {
                    "Properties": {
                        # A reference, not Chalice's ARN string: the event source then
                        # waits for the queue it reads. (Chalice's value is an Fn::Sub,
                        # and the merge is deep: only Fn::Sub's string can be replaced.)
                        "Queue": {"Fn::Sub": "${" + queue.logical_id + ".Arn}"},
                        # Without it Lambda ignores batchItemFailures and retries (or
                        # deletes) the whole batch.
                        "FunctionResponseTypes": ["ReportBatchItemFailures"],
                        "ScalingConfig": {
                            "MaximumConcurrency": {"Ref": "AgencyMaxConcurrency"}
                        },
                    }
                }
            }
        if function.kind == "stream":
            table = inventory.table(function.table or "")
            retries, record_age = _stream_settings()
            properties["Events"] = {
                function.event_logical_id: {
                    "Properties": {
                        # The stream's ARN carries its creation time: by reference.
                        "Stream": {"Fn::GetAtt": [table.logical_id, "StreamArn"]},
                        "StartingPosition": "TRIM_HORIZON",
                        # Chalice sets none of these: without them one bad record
                        # blocks its shard for a day, retried as a whole batch.
                        "FunctionResponseTypes": ["ReportBatchItemFailures"],
                        "BisectBatchOnFunctionError": True,
                        "MaximumRetryAttempts": retries,
                        "MaximumRecordAgeInSeconds": record_age,
                        "DestinationConfig": {"OnFailure": {
                            "Type": "SQS", "Destination": stream_failures_arn()}},
                    }
                }
            }
        # The log group by its literal name, made before the function, so the first
        # invocation already logs with the stage's retention (Chalice's name refers to
        # the function, and for the API handler to a resource that is not there:
        # ${ApiHandler}).
        found[function.logical_id] = {
            "DependsOn": [function.log_group_logical_id], "Properties": properties,
        }
        found[function.log_group_logical_id] = {
            # Logs go with the stack; a stack made again must be able to make them again.
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {"LogGroupName": f"/aws/lambda/{name}", "Tags": stage.resource_tags()}
        }
    return {"Resources": found}
