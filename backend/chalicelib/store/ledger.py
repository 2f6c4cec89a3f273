"""Centres' ledgers on DynamoDB: entries are written by the application store's create
transaction (``ledger_model``); a day or a range is read with one Query (every page)."""

from __future__ import annotations

from datetime import date, datetime

from pynamodb.exceptions import PynamoDBException

from ..domain.errors import ServiceUnavailable
from ..domain.ledger import LedgerEntry
from .models import LedgerModel


def ledger_model(entry: LedgerEntry) -> LedgerModel:
    """The stored form of an entry."""
    return LedgerModel(
        centre_id=entry.centre_id, entry_key=entry.key, tracking_id=entry.tracking_id,
        service_id=entry.service_id, entrepreneur_id=entry.entrepreneur_id,
        created_at=entry.created_at.isoformat(), fee_poisha=entry.fee_poisha,
        service_charge_poisha=entry.service_charge_poisha,
        payment_method=entry.payment_method, mfs_provider=entry.mfs_provider,
    )


def to_entry(item: LedgerModel) -> LedgerEntry:
    """The domain entry of a stored one."""
    return LedgerEntry(
        centre_id=item.centre_id, day=date.fromisoformat(item.entry_key.split("#", 1)[0]),
        created_at=datetime.fromisoformat(item.created_at), tracking_id=item.tracking_id,
        service_id=item.service_id, entrepreneur_id=item.entrepreneur_id,
        fee_poisha=int(item.fee_poisha) if item.fee_poisha is not None else None,
        service_charge_poisha=int(item.service_charge_poisha),
        payment_method=item.payment_method, mfs_provider=item.mfs_provider,
    )


class DynamoLedger:
    """``LedgerStore`` on the ledger table."""

    def entries(self, centre_id: str, start: date, end: date) -> list[LedgerEntry]:
        """Every entry of the centre on the Dhaka days ``start``..``end``, oldest first
        (one Query, consistent, all pages: a month of a busy centre is a few pages)."""
        try:
            return [to_entry(item) for item in LedgerModel.query(
                centre_id,
                LedgerModel.entry_key.between(f"{start.isoformat()}#", f"{end.isoformat()}#~"),
                consistent_read=True)]
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
