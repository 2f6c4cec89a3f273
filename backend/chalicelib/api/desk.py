"""The agency desk's routes: an officer's queue, and delivering an approved application.

An officer opens one application through ``GET /me/applications/{id}`` (the form with its
Bangla labels, the history, the consent method) and decides it through
``POST /applications/{id}/decisions``.
"""

from __future__ import annotations

from functools import cache

from chalice import Blueprint, Response

from ..domain.desk import Desk, is_overdue
from ..observability import count_by, metrics
from ..runtime import runtime
from . import views
from .applications import SIGNED_IN, view_for
from .authorizer import authenticated, principal_of
from .errors import json_response, translating
from .openapi import documented
from .requests import query

desk_routes = Blueprint(__name__)
PAGE_LIMIT = 25


@cache
def desk() -> Desk:
    """The desk use-cases, on the process's applications."""
    return Desk(runtime().applications)


@desk_routes.route("/agencies/{agency_id}/applications", methods=["GET"],
                   authorizer=authenticated)
@documented("An officer's queue: the agency's applications in one status, oldest first", {
    200: "DeskPage", 400: "Error", 404: "Error", 422: "Error", **SIGNED_IN,
}, query={"status": {"type": "string", "maxLength": 20},
          "cursor": {"type": "string", "maxLength": 2000}}, secured=True)
@translating
def agency_queue(agency_id: str) -> Response:
    """``?status=`` (default ``in_review``), ``PAGE_LIMIT`` a page, with due-by and overdue.

    200 with ``{"applications", "cursor"}``; 400 for a cursor not ours; 401; 403 (not an
    officer); 404 for another agency's queue; 422 for an unknown status.
    """
    request = desk_routes.current_request
    principal = principal_of(request)
    page = desk().queue(principal, agency_id, query(request, "status"), limit=PAGE_LIMIT,
                        cursor=query(request, "cursor"))
    today = desk().today()
    catalog = runtime().catalog
    return json_response({
        "applications": [views.desk_row(item, catalog, overdue=is_overdue(item, today))
                         for item in page.items],
        "cursor": page.cursor,
    }, headers={"Cache-Control": "no-store"})


@desk_routes.route("/applications/{tracking_id}/deliver", methods=["POST"],
                   content_types=["*/*"], authorizer=authenticated)
@documented("An officer marks an approved application of their agency delivered", {
    200: "Application", 404: "Error", 409: "Error", 422: "Error", **SIGNED_IN,
}, secured=True)
@translating
def deliver_application(tracking_id: str) -> Response:
    """200 with the application; 401; 403 (not an officer); 404 (unknown, or another
    agency's); 409 unless it is approved, or if someone else wrote first; 422 (mistyped id).
    """
    principal = principal_of(desk_routes.current_request)
    application = desk().deliver(tracking_id, principal)
    metrics.add_metric(name="Delivered", unit="Count", value=1)
    count_by("Delivered", ServiceId=application.service_id, Agency=application.agency_id)
    return json_response(view_for(application, principal), headers={"Cache-Control": "no-store"})
