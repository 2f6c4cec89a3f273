"""In-memory fakes of the domain's ports, for testing use-cases in milliseconds.

Each keeps the promise its port makes (conditional writes, pages with cursors,
consistent reads) so a use-case tested against it behaves as against DynamoDB; the
functional tier checks the real stores against moto.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.errors import ServiceUnavailable
from chalicelib.domain.outbox import OutboxMessage, OutboxPage, OutboxRecord


class FakeOutboxStore:
    """``OutboxStore`` in a dict. Its cursor is the last key of the page, as DynamoDB's
    LastEvaluatedKey is, so records forwarded meanwhile do not shift the next page."""

    def __init__(self) -> None:
        self.records: dict[str, OutboxRecord] = {}

    def add(self, record: OutboxRecord) -> None:
        assert record.id not in self.records, "an outbox id is written once"
        self.records[record.id] = record

    def get(self, record_id: str) -> OutboxRecord | None:
        return self.records.get(record_id)

    def mark_forwarded(self, record: OutboxRecord, at: datetime) -> bool:
        current = self.records.get(record.id)
        if current is None or current.forwarded_at is not None:
            return False
        self.records[record.id] = replace(current, forwarded_at=at)
        return True

    def pending(self, bucket: str, *, created_before: datetime, limit: int,
                cursor: str | None) -> OutboxPage:
        found = sorted(
            (r for r in self.records.values()
             if r.forwarded_at is None and r.bucket == bucket and r.created_at < created_before),
            key=lambda r: (r.created_at, r.id),
        )
        if cursor is not None:
            after = tuple(cursor.split("|", 1))
            found = [r for r in found if (r.created_at.isoformat(), r.id) > after]
        page = found[:limit]
        last = page[-1] if page and len(found) > limit else None
        return OutboxPage(page, f"{last.created_at.isoformat()}|{last.id}" if last else None)


class FakeQueues:
    """``MessageQueues`` that keeps what was sent; ``down`` makes every send fail."""

    def __init__(self) -> None:
        self.sent: list[OutboxMessage] = []
        self.down = False
        self.refuse: set[str] = set()  # tracking ids whose messages cannot be sent

    def send(self, message: OutboxMessage) -> None:
        if self.down or message.body.get("tracking_id") in self.refuse:
            raise ServiceUnavailable("service_unavailable")
        self.sent.append(message)
