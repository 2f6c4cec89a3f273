"""Receipts: ``GET /applications/{id}/receipt`` (the applicant, the centre's entrepreneurs,
ops) and the public check ``GET /verify/{tracking_id}?c=CODE``.

The receipt is the data the web app prints from (A4 or 80 mm paper), with a QR code
(SVG, drawn by segno) of its verify URL. The check answers with the service, the status,
the submission date and the centre's name, never with anything about the person.
"""

from __future__ import annotations

import io
from typing import Any

from chalice import Blueprint, Response

from ..domain import tracking
from ..domain.applications import parse_tracking_id
from ..domain.bangla import dhaka_date
from ..domain.fees import quote, taka
from ..domain.lifecycle import Application
from ..domain.messages import PAYMENT_METHODS, RECEIPT_GENUINE
from ..domain.receipts import receipt_for
from ..runtime import runtime
from .authorizer import authenticated, principal_of
from .errors import json_response, translating
from .limits import limit_by_address
from .openapi import documented
from .requests import query
from .views import day_view

receipt_routes = Blueprint(__name__)


def verify_url(application: Application, request: Any) -> str:
    """Where the receipt's QR code points: the web app's verify page for this receipt."""
    site = runtime().settings.site_url
    if site is None:
        host = (request.headers.get("host") or "localhost").strip()
        site = f"https://{host}"
    code = runtime().receipts.code_for(application)
    return f"{site}/verify/{application.tracking_id}?c={code}"


def qr_svg(url: str) -> str:
    """The URL as a QR code: a standalone SVG document (with its namespace, so that it
    can be shown inline or as an image)."""
    import segno  # only receipts draw codes: kept out of every other request's cold start

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False,
                                    svgns=True, nl=False)
    return out.getvalue().decode("utf-8")


def _centre(centre_id: str | None) -> dict[str, Any] | None:
    if centre_id is None:
        return None
    centre = runtime().centres.store.get(centre_id)
    return {"id": centre_id, "name": centre.name._asdict() if centre else None}


def _money(application: Application) -> dict[str, Any]:
    record = application.assisted
    if record is not None:
        fee, confirmed = record.fee_poisha, record.fee_confirmed
        charge: int | None = record.service_charge_poisha
        method = PAYMENT_METHODS[record.payment_method]._asdict()
    else:  # a citizen's own: the fee the service's rules give for the answers
        service = runtime().catalog.service(application.service_id)
        found = quote(service, application.form, on=dhaka_date(application.created_at))
        fee, confirmed, charge, method = found.total_poisha, found.confirmed, None, None
    total = None if fee is None else fee + (charge or 0)
    return {"fee_poisha": fee, "fee_bdt": taka(fee), "fee_confirmed": confirmed,
            "service_charge_poisha": charge, "service_charge_bdt": taka(charge),
            "total_poisha": total, "total_bdt": taka(total), "payment_method": method}


def _entrepreneur(application: Application) -> dict[str, Any] | None:
    record = application.assisted
    if record is None:
        return None
    account = runtime().sign_in.staff.get(record.entrepreneur_id)
    return {"id": record.entrepreneur_id, "name": account.name if account else None}


@receipt_routes.route("/applications/{tracking_id}/receipt", methods=["GET"],
                      authorizer=authenticated)
@documented("An application's receipt, to print: fees, centre, both calendars, a QR code", {
    200: "Receipt", 404: "Error", 422: "Error", 401: "Error", 403: "Error", 429: "Error",
    503: "Error"}, secured=True)
@translating
def application_receipt(tracking_id: str) -> Response:
    """The receipt of an application, for its applicant, the entrepreneurs of the centre
    that made it, and ops. 200; 401; 404 (unknown, or anyone else's, alike); 422 (a
    mistyped id)."""
    request = receipt_routes.current_request
    principal = principal_of(request)
    current = runtime()
    application = receipt_for(principal, current.applications.store.get(
        parse_tracking_id(tracking_id)))
    entry = current.catalog.entries.get(application.service_id)
    agency = current.catalog.agency_name(application.agency_id)
    url = verify_url(application, request)
    return json_response({
        "tracking_id": application.tracking_id,
        "tracking_id_bn": tracking.display(application.tracking_id, bangla=True),
        "tracking_id_display": tracking.display(application.tracking_id),
        "service_id": application.service_id,
        "service_title": entry.title._asdict() if entry else None,
        "agency_name": agency._asdict() if agency else None,
        "applicant_name": application.applicant_name,
        "channel": application.channel.value,
        "submitted": {**day_view(dhaka_date(application.created_at)),
                      "at": application.created_at.isoformat()},
        **_money(application),
        "centre": _centre(application.centre_id),
        "entrepreneur": _entrepreneur(application),
        "consent_recorded": application.consent == "no_code",
        "verify_url": url,
        "qr_svg": qr_svg(url),
    }, headers={"Cache-Control": "no-store"})


@receipt_routes.route("/verify/{tracking_id}", methods=["GET"])
@documented("Whether a receipt is genuine (public; nothing personal)", {
    200: "Verification", 404: "Error", 429: "Error", 503: "Error"},
            query={"c": {"type": "string", "maxLength": 64}}, tag="receipts")
@translating
def verify_receipt(tracking_id: str) -> Response:
    """200 with the service, the status, the submission date and the centre's name when
    the code is the one the receipt was issued with; 404 (``receipt_not_genuine``) for any
    other id or code; 429 past the per-address limit."""
    request = receipt_routes.current_request
    limit_by_address(request, "verify", runtime().settings.track_per_address, 600)
    application = runtime().receipts.verify(tracking_id, query(request, "c"))
    entry = runtime().catalog.entries.get(application.service_id)
    centre = _centre(application.centre_id)
    return json_response({
        "genuine": True,
        "message": RECEIPT_GENUINE._asdict(),
        "tracking_id_bn": tracking.display(application.tracking_id, bangla=True),
        "service_title": entry.title._asdict() if entry else None,
        "status": application.status.value,
        "status_name": application.status.label._asdict(),
        "submitted": day_view(dhaka_date(application.created_at)),
        "centre_name": centre["name"] if centre else None,
    }, headers={"Cache-Control": "no-store"})
