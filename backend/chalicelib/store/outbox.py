"""The outbox on DynamoDB: records written inside the application's transactions (see
``store.applications``), read back and marked forwarded here.

While a record is pending it carries ``pending_bucket``, which puts it in the sparse
``by-pending`` index the sweeper pages through; marking it forwarded removes that
attribute (taking it out of the index) and sets the TTL that clears it a week later.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from ..domain.errors import ServiceUnavailable
from ..domain.outbox import OutboxMessage, OutboxPage, OutboxRecord
from .cursors import decode_cursor, read_page
from .models import OutboxModel, read

FORWARDED_KEPT = timedelta(days=7)  # how long a forwarded record stays, for support


def outbox_model(record: OutboxRecord) -> OutboxModel:
    """The stored form of a new (pending) record."""
    return OutboxModel(
        id=record.id,
        tracking_id=record.tracking_id,
        messages=[message.to_dict() for message in record.messages],
        created_at=record.created_at.isoformat(),
        pending_bucket=record.bucket,
    )


def to_record(item: OutboxModel) -> OutboxRecord:
    """The domain record of a stored one."""
    raw = item.messages if isinstance(item.messages, list) else json.loads(item.messages)
    return OutboxRecord(
        id=item.id,
        tracking_id=item.tracking_id,
        created_at=datetime.fromisoformat(item.created_at),
        messages=tuple(OutboxMessage.from_dict(message) for message in raw),
        forwarded_at=datetime.fromisoformat(item.forwarded_at) if item.forwarded_at else None,
    )


class DynamoOutboxStore:
    """``OutboxStore`` on the outbox table."""

    def get(self, record_id: str) -> OutboxRecord | None:
        """The record, read consistently, or ``None``."""
        item = read(OutboxModel, record_id)
        return None if item is None else to_record(item)

    def mark_forwarded(self, record: OutboxRecord, at: datetime) -> bool:
        """Take a pending record out of the pending index; ``False`` if it already was."""
        item = OutboxModel(id=record.id)
        try:
            item.update(
                actions=[
                    OutboxModel.pending_bucket.remove(),
                    OutboxModel.forwarded_at.set(at.isoformat()),
                    OutboxModel.expiration.set(int((at + FORWARDED_KEPT).timestamp())),
                ],
                condition=OutboxModel.pending_bucket.exists(),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise ServiceUnavailable("service_unavailable") from error
        return True

    def pending(self, bucket: str, *, created_before: datetime, limit: int,
                cursor: str | None) -> OutboxPage:
        """Pending records of one bucket created before the cutoff, oldest first."""
        results = OutboxModel.by_pending.query(
            bucket, OutboxModel.created_at < created_before.isoformat(),
            scan_index_forward=True, limit=limit, last_evaluated_key=decode_cursor(cursor),
        )
        items, next_cursor = read_page(results, to_record)
        return OutboxPage(items, next_cursor)
