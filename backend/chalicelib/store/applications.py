"""The application store on DynamoDB: conditional writes, counters, the outbox and (for a
centre's application) its ledger entry in the same transaction.

Every write is one ``TransactWriteItems``: the application (guarded by its version,
or by non-existence when new) together with the day's counters (a few rows per move:
``domain.counters.scopes_for``), so counts never
drift from the applications they count, and the write's outbox record, so a move
never misses its messages. The client request token makes a retried
transaction (lost response) a no-op instead of a second write.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.assisted import Assisted
from ..domain.bangla import dhaka_date
from ..domain.counters import scopes_for
from ..domain.errors import ConcurrentUpdate, ServiceUnavailable
from ..domain.ledger import entry_for
from ..domain.lifecycle import Application, Channel, HistoryEntry, Status
from ..domain.outbox import OutboxRecord
from ..domain.ports import (
    CallbackRecord,
    CallbackSeen,
    Claim,
    KeyAlreadyClaimed,
    Page,
    TrackingIdTaken,
)
from .cursors import decode_cursor, read_page
from .ledger import ledger_model
from .models import (
    ApplicationModel,
    CallbackModel,
    CounterModel,
    HistoryEntryMap,
    IdempotencyModel,
    LedgerModel,
    OutboxModel,
    read,
)
from .outbox import outbox_model


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def agency_status_key(agency_id: str, status: Status) -> str:
    """The ``by-agency-status`` partition key."""
    return f"{agency_id}#{status.value}"


def to_model(application: Application, *, new: bool = False) -> ApplicationModel:
    """The stored form of an application (``new``: not yet stored, no version)."""
    item = ApplicationModel(
        tracking_id=application.tracking_id,
        service_id=application.service_id,
        service_version=application.service_version,
        agency_id=application.agency_id,
        applicant_name=application.applicant_name,
        applicant_phone=application.applicant_phone,
        form=application.form,
        channel=application.channel.value,
        status=application.status.value,
        agency_status=agency_status_key(application.agency_id, application.status),
        created_at=_iso(application.created_at),
        updated_at=_iso(application.updated_at or application.created_at),
        created_day=dhaka_date(application.created_at).isoformat(),
        district_id=application.district_id,
        centre_id=application.centre_id,
        agency_ref=application.agency_ref,
        due_by=application.due_by.isoformat() if application.due_by else None,
        consent=application.consent,
        assisted=application.assisted.to_dict() if application.assisted else None,
        history=[HistoryEntryMap(**entry.to_dict()) for entry in application.history],
    )
    if not new and application.version is not None:
        item.version = application.version
    return item


def to_application(item: ApplicationModel) -> Application:
    """The domain object of a stored application."""
    return Application(
        tracking_id=item.tracking_id,
        service_id=item.service_id,
        service_version=int(item.service_version),
        agency_id=item.agency_id,
        applicant_name=item.applicant_name,
        applicant_phone=item.applicant_phone,
        form=item.form,
        channel=Channel(item.channel),
        created_at=datetime.fromisoformat(item.created_at),
        district_id=int(item.district_id),
        status=Status(item.status),
        history=[HistoryEntry.from_dict(entry.as_dict()) for entry in item.history],
        updated_at=datetime.fromisoformat(item.updated_at),
        centre_id=item.centre_id,
        agency_ref=item.agency_ref,
        due_by=date.fromisoformat(item.due_by) if item.due_by else None,
        dispatch_failure=item.dispatch_failure,
        consent=item.consent,
        assisted=Assisted.from_dict(item.assisted) if item.assisted else None,
        version=item.version,
    )


TRANSACTION_ATTEMPTS = 3


def _conflicted(error: TransactWriteError) -> bool:
    """Whether DynamoDB cancelled the transaction only because another one touched an item."""
    codes = {reason.code for reason in (error.cancellation_reasons or []) if reason}
    return bool(codes) and codes <= {"TransactionConflict", "None"}


def _conditional_failure(error: TransactWriteError, index: int) -> bool:
    reasons = error.cancellation_reasons or []
    return len(reasons) > index and bool(reasons[index]) and (
        reasons[index].code == "ConditionalCheckFailed"  # type: ignore[union-attr]
    )


def _put_outbox(transaction: TransactWrite, outbox: OutboxRecord | None) -> None:
    """Add the write's outbox record (once: its id is the write's own)."""
    if outbox is not None:
        transaction.save(outbox_model(outbox), condition=OutboxModel.id.does_not_exist())


class DynamoApplicationStore:
    """``ApplicationStore`` on the applications and counters tables."""

    def create(self, application: Application, claim: Claim,
               outbox: OutboxRecord | None = None) -> None:
        """Store a new application, its idempotency claim, its count and its outbox record,
        atomically."""
        item = to_model(application, new=True)
        record = IdempotencyModel(
            id=claim.key, fingerprint=claim.fingerprint, tracking_id=claim.tracking_id,
            expiration=claim.expires_at,
        )
        unclaimed = IdempotencyModel.id.does_not_exist() | (
            IdempotencyModel.expiration < int(application.created_at.timestamp())
        )


        entry = entry_for(application)

        def fill(transaction: TransactWrite) -> None:
            transaction.save(item, condition=ApplicationModel.tracking_id.does_not_exist())
            transaction.save(record, condition=unclaimed)
            self._count(transaction, application, application.history)
            _put_outbox(transaction, outbox)
            if entry is not None:  # a centre's: its ledger entry, in the same write
                transaction.save(ledger_model(entry),
                                 condition=LedgerModel.entry_key.does_not_exist())

        try:
            self._commit(f"create:{claim.key}:{application.tracking_id}", fill)
        except TransactWriteError as error:
            if _conditional_failure(error, 1):
                raise KeyAlreadyClaimed(claim.key) from error
            if _conditional_failure(error, 0):
                raise TrackingIdTaken(application.tracking_id) from error
            raise ServiceUnavailable("service_unavailable") from error
        application.version = item.version

    def claim(self, key: str) -> Claim | None:
        """The claim on an idempotency key, if there is one."""
        record = read(IdempotencyModel, key)
        if record is None:
            return None
        return Claim(record.id, record.fingerprint, record.tracking_id, int(record.expiration))

    def get(self, tracking_id: str) -> Application | None:
        """The application with this id, or ``None``."""
        item = read(ApplicationModel, tracking_id)
        return None if item is None else to_application(item)

    def record(self, application: Application, *entries: HistoryEntry,
               outbox: OutboxRecord | None = None, form: dict[str, Any] | None = None,
               callback: CallbackRecord | None = None) -> None:
        """Persist moves, guarded by the version read; count each move; add the outbox
        record and the callback that made them."""
        if not entries:
            return
        item = to_model(application)
        actions: list[Action] = [
            ApplicationModel.status.set(application.status.value),
            ApplicationModel.agency_status.set(
                agency_status_key(application.agency_id, application.status)
            ),
            ApplicationModel.updated_at.set(_iso(application.updated_at or entries[-1].at)),
            ApplicationModel.history.set(
                ApplicationModel.history.append(
                    [HistoryEntryMap(**entry.to_dict()) for entry in entries]
                )
            ),
        ]
        if application.agency_ref is not None:
            actions.append(ApplicationModel.agency_ref.set(application.agency_ref))
        if application.due_by is not None:
            actions.append(ApplicationModel.due_by.set(application.due_by.isoformat()))
        if form is not None:
            actions.append(ApplicationModel.form.set(form))
        move = f"move:{application.tracking_id}:{application.version}:{entries[-1].status.value}"

        def fill(transaction: TransactWrite) -> None:
            transaction.update(item, actions=actions)
            if callback is not None:  # second, so a refusal of it is reason 1
                transaction.save(CallbackModel(
                    id=f"{callback.agency_id}#{callback.webhook_id}",
                    tracking_id=callback.tracking_id, answer=callback.answer,
                    expiration=callback.expires_at,
                ), condition=CallbackModel.id.does_not_exist())
            self._count(transaction, application, entries)
            _put_outbox(transaction, outbox)

        try:
            self._commit(move, fill)
        except TransactWriteError as error:
            if callback is not None and _conditional_failure(error, 1):
                raise CallbackSeen(callback.webhook_id) from error
            if _conditional_failure(error, 0):
                raise ConcurrentUpdate("concurrent_update") from error
            raise ServiceUnavailable("service_unavailable") from error
        application.version = item.version

    @staticmethod
    def _commit(name: str, fill: Callable[[TransactWrite], None]) -> None:
        """Run one transaction; again, after a short random pause, if it only collided.

        Each attempt has its own client request token (derived from ``name``), so
        botocore's own retry of a call whose response was lost is a no-op.
        """
        for attempt in range(TRANSACTION_ATTEMPTS):
            token = hashlib.sha256(f"{name}:{attempt}".encode()).hexdigest()[:36]
            try:
                with TransactWrite(
                    connection=ApplicationModel._get_connection().connection,
                    client_request_token=token,
                ) as transaction:
                    fill(transaction)
                return
            except TransactWriteError as error:
                if not _conflicted(error) or attempt == TRANSACTION_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311

    @staticmethod
    def _count(
        transaction: TransactWrite, application: Application, entries: list[HistoryEntry] | tuple
    ) -> None:
        totals: dict[tuple[str, str], int] = {}
        for entry in entries:
            day = dhaka_date(entry.at).isoformat()
            for scope in scopes_for(application, entry.status):
                totals[day, scope] = totals.get((day, scope), 0) + 1
        for (day, scope), increment in totals.items():
            transaction.update(
                CounterModel(day=day, scope=scope), actions=[CounterModel.total.add(increment)]
            )

    def note_dispatch_failure(self, tracking_id: str, reason: str, at: datetime,
                              attempts: int) -> datetime | None:
        """Record the agency's failure on the application (no version: not a move); when
        its first failure was (``None`` if it is gone)."""
        item = ApplicationModel(tracking_id=tracking_id)
        try:
            current = ApplicationModel.get(tracking_id, consistent_read=True,
                                           attributes_to_get=["tracking_id", "dispatch_failure"])
            first = (current.dispatch_failure or {}).get("first_at", at.isoformat())
            item.update(
                actions=[ApplicationModel.dispatch_failure.set({
                    "reason": reason, "first_at": first, "last_at": at.isoformat(),
                    "attempts": attempts,
                })],
                condition=ApplicationModel.tracking_id.exists(),
                add_version_condition=False,  # a note, not a move: no lock to take
            )
        except (ApplicationModel.DoesNotExist, UpdateError):
            return None  # gone, or written meanwhile: the next failure writes it again
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
        return datetime.fromisoformat(first)

    def callback(self, agency_id: str, webhook_id: str) -> CallbackRecord | None:
        """An agency callback already acted on (``None`` once expired, even before TTL)."""
        row = read(CallbackModel, f"{agency_id}#{webhook_id}")
        if row is None or int(row.expiration) < int(time.time()):
            return None
        return CallbackRecord(agency_id, webhook_id, row.tracking_id, row.answer,
                              int(row.expiration))

    def by_applicant(self, phone: str, *, limit: int, cursor: str | None) -> Page:
        """A citizen's applications, newest first."""
        return self._page(
            ApplicationModel.by_applicant.query(
                phone, scan_index_forward=False, limit=limit,
                last_evaluated_key=decode_cursor(cursor),
            )
        )

    def by_agency_status(
        self, agency_id: str, status: Status, *, limit: int, cursor: str | None,
    ) -> Page:
        """An agency's applications in one status, oldest first."""
        return self._page(
            ApplicationModel.by_agency_status.query(
                agency_status_key(agency_id, status), scan_index_forward=True, limit=limit,
                last_evaluated_key=decode_cursor(cursor),
            )
        )

    @staticmethod
    def _page(results: Any) -> Page:
        items, cursor = read_page(results, to_application)
        return Page(items, cursor)
