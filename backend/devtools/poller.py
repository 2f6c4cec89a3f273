"""Feed SQS messages to the worker handlers exactly as Lambda's event source mapping does.

`chalice local` runs no queue handlers, so the local stack runs this instead. For each
agency queue it long-polls a batch, builds the Lambda SQS event, calls the very
handler Lambda would call (with its middleware), and then, like Lambda with
``ReportBatchItemFailures``:

* the handler raised: nothing is deleted; the whole batch comes back after the
  visibility timeout;
* it returned ``batchItemFailures``: every other message is deleted; a failure entry
  naming no message of the batch (empty, missing, unknown id) fails the whole batch;
* it returned nothing or an empty list: the whole batch is deleted.

Messages received more than the queue's ``maxReceiveCount`` times are moved to the
dead-letter queue by the queue itself (moto implements the redrive policy).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.aws import client
from chalicelib.observability import logger

BATCH_SIZE = 10
WAIT_SECONDS = 1


@dataclass
class LocalContext:
    """Enough of Lambda's context object for Powertools and the handlers."""

    function_name: str
    timeout_seconds: int = 30
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        """A plausible ARN for the local function."""
        return f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        """Always ``$LATEST`` locally."""
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        """The log group Lambda would use."""
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        """A log stream name."""
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the timeout."""
        spent = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - spent) * 1000))


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """An SQS message as Lambda's event source mapping delivers it."""
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {
            "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
            "SentTimestamp": attributes.get("SentTimestamp", "0"),
            "SenderId": attributes.get("SenderId", "local"),
            "ApproximateFirstReceiveTimestamp": attributes.get(
                "ApproximateFirstReceiveTimestamp", "0"
            ),
        },
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value.get("DataType", "String"),
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def succeeded_receipts(
    messages: list[dict[str, Any]], response: Any
) -> list[dict[str, str]]:
    """Which messages Lambda would delete, given the handler's response."""
    ids = {message["MessageId"] for message in messages}
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    if not failures:
        failed: set[str] = set()
    else:
        failed = {str(item.get("itemIdentifier") or "") for item in failures
                  if isinstance(item, dict)}
        if len(failed) != len(failures) or not failed <= ids:
            return []  # an invalid failure report fails the whole batch
    return [
        {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
        for index, message in enumerate(messages)
        if message["MessageId"] not in failed
    ]


class QueuePoller(threading.Thread):
    """Polls one queue and invokes one handler until stopped."""

    def __init__(
        self, queue_name: str, handler: Callable[[dict, Any], Any], function_name: str,
        region: str, stop: threading.Event,
    ) -> None:
        super().__init__(name=f"poll-{queue_name}", daemon=True)
        self.queue_name = queue_name
        self.handler = handler
        self.function_name = function_name
        self.region = region
        self.stop = stop
        self.invocations = 0

    def run(self) -> None:
        """Poll until the stop event is set."""
        sqs = client("sqs")
        url = sqs.get_queue_url(QueueName=self.queue_name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        while not self.stop.is_set():
            try:
                self.poll_once(sqs, url, arn)
            except Exception:  # the poller must outlive a failed call; Lambda would too
                if self.stop.is_set():
                    return
                logger.exception("local poller error", extra={"queue": self.queue_name})
                self.stop.wait(1)

    def poll_once(self, sqs: Any, url: str, arn: str) -> int:
        """Receive one batch and hand it to the handler; return how many were received."""
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=BATCH_SIZE, WaitTimeSeconds=WAIT_SECONDS,
            AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [lambda_record(message, arn, self.region) for message in messages]}
        self.invocations += 1
        try:
            response = self.handler(event, LocalContext(self.function_name))
        except Exception:
            logger.exception("worker raised: the whole batch will be retried",
                             extra={"function": self.function_name})
            return len(messages)
        entries = succeeded_receipts(messages, response)
        if entries:
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        return len(messages)


class Scheduler(threading.Thread):
    """Calls a scheduled handler every ``interval`` seconds, like an EventBridge rule."""

    def __init__(
        self, handler: Callable[[dict, Any], Any], function_name: str, interval: float,
        stop: threading.Event,
    ) -> None:
        super().__init__(name=f"schedule-{function_name}", daemon=True)
        self.handler = handler
        self.function_name = function_name
        self.interval = interval
        self.stop = stop

    def run(self) -> None:
        """Invoke until stopped."""
        while not self.stop.wait(self.interval):
            event = {
                "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                "source": "aws.events", "account": "000000000000",
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "region": "local", "resources": [], "detail": {},
            }
            try:
                self.handler(event, LocalContext(self.function_name))
            except Exception:
                logger.exception("scheduled handler failed", extra={"function": self.function_name})
