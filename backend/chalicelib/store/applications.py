"""The application store on DynamoDB: conditional writes, counters in the same transaction.

Every write is one ``TransactWriteItems``: the application (guarded by its version,
or by non-existence when new) together with the day's counters, so counts never
drift from the applications they count. The client request token makes a retried
transaction (lost response) a no-op instead of a second write.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from pynamodb.exceptions import GetError, PynamoDBException, QueryError, TransactWriteError
from pynamodb.transactions import TransactWrite

from ..domain.bangla import dhaka_date
from ..domain.errors import BadRequest, ConcurrentUpdate, ServiceUnavailable
from ..domain.lifecycle import Application, Channel, HistoryEntry, Status
from ..domain.ports import Page, TrackingIdTaken
from .models import ApplicationModel, CounterModel, HistoryEntryMap


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def agency_status_key(agency_id: str, status: Status) -> str:
    """The ``by-agency-status`` partition key."""
    return f"{agency_id}#{status.value}"


def counter_scope(application: Application, status: Status) -> str:
    """The counter row a move into ``status`` increments."""
    return (
        f"status#{status.value}#district#{application.district_id:02d}"
        f"#service#{application.service_id}"
    )


def to_model(application: Application) -> ApplicationModel:
    """The stored form of an application."""
    version = {"version": application.version} if application.version is not None else {}
    return ApplicationModel(
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
        history=[HistoryEntryMap(**entry.to_dict()) for entry in application.history],
        **version,
    )


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
        version=item.version,
    )


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    """An opaque cursor for DynamoDB's LastEvaluatedKey."""
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The ExclusiveStartKey behind a cursor; ``BadRequest`` if it is not one of ours."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise BadRequest("cursor_invalid") from None
    if not isinstance(key, dict):
        raise BadRequest("cursor_invalid")
    return key


def _conditional_failure(error: TransactWriteError, index: int) -> bool:
    reasons = error.cancellation_reasons or []
    return len(reasons) > index and bool(reasons[index]) and (
        reasons[index].code == "ConditionalCheckFailed"  # type: ignore[union-attr]
    )


class DynamoApplicationStore:
    """``ApplicationStore`` on the applications and counters tables."""

    def create(self, application: Application) -> None:
        """Store a new application and count its submission, atomically."""
        item = to_model(application)
        try:
            with TransactWrite(
                connection=ApplicationModel._get_connection().connection,
                client_request_token=f"create-{application.tracking_id}",
            ) as transaction:
                transaction.save(item, condition=ApplicationModel.tracking_id.does_not_exist())
                self._count(transaction, application, application.history)
        except TransactWriteError as error:
            if _conditional_failure(error, 0):
                raise TrackingIdTaken(application.tracking_id) from error
            raise ServiceUnavailable("service_unavailable") from error
        application.version = item.version

    def get(self, tracking_id: str) -> Application | None:
        """The application with this id, or ``None``."""
        try:
            item = ApplicationModel.get(tracking_id, consistent_read=True)
        except ApplicationModel.DoesNotExist:
            return None
        except GetError as error:
            raise ServiceUnavailable("service_unavailable") from error
        return to_application(item)

    def record(self, application: Application, *entries: HistoryEntry) -> None:
        """Persist moves, guarded by the version read; count each move."""
        if not entries:
            return
        item = to_model(application)
        actions = [
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
        move = f"{application.tracking_id}:{application.version}:{entries[-1].status.value}"
        token = hashlib.sha256(move.encode()).hexdigest()[:36]  # DynamoDB allows 36 chars
        try:
            with TransactWrite(
                connection=ApplicationModel._get_connection().connection,
                client_request_token=token,
            ) as transaction:
                transaction.update(item, actions=actions)
                self._count(transaction, application, entries)
        except TransactWriteError as error:
            if _conditional_failure(error, 0):
                raise ConcurrentUpdate("concurrent_update") from error
            raise ServiceUnavailable("service_unavailable") from error
        application.version = item.version

    @staticmethod
    def _count(
        transaction: TransactWrite, application: Application, entries: list[HistoryEntry] | tuple
    ) -> None:
        totals: dict[tuple[str, str], int] = {}
        for entry in entries:
            key = (dhaka_date(entry.at).isoformat(), counter_scope(application, entry.status))
            totals[key] = totals.get(key, 0) + 1
        for (day, scope), increment in totals.items():
            transaction.update(
                CounterModel(day=day, scope=scope), actions=[CounterModel.count.add(increment)]
            )

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
        updated_before: str | None = None,
    ) -> Page:
        """An agency's applications in one status, oldest first."""
        condition = (
            ApplicationModel.updated_at < updated_before if updated_before is not None else None
        )
        return self._page(
            ApplicationModel.by_agency_status.query(
                agency_status_key(agency_id, status), range_key_condition=condition,
                scan_index_forward=True, limit=limit, last_evaluated_key=decode_cursor(cursor),
            )
        )

    @staticmethod
    def _page(results: Any) -> Page:
        try:
            items = [to_application(item) for item in results]
        except QueryError as error:
            if "ExclusiveStartKey" in str(error) or "starting key" in str(error):
                raise BadRequest("cursor_invalid") from error
            raise ServiceUnavailable("service_unavailable") from error
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
        return Page(items, encode_cursor(results.last_evaluated_key))
