"""SQS behind a small interface: the only code that knows queues exist.

Queue names come from settings (``nagorik-<stage>-agency-<id>``); their URLs are
looked up once per process.
"""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from .aws import client
from .domain.errors import ServiceUnavailable
from .settings import Settings


class SqsAgencyQueue:
    """``AgencyQueue`` on one SQS queue per agency."""

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

    def enqueue(self, agency_id: str, message: dict[str, Any]) -> None:
        """Send a JSON message to an agency's worker."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client("sqs").send_message(
                QueueUrl=self.url(agency_id),
                MessageBody=json.dumps(message, separators=(",", ":")),
            )
        except (BotoCoreError, ClientError) as error:
            raise ServiceUnavailable("service_unavailable") from error

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
