"""Functional tier: the API and workers through ``chalice.test.Client``, AWS mocked by moto
in-process (no ports opened)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.aws import reset_clients
from chalicelib.runtime import reset_runtime
from chalicelib.settings import get_settings, reset_settings


def reset_caches() -> None:
    """Forget every per-process object, as a fresh Lambda would."""
    from chalicelib.workers.dispatch import _queue, adapter_for

    reset_settings()
    reset_clients()
    reset_runtime()
    adapter_for.cache_clear()
    _queue.cache_clear()


@pytest.fixture
def aws() -> Iterator[None]:
    """Moto in-process with this stage's tables and queues created."""
    from devtools.resources import ensure_all

    with mock_aws():
        reset_caches()
        ensure_all(get_settings())
        yield
    reset_caches()


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    """A Chalice test client for the app."""
    from chalice.test import Client

    from app import app

    with Client(app) as test_client:
        yield test_client


@pytest.fixture
def outbox(client: Any) -> Callable[[], int]:
    """Hand everything the outbox table's stream holds to its handler, as Lambda would;
    the function returned does it and says how many batches it delivered."""
    import threading

    from app import app
    from devtools.poller import StreamPoller

    settings = get_settings()
    poller = StreamPoller(
        settings.outbox_table, app.handler_map["forward_outbox"], "forward_outbox",
        batch_size=100, failure_queue=settings.outbox_failures_queue_name,
        region=settings.region, stop=threading.Event(),
    )
    return poller.drain


def queued_messages(queue_name: str, *, delete: bool = False) -> list[dict[str, Any]]:
    """The JSON bodies waiting in a queue (made visible again unless ``delete``)."""
    import json

    import boto3

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                VisibilityTimeout=0 if not delete else 30).get("Messages", [])
    if delete:
        for message in found:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in found]


def pending_outbox() -> list[Any]:
    """Every outbox record not yet forwarded, oldest first in each bucket."""
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.outbox import PENDING_BUCKETS
    from chalicelib.store.outbox import DynamoOutboxStore

    store, found = DynamoOutboxStore(), []
    later = datetime.now(UTC) + timedelta(days=1)
    for number in range(PENDING_BUCKETS):
        found += store.pending(f"pending-{number}", created_before=later, limit=100,
                               cursor=None).items
    return found
