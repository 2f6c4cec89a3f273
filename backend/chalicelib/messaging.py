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

from .aws import client
from .domain.errors import ServiceUnavailable
from .domain.outbox import AGENCY, NOTIFICATIONS, OutboxMessage
from .domain.stats import QueueDepth
from .settings import Settings

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


def backoff_seconds(receive_count: int, base: int, ceiling: int) -> int:
    """Exponential backoff for the n-th delivery: base, 2*base, 4*base, ... up to ceiling."""
    return int(min(ceiling, base * 2 ** max(0, receive_count - 1)))
