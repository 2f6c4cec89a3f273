"""The transactional outbox: what each move of an application must tell others, and the
use-case that tells them.

A move is written together with its outbox record, in the same transaction (see
``ApplicationStore``), so a stored move never misses its messages and a message never
announces a move that was not stored. Nothing on the request path talks to a queue:
the outbox table's stream hands each new record to ``OutboxForwarder.forward``, which
sends its messages and marks the record forwarded. A record the stream could not
forward stays pending and is found by ``sweep``, the safety net.

Forwarding is idempotent by state: a record already forwarded is left alone, so a
stream record delivered twice sends its messages once; the consumers are idempotent
too (an application past ``queued`` is not dispatched again).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from .lifecycle import Application, HistoryEntry, Status

AGENCY = "agency"  # the queue of the application's agency
NOTIFICATIONS = "notifications"  # the queue of the SMS worker
PENDING_BUCKETS = 4  # the sparse "not forwarded" index is spread over this many partitions

# Moves the agency must hear about: a new application, and one answered after the
# agency asked for more information.
AGENCY_STEPS: dict[Status, str] = {
    Status.SUBMITTED: "forward",
    Status.RESUBMITTED: "resubmitted",
}


@dataclass(frozen=True)
class OutboxMessage:
    """One message to send: to which queue (``AGENCY``: the application's agency's), what."""

    queue: str
    body: dict[str, Any]
    agency_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {"queue": self.queue, "agency_id": self.agency_id, "body": self.body}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> OutboxMessage:
        """Rebuild a message from its stored form."""
        return cls(queue=raw["queue"], body=dict(raw["body"]), agency_id=raw.get("agency_id"))


@dataclass(frozen=True)
class OutboxRecord:
    """The messages one write must send, under an id unique to that write."""

    id: str
    tracking_id: str
    created_at: datetime
    messages: tuple[OutboxMessage, ...]
    forwarded_at: datetime | None = None

    @property
    def bucket(self) -> str:
        """Which partition of the "not forwarded" index holds it while it is pending."""
        digest = hashlib.sha256(self.id.encode()).digest()
        return f"pending-{digest[0] % PENDING_BUCKETS}"


def record_id(tracking_id: str, step: int) -> str:
    """The outbox id of the write whose first new history entry is number ``step``.

    Deterministic, so writing the same move twice cannot make two records.
    """
    return f"{tracking_id}#{step:03d}"


def outbox_for(application: Application, entries: Sequence[HistoryEntry]) -> OutboxRecord | None:
    """The outbox record of a write that appended ``entries`` to the application's history:
    the agency's messages and, for each move the citizen is told of, an SMS to send.

    ``None`` when the write tells nobody anything (queueing, for instance). A
    notification carries the tracking id and the entry's place in the history only:
    the SMS worker reads the phone and the details from the application.
    """
    from .notifications import NOTIFIED

    messages: list[OutboxMessage] = []
    first = len(application.history) - len(entries)
    for offset, entry in enumerate(entries):
        step = AGENCY_STEPS.get(entry.status)
        if step is not None:
            messages.append(OutboxMessage(
                AGENCY, {"tracking_id": application.tracking_id, "step": step},
                agency_id=application.agency_id,
            ))
        if entry.status in NOTIFIED and application.applicant_phone is not None:
            messages.append(OutboxMessage(NOTIFICATIONS, {
                "kind": "transition", "tracking_id": application.tracking_id,
                "step": first + offset,
            }))
    if not messages:
        return None
    return OutboxRecord(
        id=record_id(application.tracking_id, first),
        tracking_id=application.tracking_id,
        created_at=entries[0].at,
        messages=tuple(messages),
    )


@dataclass(frozen=True)
class OutboxPage:
    """Pending records, oldest first, and the cursor of the next page."""

    items: Sequence[OutboxRecord]
    cursor: str | None


class OutboxStore(Protocol):
    """Where outbox records wait to be forwarded."""

    def get(self, record_id: str) -> OutboxRecord | None:
        """The record, read consistently, or ``None``."""
        ...

    def mark_forwarded(self, record: OutboxRecord, at: datetime) -> bool:
        """Mark a pending record forwarded; ``False`` if it was not pending any more."""
        ...

    def pending(self, bucket: str, *, created_before: datetime, limit: int,
                cursor: str | None) -> OutboxPage:
        """Records of one bucket still pending and created before the cutoff, oldest first."""
        ...


class MessageQueues(Protocol):
    """The queues outbox messages go to."""

    def send(self, message: OutboxMessage) -> None:
        """Send one message; raise ``ServiceUnavailable`` if it cannot be sent now."""
        ...


@dataclass
class SweepResult:
    """What one sweep did."""

    forwarded: int = 0
    seen: int = 0
    failed: list[str] = field(default_factory=list)
    complete: bool = True  # False: stopped at the deadline with pages left


class OutboxForwarder:
    """Sends outbox records' messages, once in effect, and marks them forwarded."""

    def __init__(self, *, store: OutboxStore, queues: MessageQueues,
                 clock: Callable[[], datetime]) -> None:
        self.store = store
        self.queues = queues
        self.clock = clock

    def forward(self, outbox_id: str) -> bool:
        """Send the record's messages if it is still pending; ``True`` if this call sent them.

        Raises ``ServiceUnavailable`` when a queue cannot be reached: the record stays
        pending, and the stream (or the sweeper) tries again.
        """
        record = self.store.get(outbox_id)
        if record is None or record.forwarded_at is not None:
            return False
        for message in record.messages:
            self.queues.send(message)
        self.store.mark_forwarded(record, self.clock())
        return True

    def sweep(self, *, older_than: timedelta, page_size: int = 100,
              time_left: Callable[[], float] = lambda: float("inf"),
              buckets: Iterable[str] | None = None) -> SweepResult:
        """Forward every record left pending for longer than ``older_than``, page by page.

        The safety net under the stream: it pages through all of them (not only the
        first page) and stops early only when ``time_left()`` (seconds) runs low.
        """
        cutoff = self.clock() - older_than
        result = SweepResult()
        names = list(buckets) if buckets is not None else [
            f"pending-{number}" for number in range(PENDING_BUCKETS)]
        for bucket in names:
            cursor: str | None = None
            while True:
                if time_left() < SWEEP_RESERVE_SECONDS:
                    result.complete = False
                    return result
                page = self.store.pending(bucket, created_before=cutoff, limit=page_size,
                                          cursor=cursor)
                for record in page.items:
                    result.seen += 1
                    try:
                        result.forwarded += self.forward(record.id)
                    except Exception:  # one record's failure must not stop the sweep
                        result.failed.append(record.id)
                cursor = page.cursor
                if cursor is None:
                    break
        return result


SWEEP_RESERVE_SECONDS = 5.0  # stop a sweep this long before the function's time runs out


def monotonic_deadline(seconds: float) -> Callable[[], float]:
    """A ``time_left`` for ``sweep`` outside Lambda: seconds left of a fixed budget."""
    end = time.monotonic() + seconds
    return lambda: end - time.monotonic()
