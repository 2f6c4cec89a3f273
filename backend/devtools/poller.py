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
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.aws import client
from chalicelib.observability import logger
from chalicelib.workers.outbox import STREAM_MAX_RETRIES  # the deploy template's value too

BATCH_SIZE = 10
LONG_POLL_SECONDS = 20  # Lambda's SQS pollers long-poll 20 s; an idle stack asks little
SHORT_POLL_SECONDS = 1  # a test calling ``poll_once`` itself


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
        sqs = client("sqs", read_timeout=LONG_POLL_SECONDS + 10)
        url = sqs.get_queue_url(QueueName=self.queue_name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        while not self.stop.is_set():
            try:
                self.poll_once(sqs, url, arn, wait_seconds=LONG_POLL_SECONDS)
            except Exception:  # the poller must outlive a failed call; Lambda would too
                if self.stop.is_set():
                    return
                logger.exception("local poller error", extra={"queue": self.queue_name})
                self.stop.wait(1)

    def poll_once(self, sqs: Any, url: str, arn: str,
                  wait_seconds: int = SHORT_POLL_SECONDS) -> int:
        """Receive one batch and hand it to the handler; return how many were received."""
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=BATCH_SIZE, WaitTimeSeconds=wait_seconds,
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


STREAM_POLL_SECONDS = 0.25  # Lambda polls a stream's shard four times a second


def stream_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A DynamoDB stream record as Lambda's event source mapping delivers it."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if hasattr(created, "timestamp"):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record.get("eventID"),
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


def first_failure(records: list[dict[str, Any]], response: Any) -> int | None:
    """Where Lambda resumes a stream batch after the handler's response: the index of the
    lowest failed sequence number, ``0`` for an invalid report, ``None`` when all succeeded."""
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    if not failures:
        return None
    numbers = [int(record["dynamodb"]["SequenceNumber"]) for record in records]
    failed = []
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or not identifier.isdigit():
            return 0  # an invalid failure report fails the whole batch
        if int(identifier) not in numbers:
            return 0
        failed.append(numbers.index(int(identifier)))
    return min(failed)


class StreamPoller(threading.Thread):
    """Reads one table's stream shard and invokes one handler, as Lambda's event source
    mapping does for the deploy template's settings.

    From ``TRIM_HORIZON``; a batch whose handler reports failures is retried from the
    first failed record (records before it are done); after a failure the batch is
    halved (``BisectBatchOnFunctionError``); a record that still fails after
    ``STREAM_MAX_RETRIES`` attempts on its own is reported to the on-failure queue and
    passed over, as Lambda does. Records it passes over are still pending in their
    table, where the sweeper finds them.
    """

    def __init__(
        self, table_name: str, handler: Callable[[dict, Any], Any], function_name: str, *,
        batch_size: int, failure_queue: str, region: str, stop: threading.Event,
    ) -> None:
        super().__init__(name=f"stream-{table_name}", daemon=True)
        self.table_name = table_name
        self.handler = handler
        self.function_name = function_name
        self.batch_size = batch_size
        self.failure_queue = failure_queue
        self.region = region
        self.stop = stop
        self.invocations = 0
        self.passed_over: list[str] = []

    def _connect(self) -> None:
        self.streams = client("dynamodbstreams")
        self.arn = self.streams.list_streams(TableName=self.table_name)["Streams"][0]["StreamArn"]
        description = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]
        self.shard_id = description["Shards"][0]["ShardId"]
        self.position: str | None = None  # the next sequence number to deliver; None: oldest
        self.size, self.attempts = self.batch_size, 0
        # The iterator the last read returned, while it still points at ``position``:
        # one call a poll instead of two, as Lambda's pollers follow NextShardIterator.
        self.next_iterator: str | None = None

    def run(self) -> None:
        """Poll until the stop event is set."""
        self._connect()
        while not self.stop.is_set():
            try:
                if not self.poll_once():
                    self.stop.wait(STREAM_POLL_SECONDS)
            except Exception:  # the poller must outlive a failed call; Lambda would too
                if self.stop.is_set():
                    return
                logger.exception("local stream poller error", extra={"table": self.table_name})
                self.stop.wait(1)

    def drain(self) -> int:
        """Deliver every record there is now (tests); return how many batches were sent."""
        if not hasattr(self, "streams"):
            self._connect()
        batches = 0
        while self.poll_once():
            batches += 1
        return batches

    def poll_once(self) -> int:
        """Deliver one batch as Lambda would; return how many records it held."""
        iterator, self.next_iterator = self.next_iterator, None
        if iterator is None:
            where = ({"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": self.position}
                     if self.position else {"ShardIteratorType": "TRIM_HORIZON"})
            iterator = self.streams.get_shard_iterator(
                StreamArn=self.arn, ShardId=self.shard_id, **where)["ShardIterator"]
        read = self.streams.get_records(ShardIterator=iterator, Limit=self.size)
        records = read["Records"]
        if not records:
            self.next_iterator = read.get("NextShardIterator")  # still at ``position``
            return 0
        if self.position is None:
            self.position = records[0]["dynamodb"]["SequenceNumber"]
        event = {"Records": [stream_record(record, self.arn, self.region) for record in records]}
        self.invocations += 1
        try:
            failed = first_failure(records, self.handler(event, LocalContext(self.function_name)))
        except Exception:
            logger.exception("stream handler raised: the batch will be retried",
                             extra={"function": self.function_name})
            failed = 0
        if failed is None:
            self.position, self.size, self.attempts = _after(records[-1]), self.batch_size, 0
            self.next_iterator = read.get("NextShardIterator")  # just after the last one
        elif failed > 0:  # the records before the first failure are done
            self.position, self.attempts = records[failed]["dynamodb"]["SequenceNumber"], 0
        else:
            self._retry(records)
        return len(records)

    def _retry(self, records: list[dict[str, Any]]) -> None:
        """The first record of the batch failed: halve the batch, retry, then pass it over."""
        self.attempts += 1
        if len(records) > 1:
            self.size = max(1, len(records) // 2)
        elif self.attempts <= STREAM_MAX_RETRIES:
            self.stop.wait(min(2.0, 0.1 * 2 ** self.attempts))
            self.size = 1
        else:
            self._pass_over(records[0])
            self.position, self.size, self.attempts = _after(records[0]), self.batch_size, 0

    def _pass_over(self, record: dict[str, Any]) -> None:
        number = record["dynamodb"]["SequenceNumber"]
        self.passed_over.append(number)
        logger.error("stream record failed every retry; sent to the on-failure queue",
                     extra={"function": self.function_name, "sequence_number": number})
        sqs = client("sqs")
        url = sqs.get_queue_url(QueueName=self.failure_queue)["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({  # Lambda's own shape
            "requestContext": {"functionArn": LocalContext(self.function_name).invoked_function_arn,
                               "condition": "RetryAttemptsExhausted",
                               "approximateInvokeCount": STREAM_MAX_RETRIES + 1},
            "DDBStreamBatchInfo": {"shardId": self.shard_id, "streamArn": self.arn, "batchSize": 1,
                                   "startSequenceNumber": number, "endSequenceNumber": number},
        }))


def _after(record: dict[str, Any]) -> str:
    return str(int(record["dynamodb"]["SequenceNumber"]) + 1)


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
