"""Ops figures: ``GET /ops/stats``, read from the pre-aggregated counters (never a Scan).

Only ops admins may read them; every other role gets 403, anonymous callers 401.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from ..runtime import runtime
from .authorizer import authenticated, principal_of
from .errors import json_response, translating
from .openapi import documented
from .requests import query

stats_routes = Blueprint(__name__)

DAY = {"type": "string", "maxLength": 32, "description": "YYYY-MM-DD, a Dhaka day"}


@stats_routes.route("/ops/stats", methods=["GET"], authorizer=authenticated)
@documented("Counts by day, district, service, agency, status, centre or channel (ops)", {
    200: "Stats", 401: "Error", 403: "Error", 422: "Error", 429: "Error", 503: "Error",
}, query={
    "from": DAY, "to": DAY,
    "by": {"type": "string", "maxLength": 100,
           "description": "district, service, agency, status, centre, channel: one or "
                          "more, comma-separated"},
}, tag="ops", secured=True)
@translating
def ops_stats() -> Response:
    """The counts over the Dhaka days ``from``..``to`` (default today), grouped ``by``,
    with queue and dead-letter depths per agency, overdue applications and consents
    recorded without a code.

    200; 401 (not signed in); 403 (not ops); 422 (a date that is not one, ``to`` before
    ``from``, more than 93 days, an unknown ``by``: the field is named); 503.
    """
    request = stats_routes.current_request
    report = runtime().stats.report(
        principal_of(request), query(request, "from"), query(request, "to"),
        query(request, "by"))
    return json_response(report, headers={"Cache-Control": "no-store"})
