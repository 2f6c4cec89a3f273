"""SQS behind a small interface: the only code that knows queues exist.

Queue names come from settings (``nagorik-<stage>-agency-<id>``); their URLs come from
the configured prefix or are looked up once per process. Only workers send: the
request path writes outbox records instead (see ``domain.outbox``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .aws import client
from .domain.errors import ServiceUnavailable
from .domain.outbox import AGENCY, NOTIFICATIONS, OutboxMessage
from .settings import Settings

if TYPE_CHECKING:
    from .domain.stats import QueueDepth

DEPTH_THREADS = 8


class SqsQueues:
    """``MessageQueues`` on SQS: one queue per agency."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._urls: dict[str, str] = {}

    def url(self, agency_id: str) -> str:
        """The URL of an agency's queue."""
        return self._url_of(self.settings.queue_name(agency_id))

    def _url_of(self, name: str) -> str:
        """A queue's URL: from the configured prefix, else looked up once."""
        if name not in self._urls:
            if self.settings.queue_url_prefix:
                self._urls[name] = self.settings.queue_url_prefix + name
            else:
                self._urls[name] = client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
        return self._urls[name]

    def queue_name_of(self, message: OutboxMessage) -> str:
        """The queue an outbox message goes to."""
        if message.queue == AGENCY and message.agency_id:
            return self.settings.queue_name(message.agency_id)
        if message.queue == NOTIFICATIONS:
            return self.settings.notifications_queue_name
        raise ValueError(f"no queue {message.queue!r} for an outbox message")

    def send_code(self, phone: str, code: str, purpose: str) -> None:
        """Queue a sign-in or consent code for the SMS worker (``CodeSender``).

        Codes do not go through the outbox table: they are kept nowhere in the clear
        but in this message, which the SMS worker deletes once sent.
        """
        self.send(OutboxMessage(NOTIFICATIONS, {"kind": "code", "phone": phone, "code": code,
                                                "purpose": purpose}))

    def send(self, message: OutboxMessage) -> None:
        """Send an outbox message as JSON; ``ServiceUnavailable`` if SQS cannot take it now."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client("sqs").send_message(
                QueueUrl=self._url_of(self.queue_name_of(message)),
                MessageBody=json.dumps(message.body, separators=(",", ":"), ensure_ascii=False),
            )
        except (BotoCoreError, ClientError) as error:
            raise ServiceUnavailable("service_unavailable") from error

    def depths(self, agency_ids: Iterable[str]) -> list[QueueDepth]:
        """Each agency's queue depth (waiting, in flight) and dead-letter depth, read
        side by side; a queue that cannot be read now has ``None`` figures."""
        from .domain.stats import QueueDepth  # the ops figures' alone: not a sender's import

        ids = list(agency_ids)
        with ThreadPoolExecutor(max_workers=DEPTH_THREADS) as pool:
            queues = list(pool.map(self._attributes, [self.settings.queue_name(a) for a in ids]))
            dead = list(pool.map(self._attributes,
                                 [self.settings.dead_letter_queue_name(a) for a in ids]))
        return [
            QueueDepth(agency, queue.get("ApproximateNumberOfMessages"),
                       queue.get("ApproximateNumberOfMessagesNotVisible"),
                       letters.get("ApproximateNumberOfMessages"))
            for agency, queue, letters in zip(ids, queues, dead, strict=True)
        ]

    def _attributes(self, name: str) -> dict[str, int | None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            found = client("sqs").get_queue_attributes(
                QueueUrl=self._url_of(name),
                AttributeNames=["ApproximateNumberOfMessages",
                                "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
        except (BotoCoreError, ClientError):
            return {}
        return {key: int(value) for key, value in found.items()}

    def retry_later(self, queue_arn: str, receipt_handle: str, seconds: int) -> None:
        """Hide a failed message for ``seconds`` before it is delivered again (backoff)."""
        from botocore.exceptions import BotoCoreError, ClientError

        # If this fails, the queue's own visibility timeout still delays the retry.
        with suppress(BotoCoreError, ClientError):
            client("sqs").change_message_visibility(
                QueueUrl=self._url_of(queue_arn.rsplit(":", 1)[-1]),
                ReceiptHandle=receipt_handle,
                VisibilityTimeout=seconds,
            )


    def to_dead_letters(self, agency_id: str, body: str, *, reason: str, first_failed_at: str,
                        receive_count: int) -> None:
        """Put a message an agency's worker gave up on in its dead-letter queue, with why and
        since when (message attributes); ``ServiceUnavailable`` if SQS cannot take it."""
        from botocore.exceptions import BotoCoreError, ClientError

        attributes = {
            "reason": reason[:256] or "unknown",
            "first_failed_at": first_failed_at,
            "receive_count": str(receive_count),
        }
        try:
            client("sqs").send_message(
                QueueUrl=self._url_of(self.settings.dead_letter_queue_name(agency_id)),
                MessageBody=body,
                MessageAttributes={name: {"DataType": "String", "StringValue": value}
                                   for name, value in attributes.items()},
            )
        except (BotoCoreError, ClientError) as error:
            raise ServiceUnavailable("service_unavailable") from error

    def dead_letters(self, agency_id: str, *, limit: int = 1000) -> list[DeadLetter]:
        """The messages in an agency's dead-letter queue (each is hidden for a short while
        as it is read, then visible again)."""
        sqs = client("sqs")
        url = self._url_of(self.settings.dead_letter_queue_name(agency_id))
        found: dict[str, DeadLetter] = {}
        for _ in range(limit // 10 + 1):
            batch = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=LIST_HIDE_SECONDS,
                MessageAttributeNames=["All"], AttributeNames=["All"],
            ).get("Messages", [])
            fresh = [m for m in batch if m["MessageId"] not in found]
            if not fresh:
                break
            for message in fresh:
                found[message["MessageId"]] = DeadLetter.of(agency_id, message)
            if len(found) >= limit:
                break
        for letter in found.values():  # visible again for the next reader
            with suppress(Exception):
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=letter.receipt_handle,
                                              VisibilityTimeout=0)
        return list(found.values())

    def redrive(self, letter: DeadLetter) -> None:
        """Send a dead letter back to its agency's queue (a new message: its receive count
        starts again), then delete it from the dead-letter queue."""
        sqs = client("sqs")
        sqs.send_message(QueueUrl=self.url(letter.agency_id), MessageBody=letter.body)
        sqs.delete_message(
            QueueUrl=self._url_of(self.settings.dead_letter_queue_name(letter.agency_id)),
            ReceiptHandle=letter.receipt_handle)


LIST_HIDE_SECONDS = 30


@dataclass(frozen=True)
class DeadLetter:
    """A message in an agency's dead-letter queue, with what the worker said of it."""

    agency_id: str
    message_id: str
    receipt_handle: str
    body: str
    tracking_id: str | None
    reason: str | None
    first_failed_at: str | None
    receive_count: int | None

    @classmethod
    def of(cls, agency_id: str, message: dict[str, Any]) -> DeadLetter:
        """From an SQS message as ``receive_message`` returns it."""
        attributes = {name: value.get("StringValue")
                      for name, value in (message.get("MessageAttributes") or {}).items()}
        try:
            parsed = json.loads(message["Body"])
        except ValueError:
            parsed = None
        tracking_id = parsed.get("tracking_id") if isinstance(parsed, dict) else None
        system = message.get("Attributes") or {}
        first = attributes.get("first_failed_at")
        if first is None and system.get("SentTimestamp"):  # moved by the receive limit
            first = datetime.fromtimestamp(int(system["SentTimestamp"]) / 1000, UTC).isoformat()
        count = attributes.get("receive_count")
        return cls(agency_id, message["MessageId"], message["ReceiptHandle"], message["Body"],
                   tracking_id if isinstance(tracking_id, str) else None,
                   attributes.get("reason") or ("receive limit" if first else None), first,
                   int(count) if count and count.isdigit() else None)


def backoff_seconds(receive_count: int, base: int, ceiling: int) -> int:
    """Exponential backoff for the n-th delivery: base, 2*base, 4*base, ... up to ceiling."""
    return int(min(ceiling, base * 2 ** max(0, receive_count - 1)))
