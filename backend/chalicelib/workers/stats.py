"""The ops figures' minute job: counts today (and the day just over, in its grace) from
the counter rows and keeps the live summaries every reader then takes, and keeps the
finished days' summaries, so that no request of ``GET /ops/stats`` counts rows (see
``domain.stats``). The local stack runs it every minute too."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from ..domain.counters import LIVE_COUNT_EVERY
from ..runtime import runtime

stats_job_routes = Blueprint(__name__)


@stats_job_routes.schedule(Rate(int(LIVE_COUNT_EVERY.total_seconds() // 60), unit=Rate.MINUTES),
                           name="count_stats")
def count_stats(event: Any) -> dict[str, Any]:
    """Count the days not yet finished into their live summaries, and keep the last
    finished days' summaries where none is kept yet; say which days."""
    stats = runtime().stats
    counted = stats.count_live()
    summarised = stats.summarise_finished()
    return {"counted": [day.isoformat() for day in counted],
            "summarised": [day.isoformat() for day in summarised]}
