"""Catalog routes: the services and categories, cacheable (ETag, Cache-Control, 304)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from chalice import Blueprint, Response

from ..domain.bangla import to_bangla_digits
from ..domain.errors import FieldProblem, ValidationFailed
from ..domain.messages import Text
from ..runtime import runtime
from .errors import JSON_UTF8, translating
from .openapi import documented
from .requests import query

catalog_routes = Blueprint(__name__)

CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400"
CHANNELS = ("self", "assisted")
MAX_QUERY_CHARS = 200


def cacheable(body: Any) -> Response:
    """A JSON response with a strong ETag; 304 when the client already has it."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return cacheable_text(text, catalog_routes.current_request)


def cacheable_text(text: str, request: Any) -> Response:
    """JSON text as a response with a strong ETag; 304 on a matching ``If-None-Match``."""
    etag = '"' + hashlib.sha256(text.encode()).hexdigest()[:24] + '"'
    headers: dict[str, str | list[str]] = {
        "ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding",
    }
    sent = request.headers.get("if-none-match") or ""
    if etag in [tag.strip().removeprefix("W/") for tag in sent.split(",")] or sent.strip() == "*":
        return Response(body="", status_code=304, headers=headers)
    return Response(body=text, status_code=200, headers={"Content-Type": JSON_UTF8, **headers})


@catalog_routes.route("/services", methods=["GET"])
@documented("The catalog, searched and filtered", {200: "ServiceList", 304: None,
                                                   422: "Error", 503: "Error"},
            tag="catalog", query={
                "q": {"type": "string", "maxLength": MAX_QUERY_CHARS},
                "category": {"type": "string"},
                "channel": {"type": "string", "enum": list(CHANNELS)},
            }, headers={"If-None-Match": ({"type": "string"}, False)})
@translating
def list_services() -> Response:
    """The catalog: ``?q=`` (Bangla or English words), ``?category=``, ``?channel=``.

    200 with ``{"services": [...], "categories": [...], "count"}`` (best matches
    first when there is a query); 304 on a matching ``If-None-Match``; 422 for an
    unknown category or channel or a query over 200 characters.
    """
    catalog = runtime().catalog
    request = catalog_routes.current_request
    text = query(request, "q")
    category = query(request, "category")
    channel = query(request, "channel")
    problems = []
    if text is not None and len(text) > MAX_QUERY_CHARS:
        problems.append(FieldProblem.of(
            "q", "too_long", Text("খোঁজার শব্দ", "Search words"),
            limit=MAX_QUERY_CHARS, limit_bn=to_bangla_digits(MAX_QUERY_CHARS),
        ))
    if category is not None and category not in {item.id for item in catalog.categories}:
        problems.append(FieldProblem.of("category", "enum", Text("সেবার শ্রেণি", "Category")))
    if channel is not None and channel not in CHANNELS:
        problems.append(FieldProblem.of("channel", "enum", Text("আবেদনের মাধ্যম", "Channel")))
    if problems:
        raise ValidationFailed("query_invalid", fields=problems)
    found = catalog.search(text, category=category, channel=channel)
    return cacheable(
        {
            "services": [dict(entry.summary) for entry in found],
            "count": len(found),
            "categories": [category.to_dict() for category in catalog.categories],
        }
    )


@catalog_routes.route("/services/{service_id}", methods=["GET"])
@documented("One service with its form schema", {200: "Service", 304: None, 404: "Error",
                                                 503: "Error"},
            tag="catalog", headers={"If-None-Match": ({"type": "string"}, False)})
@translating
def get_service(service_id: str) -> Response:
    """One service: metadata, fees, documents, SLA, agency and its form schema. 200, 304, 404."""
    return cacheable(dict(runtime().catalog.service(service_id).document))


@catalog_routes.route("/categories", methods=["GET"])
@documented("Every category with its number of services", {200: "Categories", 304: None,
                                                           503: "Error"},
            tag="catalog", headers={"If-None-Match": ({"type": "string"}, False)})
@translating
def list_categories() -> Response:
    """Every category with how many services it has. 200, 304."""
    catalog = runtime().catalog
    counts: dict[str, int] = {}
    for entry in catalog.entries.values():
        counts[entry.category] = counts.get(entry.category, 0) + 1
    categories = [
        {**category.to_dict(), "services": counts.get(category.id, 0)}
        for category in catalog.categories
    ]
    return cacheable({"categories": categories})
