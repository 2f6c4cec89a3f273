"""What the use-cases need from the outside world, as interfaces.

``store/`` implements ``ApplicationStore`` (and ``outbox.OutboxStore``) on DynamoDB,
``messaging`` implements ``outbox.MessageQueues`` on SQS, ``validation`` implements
``FormValidation``; tests hand in fakes or the real thing against moto.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .catalog import Service
from .errors import FieldProblem
from .lifecycle import Application, HistoryEntry, Status
from .outbox import OutboxRecord


@dataclass(frozen=True)
class Claim:
    """A caller's idempotency key, claimed by the application it created.

    ``fingerprint`` identifies the request body; the same key and body coming back
    before ``expires_at`` (seconds since the epoch) get that application again, rendered
    for whoever asks (the claim keeps facts, not an answer).
    """

    key: str
    fingerprint: str
    tracking_id: str
    expires_at: int


@dataclass(frozen=True)
class CallbackRecord:
    """An agency callback acted on: the answer it got, kept until ``expires_at``."""

    agency_id: str
    webhook_id: str
    tracking_id: str
    answer: dict[str, Any]
    expires_at: int


@dataclass(frozen=True)
class Page:
    """One page of a listing and the opaque cursor of the next (``None`` at the end)."""

    items: Sequence[Application]
    cursor: str | None


class ApplicationStore(Protocol):
    """Where applications live."""

    def create(self, application: Application, claim: Claim,
               outbox: OutboxRecord | None = None) -> None:
        """Store a new application with its idempotency claim and outbox record, atomically.

        Raises ``TrackingIdTaken`` if the id exists, ``KeyAlreadyClaimed`` if the key
        holds an unexpired claim.
        """
        ...

    def claim(self, key: str) -> Claim | None:
        """The claim on an idempotency key, if there is one."""
        ...

    def get(self, tracking_id: str) -> Application | None:
        """The application with this id, with its version, or ``None``."""
        ...

    def record(self, application: Application, *entries: HistoryEntry,
               outbox: OutboxRecord | None = None, form: dict[str, Any] | None = None,
               callback: CallbackRecord | None = None) -> None:
        """Persist moves already applied to ``application`` in memory, with their outbox
        record (and, when given, the form they change and the callback that made them),
        atomically.

        Written only if the stored version is still ``application.version``; raises
        ``ConcurrentUpdate`` otherwise, ``CallbackSeen`` if the callback was recorded
        meanwhile. Updates ``application.version`` on success.
        """
        ...

    def callback(self, agency_id: str, webhook_id: str) -> CallbackRecord | None:
        """An agency callback already acted on, if it is still kept."""
        ...

    def note_dispatch_failure(self, tracking_id: str, reason: str, at: datetime,
                              attempts: int) -> datetime | None:
        """Record why the agency could not take the application (first and last time,
        attempts), outside the lifecycle: it moves no status and takes no lock. Returns
        the first failure's time (``None`` for an unknown application)."""
        ...

    def by_applicant(self, phone: str, *, limit: int, cursor: str | None) -> Page:
        """A citizen's applications, newest first."""
        ...

    def by_agency_status(
        self, agency_id: str, status: Status, *, limit: int, cursor: str | None,
    ) -> Page:
        """An agency's applications in one status, oldest first."""
        ...


class FormValidation(Protocol):
    """Checks request bodies against the schemas, returning them normalised."""

    def submission(self, body: Any) -> tuple[dict[str, Any], list[FieldProblem]]:
        """The envelope of ``POST /applications`` (service, applicant, form object),
        normalised even where it is invalid, and every problem with it."""
        ...

    def form(self, service: Service, form: Any) -> dict[str, Any]:
        """A service's form."""
        ...

    def decision(self, body: Any) -> dict[str, Any]:
        """The body of ``POST /applications/{id}/decisions``."""
        ...

    def response(self, body: Any) -> dict[str, Any]:
        """The body of ``POST /applications/{id}/responses`` (``form`` and ``note``)."""
        ...

    def callback(self, body: Any) -> dict[str, Any]:
        """The body of ``POST /agencies/{id}/callbacks``."""
        ...


class TrackingIdTaken(Exception):
    """The random tracking id collided with an existing one; draw another."""


class CallbackSeen(Exception):
    """The agency's callback was acted on by another request first."""


class KeyAlreadyClaimed(Exception):
    """The idempotency key already has an unexpired claim."""
