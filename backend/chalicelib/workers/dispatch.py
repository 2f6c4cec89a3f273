"""Agency workers: one SQS consumer per agency, registered from the agency list.

Each batch goes through Powertools' ``BatchProcessor``: records that fail are the only
ones reported back (``batchItemFailures``), so Lambda deletes the rest.

* The agency cannot take it now (timeout, 5xx, 429): the record fails and comes back
  later, with exponential backoff (or the agency's ``Retry-After``) set on its
  visibility. Each failure counts against the agency's circuit; while the circuit is
  open nobody calls the agency and its messages wait out the open period, so an
  outage of a day burns nothing.
* It can never be processed (unreadable, unknown application, the agency refused the
  data) or it has kept failing for longer than the retry window: the worker itself
  moves it to the dead-letter queue, with the reason and the first failure, where it
  stays, visible to ops, until redriven (``nagorik dlq``). The queue's receive limit is
  only a backstop: SQS counts every receive, the circuit's waits too.

The handler is idempotent by state: an application already past ``queued`` is left
alone, so a redelivered message does nothing twice, and the REST adapter sends the
same ``webhook-id`` on every attempt, so the agency can deduplicate.
"""

from __future__ import annotations

import json
import random
import time
from contextlib import suppress
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from ..agencies.registry import agencies
from ..domain.errors import (
    AgencyError,
    AgencyRefused,
    AgencyUnavailable,
    ConcurrentUpdate,
    PoisonMessage,
)
from ..domain.lifecycle import Application
from ..observability import count_by, logger, metrics
from ..runtime import runtime
from ..settings import Settings, get_settings

if TYPE_CHECKING:  # the batch utilities import asyncio; the adapters, the circuit and the
    # queues are the workers' alone: the API's cold start imports none of them
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from ..agencies.adapter import AgencyAdapter, AgencyReceipt
    from ..agencies.config import AgencyEndpoint
    from ..domain.circuit import Circuit
    from ..messaging import SqsQueues

worker_routes = Blueprint(__name__)
BATCH_SIZE = 10


def circuit_wait(receives: int, remaining: int, settings: Settings) -> int:
    """How long a message waits while its agency's circuit is open: the rest of the open
    period (plus a little, so the waiting messages do not all return at once), and no
    less than the backoff of its receive count, so a long outage costs each message a
    receive every ``retry_max_seconds`` at most (a day: under a hundred) and never
    reaches the queue's receive limit."""
    from ..messaging import backoff_seconds

    jitter = random.randint(0, max(0, remaining // 6))  # noqa: S311 - spreading, not secret
    backoff = backoff_seconds(receives, settings.retry_base_seconds, settings.retry_max_seconds)
    return max(remaining + jitter, backoff)


class CircuitOpen(AgencyUnavailable):
    """The agency's circuit is open: it was not called; ``retry_after`` is the wait."""


def _endpoint(settings: Settings, agency_id: str) -> AgencyEndpoint:
    from ..agencies import config

    try:
        return config.endpoint(settings, agency_id)
    except config.AgencyNotConfigured as error:  # wait for ops to set it; nothing is lost
        raise AgencyUnavailable(f"{agency_id} has no URL or secret: {error}") from None


class Unavailable:
    """The adapter of an agency that cannot be reached in this stage (yet)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def forward(self, application: Application) -> AgencyReceipt:
        """Always ``AgencyUnavailable``: its applications wait in the queue, not lost."""
        raise AgencyUnavailable(self.reason)


@cache
def adapter_for(agency_id: str) -> AgencyAdapter:
    """The adapter that reaches an agency (one per process), by its ``adapter`` entry."""
    from ..agencies import config
    from ..agencies.desk import DeskAgency
    from ..agencies.rest import RestAgency
    from ..agencies.simulator import SimulatedAgency

    settings = get_settings()
    kind = config.adapter_kind(settings, agency_id)
    if kind == "desk":
        return DeskAgency(agency_id)
    if kind == "rest":
        return RestAgency(agency_id, lambda: _endpoint(settings, agency_id),
                          connect_timeout=settings.agency_connect_timeout_seconds,
                          read_timeout=settings.agency_read_timeout_seconds)
    if kind == "simulator" and settings.allow_simulator:
        return SimulatedAgency(agency_id, latency_ms=settings.simulator_latency_ms,
                               failure_rate=settings.simulator_failure_rate)
    return Unavailable(f"no adapter available for {agency_id} in this stage")


@cache
def _queue() -> SqsQueues:
    """The queues, with their URLs remembered for the life of the process."""
    from ..messaging import SqsQueues

    return SqsQueues(get_settings())


@cache
def circuits() -> Circuit:
    """The agencies' circuits (state in the limits table)."""
    from ..domain.applications import utc_now
    from ..domain.circuit import Circuit
    from ..store.circuits import DynamoCircuits

    runtime()  # binds the models to this stage's tables
    settings = get_settings()
    return Circuit(DynamoCircuits(), failures=settings.circuit_failures,
                   open_seconds=settings.circuit_open_seconds, clock=utc_now)


class Guarded:
    """An adapter behind its agency's circuit, every call timed (``AgencyLatency``)."""

    def __init__(self, adapter: AgencyAdapter, agency_id: str, circuit: Circuit | None) -> None:
        self.adapter = adapter
        self.agency_id = agency_id
        self.circuit = circuit

    def forward(self, application: Application) -> AgencyReceipt:
        """The adapter's receipt; ``CircuitOpen`` without calling while the circuit is open."""
        if self.circuit is not None:
            wait = self.circuit.wait_seconds(self.agency_id)
            if wait:
                raise CircuitOpen(f"{self.agency_id}'s circuit is open", retry_after=wait)
        started = time.perf_counter()
        try:
            receipt = self.adapter.forward(application)
        except AgencyUnavailable:
            if self.circuit is not None:
                self.circuit.failed(self.agency_id)
            raise
        except AgencyRefused:  # it answered: it is up
            if self.circuit is not None:
                self.circuit.succeeded(self.agency_id)
            raise
        finally:
            count_by("AgencyLatency", (time.perf_counter() - started) * 1000,
                     unit="Milliseconds", Agency=self.agency_id)
        if self.circuit is not None:
            self.circuit.succeeded(self.agency_id)
        return receipt


def guarded(agency_id: str) -> Guarded:
    """The agency's adapter as the worker calls it (the desk needs no circuit)."""
    from ..agencies.desk import DeskAgency

    adapter = adapter_for(agency_id)
    return Guarded(adapter, agency_id, None if isinstance(adapter, DeskAgency) else circuits())


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


def _give_up(record: SQSRecord, agency_id: str, reason: str, first: datetime) -> None:
    """Move the record to the dead-letter queue itself (then it counts as processed)."""
    receives = int(record.attributes.approximate_receive_count or 1)
    _queue().to_dead_letters(agency_id, record.body, reason=reason,
                             first_failed_at=first.isoformat(), receive_count=receives)
    metrics.add_metric(name="DeadLettered", unit="Count", value=1)
    count_by("DispatchFailed", Agency=agency_id)
    logger.error("message moved to the dead-letter queue", extra={"error": reason})


def process_record(record: SQSRecord) -> None:
    """Dispatch one message; raise to report it failed (it comes back later)."""
    settings = get_settings()
    agency_id = _agency_of(record.event_source_arn)
    tracking_id = None
    try:
        tracking_id = _tracking_id_of(record)
        logger.thread_safe_append_keys(tracking_id=tracking_id, message_id=record.message_id)
        runtime().applications.dispatch(tracking_id, guarded(agency_id))
        metrics.add_metric(name="Dispatched", unit="Count", value=1)
    except CircuitOpen as error:
        wait = circuit_wait(int(record.attributes.approximate_receive_count or 1),
                            error.retry_after or settings.circuit_open_seconds, settings)
        logger.info("agency circuit open; message waits", extra={"retry_in_seconds": wait})
        _queue().retry_later(record.event_source_arn, record.receipt_handle, wait)
        count_by("CircuitWaiting", Agency=agency_id)
        raise
    except AgencyError as error:
        receives = int(record.attributes.approximate_receive_count or 1)
        now = datetime.now(UTC)
        first = None
        with suppress(Exception):  # the note helps ops; the retry must not depend on it
            first = runtime().applications.note_dispatch_failure(tracking_id or "", str(error),
                                                                 receives)
        first = first or now
        window_over = (now - first).total_seconds() > settings.retry_window_hours * 3600
        if not error.retryable or window_over:
            _give_up(record, agency_id, str(error), first)
            return
        from ..messaging import backoff_seconds

        delay = max(backoff_seconds(receives, settings.retry_base_seconds,
                                    settings.retry_max_seconds), error.retry_after or 0)
        logger.warning(
            "agency unavailable, retrying later",
            extra={"retry_in_seconds": delay, "receive_count": receives, "error": str(error)},
        )
        _queue().retry_later(record.event_source_arn, record.receipt_handle, delay)
        metrics.add_metric(name="DispatchFailed", unit="Count", value=1)
        count_by("DispatchFailed", Agency=agency_id)
        raise
    except PoisonMessage as error:
        metrics.add_metric(name="PoisonMessages", unit="Count", value=1)
        _give_up(record, agency_id, str(error), datetime.now(UTC))
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
