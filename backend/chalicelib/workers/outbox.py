"""The outbox's workers: the stream handler that forwards each new record, and the sweeper.

``forward_outbox`` consumes the outbox table's stream (from the oldest record kept,
``TRIM_HORIZON``). Each record's messages are sent and the record marked forwarded;
only records that failed are reported back (partial batch response), and the deploy
template sets bounded retries, bisecting, an on-failure destination and
``ReportBatchItemFailures`` on the event source, which Chalice does not. A record the
stream gave up on is still pending in the table: ``sweep_outbox`` pages through every
record pending for longer than a few minutes and forwards it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Rate

from ..domain.outbox import monotonic_deadline
from ..observability import logger, metrics
from ..runtime import runtime
from ..settings import get_settings

if TYPE_CHECKING:  # the batch utilities import asyncio: load them in workers only
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )

outbox_routes = Blueprint(__name__)
STREAM_BATCH_SIZE = 100
# The stream event source's settings (the deploy template and the local poller use these):
STREAM_MAX_RETRIES = 5  # tries of a failing batch, halved each time, before giving up
STREAM_MAX_RECORD_AGE_SECONDS = 24 * 3600  # a stream keeps records 24 hours
SWEEP_EVERY_MINUTES = 5
SWEEP_OLDER_THAN = timedelta(minutes=5)  # the stream normally forwards in under a second
SWEEP_BUDGET_SECONDS = 240.0  # outside Lambda (the local stack), a sweep's time budget


def forward_record(record: DynamoDBRecord) -> None:
    """Forward one stream record's outbox entry; raise to report it failed."""
    if record.event_name is None or record.event_name.name == "REMOVE":
        return
    keys = record.dynamodb.keys if record.dynamodb else None
    outbox_id = (keys or {}).get("id")
    if not isinstance(outbox_id, str):
        logger.error("outbox stream record without an id")
        return  # nothing to retry: there is no record to forward
    image = (record.dynamodb.new_image if record.dynamodb else None) or {}
    if image.get("forwarded_at"):
        return  # the change that marked it forwarded: half of the stream, nothing to read
    if runtime().outbox.forward(outbox_id):
        metrics.add_metric(name="OutboxForwarded", unit="Count", value=1)


@outbox_routes.on_dynamodb_record(
    stream_arn=get_settings().outbox_stream_arn, batch_size=STREAM_BATCH_SIZE,
    starting_position="TRIM_HORIZON", name="forward_outbox",
)
def forward_outbox(event: Any) -> dict[str, Any]:
    """Forward new outbox records; report the ones that failed."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams,
                               raise_on_entire_batch_failure=False)
    return dict(process_partial_response(
        event=event.to_dict(), record_handler=forward_record, processor=processor,
        context=getattr(event, "context", None),
    ))


@outbox_routes.schedule(Rate(SWEEP_EVERY_MINUTES, unit=Rate.MINUTES), name="sweep_outbox")
def sweep_outbox(event: Any) -> dict[str, Any]:
    """Forward every record the stream left pending; say how many and whether all were seen."""
    context = getattr(event, "context", None)
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        def time_left() -> float:
            return float(context.get_remaining_time_in_millis()) / 1000
    else:
        time_left = monotonic_deadline(SWEEP_BUDGET_SECONDS)
    result = runtime().outbox.sweep(older_than=SWEEP_OLDER_THAN, time_left=time_left)
    if result.seen:
        logger.warning("outbox records left pending by the stream were swept",
                       extra={"seen": result.seen, "forwarded": result.forwarded,
                              "failed": len(result.failed), "complete": result.complete})
        metrics.add_metric(name="OutboxSwept", unit="Count", value=result.forwarded)
    return {"seen": result.seen, "forwarded": result.forwarded,
            "failed": result.failed[:20], "complete": result.complete}
