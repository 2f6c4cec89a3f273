"""Agency workers: one SQS consumer per agency, registered from the agency list.

Each batch goes through Powertools' ``BatchProcessor``: records that fail are the only
ones reported back (``batchItemFailures``), so Lambda deletes the rest. A record
fails when the agency cannot take it now (it comes back later, with exponential
backoff set on its visibility) or when it can never be processed (it comes back
until the queue's receive limit moves it to the dead-letter queue, where it stays
until redriven). The handler is idempotent by state: an application already past
``queued`` is left alone, so a redelivered message does nothing twice.
"""

from __future__ import annotations

import json
import time
from contextlib import suppress
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from ..agencies.adapter import AgencyAdapter
from ..agencies.registry import agencies, get_agency
from ..agencies.simulator import SimulatedAgency
from ..domain.errors import AgencyError, ConcurrentUpdate, PoisonMessage
from ..messaging import SqsQueues, backoff_seconds
from ..observability import count_by, logger, metrics
from ..runtime import runtime
from ..settings import get_settings

if TYPE_CHECKING:  # the batch utilities import asyncio: load them in workers only
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

worker_routes = Blueprint(__name__)
BATCH_SIZE = 10


@cache
def adapter_for(agency_id: str) -> AgencyAdapter:
    """The adapter that reaches an agency (one per process)."""
    settings = get_settings()
    agency = get_agency(agency_id)
    if agency is None or agency.adapter != "simulator" or not settings.allow_simulator:
        # Only the simulator is wired so far; an agency whose adapter is not available
        # fails retryably, so its applications wait in the queue (and then the DLQ,
        # which alarms) instead of being dropped.
        raise AgencyError(f"no adapter available for {agency_id}", retryable=True)
    return SimulatedAgency(
        agency_id,
        latency_ms=settings.simulator_latency_ms,
        failure_rate=settings.simulator_failure_rate,
    )


@cache
def _queue() -> SqsQueues:
    """The queues, with their URLs remembered for the life of the process."""
    return SqsQueues(get_settings())


class Timed:
    """An adapter whose every call to the agency is timed (``AgencyLatency`` by agency)."""

    def __init__(self, adapter: AgencyAdapter, agency_id: str) -> None:
        self.adapter = adapter
        self.agency_id = agency_id

    def forward(self, application: Any) -> Any:
        """The adapter's receipt; the time it took is recorded, failed or not."""
        started = time.perf_counter()
        try:
            return self.adapter.forward(application)
        finally:
            count_by("AgencyLatency", (time.perf_counter() - started) * 1000,
                     unit="Milliseconds", Agency=self.agency_id)


def _tracking_id_of(record: SQSRecord) -> str:
    try:
        message = json.loads(record.body)
    except (TypeError, ValueError):
        raise PoisonMessage("message body is not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("tracking_id"), str):
        raise PoisonMessage("message has no tracking_id")
    return message["tracking_id"]


def _agency_of(queue_arn: str | None) -> str:
    """The agency whose queue an ARN names."""
    return (queue_arn or "").rsplit(":", 1)[-1].removeprefix(get_settings().resource("agency-"))


def process_record(record: SQSRecord) -> None:
    """Dispatch one message; raise to report it failed."""
    settings = get_settings()
    agency_id = _agency_of(record.event_source_arn)
    try:
        tracking_id = _tracking_id_of(record)
        logger.thread_safe_append_keys(tracking_id=tracking_id, message_id=record.message_id)
        runtime().applications.dispatch(tracking_id, Timed(adapter_for(agency_id), agency_id))
        metrics.add_metric(name="Dispatched", unit="Count", value=1)
    except AgencyError as error:
        receives = int(record.attributes.approximate_receive_count or 1)
        delay = backoff_seconds(receives, settings.retry_base_seconds, settings.retry_max_seconds)
        logger.warning(
            "agency unavailable, retrying later",
            extra={"retry_in_seconds": delay, "receive_count": receives, "error": str(error)},
        )
        if error.retryable:
            _queue().retry_later(
                record.event_source_arn, record.receipt_handle, delay
            )
        with suppress(Exception):  # the note helps ops; the retry must not depend on it
            runtime().applications.note_dispatch_failure(tracking_id, str(error), receives)
        metrics.add_metric(name="DispatchFailed", unit="Count", value=1)
        count_by("DispatchFailed", Agency=agency_id)
        raise
    except PoisonMessage as error:
        logger.error("unprocessable message; it will reach the dead-letter queue",
                     extra={"error": str(error)})
        metrics.add_metric(name="PoisonMessages", unit="Count", value=1)
        count_by("DispatchFailed", Agency=agency_id)
        # No point waiting between attempts: let it reach the receive limit promptly.
        _queue().retry_later(record.event_source_arn, record.receipt_handle, 0)
        raise
    except ConcurrentUpdate:
        # Someone else moved the application meanwhile (a cancellation, or the API
        # marking it queued): look again shortly rather than after the full timeout.
        _queue().retry_later(record.event_source_arn, record.receipt_handle, 1)
        raise
    finally:
        logger.thread_safe_remove_keys(["tracking_id", "message_id"])


def handle_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A Lambda SQS batch in, ``{"batchItemFailures": [...]}`` out."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    records = event.get("Records") or []
    if records:
        count_by("BatchSize", len(records), Agency=_agency_of(records[0].get("eventSourceARN")))
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=event, record_handler=process_record, processor=processor, context=context
    )
    return dict(response)


def _register(agency_id: str) -> None:
    name = "dispatch_" + agency_id.replace("-", "_")

    def consume(event: Any) -> dict[str, Any]:
        return handle_batch(event.to_dict(), getattr(event, "context", None))

    consume.__name__ = consume.__qualname__ = name
    consume.__doc__ = f"Forward {agency_id}'s queued applications to it."
    globals()[name] = consume  # Lambda imports the handler by module and name
    worker_routes.on_sqs_message(
        queue=get_settings().queue_name(agency_id), batch_size=BATCH_SIZE, name=name
    )(consume)


for _agency in agencies():
    _register(_agency.id)
