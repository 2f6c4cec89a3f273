"""One SQS queue and one dead-letter queue per agency (from the agency list) and for the SMS
worker, and the queue where stream event sources report the records they gave up on."""

from __future__ import annotations

from typing import Any

from .inventory import Inventory, QueuePair
from .stage import StageConfig

# A message waits at most this long in an agency's queue (SQS default: 4 days) ...
QUEUE_RETENTION_SECONDS = 4 * 24 * 3600
# ... and in its dead-letter queue the most SQS allows. A message keeps its first
# enqueue time when it moves to a standard DLQ, so the DLQ must keep it longer than
# the queue did or poison messages would expire before anyone saw them.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600
# Applications live in DynamoDB; a queue holds only their pending dispatch. Deleting the
# stack deletes the queues, but an update that replaces a queue keeps the old one (and
# its messages) for ops to drain.
QUEUE_POLICIES = {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain"}


STREAM_FAILURES = "StreamFailuresQueue"


def queue_arn(queue: QueuePair) -> dict[str, Any]:
    """A work queue's ARN."""
    return {"Fn::GetAtt": [queue.logical_id, "Arn"]}


def dead_letter_arn(queue: QueuePair) -> dict[str, Any]:
    """The dead-letter queue's ARN of a queue pair."""
    return {"Fn::GetAtt": [queue.dead_letter_logical_id, "Arn"]}


def stream_failures_arn() -> dict[str, Any]:
    """The ARN of the stream event sources' on-failure destination."""
    return {"Fn::GetAtt": [STREAM_FAILURES, "Arn"]}


def resources(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """Every agency's queue pair, with the redrive policy the code's settings give."""
    settings = inventory.settings
    if settings.queue_visibility_seconds < stage.lambda_timeout:
        raise ValueError(
            f"queue visibility ({settings.queue_visibility_seconds}s) is shorter than the "
            f"worker timeout ({stage.lambda_timeout}s): Lambda refuses such an event source"
        )
    found: dict[str, Any] = {
        # What Lambda says of a stream batch it gave up on (shard and sequence numbers;
        # the records themselves stay pending in their table for the sweeper).
        STREAM_FAILURES: {
            "Type": "AWS::SQS::Queue",
            **QUEUE_POLICIES,
            "Properties": {
                "QueueName": inventory.stream_failures_queue,
                "MessageRetentionPeriod": DEAD_LETTER_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True,
                "Tags": stage.resource_tags(),
            },
        },
    }
    outputs: dict[str, Any] = {STREAM_FAILURES + "Url": {"Value": {"Ref": STREAM_FAILURES}}}
    for queue in inventory.queues:
        found[queue.dead_letter_logical_id] = {
            "Type": "AWS::SQS::Queue",
            **QUEUE_POLICIES,
            "Properties": {
                "QueueName": queue.dead_letter_name,
                "MessageRetentionPeriod": DEAD_LETTER_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True,
                "Tags": stage.resource_tags(),
            },
        }
        found[queue.logical_id] = {
            "Type": "AWS::SQS::Queue",
            **QUEUE_POLICIES,
            "Properties": {
                "QueueName": queue.name,
                "VisibilityTimeout": settings.queue_visibility_seconds,
                "MessageRetentionPeriod": QUEUE_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [queue.dead_letter_logical_id, "Arn"]},
                    "maxReceiveCount": settings.max_receive_count,
                },
                "Tags": stage.resource_tags(),
            },
        }
        outputs[queue.dead_letter_logical_id + "Url"] = {
            "Value": {"Ref": queue.dead_letter_logical_id}
        }
    return {"Resources": found, "Outputs": outputs}
