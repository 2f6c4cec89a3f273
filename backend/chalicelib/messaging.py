"""SQS behind a small interface: the only code that knows queues exist.

Queue names come from settings (``nagorik-<stage>-agency-<id>``); their URLs are
looked up once per process.
"""

from __future__ import annotations

import json
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
        """The URL of an agency's queue: from the configured prefix, else looked up once."""
        if agency_id not in self._urls:
            name = self.settings.queue_name(agency_id)
            if self.settings.queue_url_prefix:
                self._urls[agency_id] = self.settings.queue_url_prefix + name
            else:
                self._urls[agency_id] = client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
        return self._urls[agency_id]

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

        name = queue_arn.rsplit(":", 1)[-1]
        try:
            url = client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
            client("sqs").change_message_visibility(
                QueueUrl=url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
            )
        except (BotoCoreError, ClientError):
            pass  # the queue's own visibility timeout still delays the retry


def backoff_seconds(receive_count: int, base: int, ceiling: int) -> int:
    """Exponential backoff for the n-th delivery: base, 2*base, 4*base, ... up to ceiling."""
    return int(min(ceiling, base * 2 ** max(0, receive_count - 1)))
