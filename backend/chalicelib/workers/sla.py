"""The SLA job on a schedule: overdue applications marked, and counted per agency and
service for ops (``GET /ops/stats``, ``nagorik stats``). The local stack runs it too."""

from __future__ import annotations

from functools import partial
from typing import Any

from chalice import Blueprint, Rate

from ..observability import logger, metrics, record_overdue
from ..runtime import holidays_or_none, runtime

sla_routes = Blueprint(__name__)
SLA_EVERY_MINUTES = 60


def sla() -> Any:
    """The SLA use-case on this stage's tables."""
    from ..agencies.registry import agency_ids
    from ..domain.sla import Sla
    from ..store.sla import DynamoOverdueLedger

    current = runtime()
    return Sla(store=current.applications.store, ledger=DynamoOverdueLedger(),
               catalog=current.catalog, agencies=agency_ids,
               holidays=partial(holidays_or_none, current.settings), clock=current.clock)


@sla_routes.schedule(Rate(SLA_EVERY_MINUTES, unit=Rate.MINUTES), name="mark_overdue")
def mark_overdue(event: Any) -> dict[str, Any]:
    """Mark and count the applications past their due-by day; say how many."""
    run = sla().run()
    total = sum(run.overdue.values())
    record_overdue(run.overdue)
    metrics.add_metric(name="OverdueApplications", unit="Count", value=total)
    if total:
        logger.warning("applications past their due-by day", extra={"overdue": total})
    return {"seen": run.seen, "overdue": total}
