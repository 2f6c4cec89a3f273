"""The API's OpenAPI 3.1 description, generated from the routes themselves.

Every route carries its documentation beside it (``@documented(...)``: a summary, its
query parameters and headers, its JSON body by schema name, and the statuses it
answers with). ``describe(app)`` walks the app's route table, so a route added without
documentation, or documentation left behind by a removed route, cannot go unnoticed
(a test compares the two). Request bodies are the same bundled meta-schemas the server
validates with; responses share one error body.

``GET /openapi.json`` serves it, cacheable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from chalice import Blueprint, Response

from ..catalog_files import load_meta
from ..domain.errors import MAX_REPORTED_FIELDS
from ..settings import get_settings
from .errors import translating

openapi_routes = Blueprint(__name__)

REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No content", 304: "Not modified",
    400: "The request cannot be read (bad JSON, header or shape)",
    401: "Not signed in, or the token is expired or forged", 403: "Not allowed for this role",
    404: "Not found (or not yours to know about)", 405: "Method not allowed",
    409: "Conflicts with the current state", 413: "The body is too large",
    415: "The body is not JSON", 422: "A field is not valid (every one is listed)",
    429: "Too many requests; wait as Retry-After says", 503: "A dependency is unavailable; retry",
}
ERROR_STATUSES = {status for status in REASONS if status >= 400}  # noqa: PLR2004
JSON = "application/json"


@dataclass(frozen=True)
class Doc:
    """What one route's documentation says."""

    summary: str
    responses: dict[int, str | None]  # status -> component schema of its body (None: none)
    body: str | None = None  # component schema of the JSON request body
    query: dict[str, dict[str, Any]] = field(default_factory=dict)
    headers: dict[str, tuple[dict[str, Any], bool]] = field(default_factory=dict)
    tag: str = "applications"
    secured: bool = False  # needs "Authorization: Bearer <access token>"


def documented(summary: str, responses: dict[int, str | None], **details: Any) -> Callable:
    """Attach a route's OpenAPI documentation to its view (put it under ``@route``)."""

    def attach(view: Callable) -> Callable:
        view.__openapi__ = Doc(summary, responses, **details)  # type: ignore[attr-defined]
        return view

    return attach


def _schema(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


TEXT = {"type": "string"}
BILINGUAL = {"type": "object", "required": ["bn", "en"],
             "properties": {"bn": TEXT, "en": TEXT}}
NULLABLE_TEXT = {"type": ["string", "null"]}
DAY = {"type": "object", "required": ["date", "date_bn", "bangla_date_bn"],
       "properties": {"date": {"type": "string", "format": "date"}, "date_bn": TEXT,
                      "bangla_date_bn": TEXT}}

STATIC_SCHEMAS: dict[str, dict[str, Any]] = {
    "FieldProblem": {
        "type": "object", "required": ["path", "code", "message_bn", "message_en"],
        "properties": {"path": TEXT, "code": TEXT, "message_bn": TEXT, "message_en": TEXT},
    },
    "Error": {
        "type": "object", "required": ["code", "message_bn", "message_en", "fields"],
        "description": f"Every 4xx and 5xx. At most {MAX_REPORTED_FIELDS} fields are listed, "
                       "and never a body larger than the request (or 8 KB): "
                       "'fields_omitted' counts the rest.",
        "properties": {
            "code": TEXT, "message_bn": TEXT, "message_en": TEXT,
            "fields": {"type": "array", "maxItems": MAX_REPORTED_FIELDS,
                       "items": _schema("FieldProblem")},
            "fields_omitted": {"type": "integer", "minimum": 1},
        },
    },
    "HistoryEntry": {
        "type": "object", "required": ["status", "status_bn", "status_en", "at", "channel"],
        "properties": {"status": TEXT, "status_bn": TEXT, "status_en": TEXT,
                       "at": {"type": "string", "format": "date-time"},
                       "channel": TEXT, "reason": NULLABLE_TEXT},
    },
    "Application": {
        "type": "object",
        "required": ["tracking_id", "tracking_id_bn", "service_id", "status", "status_bn",
                     "status_en", "created_at", "history"],
        "properties": {
            "tracking_id": {"type": "string", "pattern": "^[0-9]{16}$"},
            "tracking_id_display": TEXT, "tracking_id_bn": TEXT,
            "service_id": TEXT, "service_version": {"type": "integer"},
            "service_title": {"oneOf": [BILINGUAL, {"type": "null"}]},
            "agency_id": TEXT, "agency_name": {"oneOf": [BILINGUAL, {"type": "null"}]},
            "status": TEXT, "status_bn": TEXT, "status_en": TEXT, "channel": TEXT,
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "due_by": {"oneOf": [DAY, {"type": "null"}],
                       "description": "null once decided or cancelled"},
            "sla_working_days": {"type": ["integer", "null"]},
            "collect": {"oneOf": [{
                "type": "object", "required": ["name"],
                "description": "While approved: what the applicant gets, and where and how "
                               "(where null: from the agency)",
                "properties": {"kind": NULLABLE_TEXT, "name": BILINGUAL,
                               "where": {"oneOf": [BILINGUAL, {"type": "null"}]}},
            }, {"type": "null"}]},
            "agency_ref": NULLABLE_TEXT,
            "version": {"type": ["integer", "null"]},
            "history": {"type": "array", "items": _schema("HistoryEntry")},
        },
    },
    "ServiceList": {
        "type": "object", "required": ["services", "count", "categories"],
        "properties": {"services": {"type": "array", "items": {"type": "object"}},
                       "count": {"type": "integer", "minimum": 0},
                       "categories": {"type": "array", "items": {"type": "object"}}},
    },
    "Service": {
        "type": "object", "required": ["id", "version", "title", "agency", "form"],
        "description": "A service file as the catalog build bundled it (see "
                       "schemas/meta/service.schema.json).",
        "properties": {"id": TEXT, "version": {"type": "integer"}, "title": BILINGUAL,
                       "agency": TEXT, "form": {"type": "object"}},
    },
    "Categories": {
        "type": "object", "required": ["categories"],
        "properties": {"categories": {"type": "array", "items": {
            "type": "object", "required": ["id", "title", "services"],
            "properties": {"id": TEXT, "title": BILINGUAL,
                           "services": {"type": "integer", "minimum": 0}}}}},
    },
    "OpenApi": {"type": "object", "required": ["openapi", "paths"]},
    "ApplicationPage": {
        "type": "object", "required": ["applications", "cursor"],
        "properties": {"applications": {"type": "array", "items": _schema("Application")},
                       "cursor": NULLABLE_TEXT},
    },
    "CodeSent": {
        "type": "object", "required": ["challenge_id", "expires_in", "resend_after"],
        "properties": {"challenge_id": TEXT, "expires_in": {"type": "integer"},
                       "resend_after": {"type": "integer"}},
    },
    "Principal": {
        "type": "object", "required": ["role", "id"],
        "properties": {"role": {"enum": ["citizen", "entrepreneur", "officer", "ops"]},
                       "id": TEXT, "phone": TEXT, "centre_id": TEXT, "agency_id": TEXT},
    },
    "Tokens": {
        "type": "object",
        "required": ["access_token", "token_type", "expires_in", "refresh_token", "principal"],
        "properties": {"access_token": TEXT, "token_type": {"const": "Bearer"},
                       "expires_in": {"type": "integer"}, "refresh_token": TEXT,
                       "principal": _schema("Principal")},
    },
}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
NAME = {"oneOf": [BILINGUAL, {"type": "null"}]}
DEPTH = {"type": ["integer", "null"], "minimum": 0}
STATS_SCHEMAS: dict[str, dict[str, Any]] = {
    "StatsGroup": {
        "type": "object", "required": ["key", "name", "counts", "total"],
        "properties": {"key": TEXT, "name": NAME, "counts": COUNTS,
                       "total": {"type": "integer", "minimum": 0}},
    },
    "Stats": {
        "type": "object",
        "required": ["from", "to", "by", "generated_at", "counted_at", "totals", "trend",
                     "groups", "queues", "overdue", "consents_without_code"],
        "properties": {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "by": {"type": "array", "items": TEXT},
            "generated_at": {"type": "string", "format": "date-time"},
            "counted_at": {"type": "string", "format": "date-time",
                           "description": "When the oldest of these counts was counted "
                                          "(a day not yet over is counted every minute)"},
            "totals": COUNTS,
            "trend": {"type": "array", "items": {
                "type": "object", "required": ["date", "submitted"],
                "properties": {"date": {"type": "string", "format": "date"},
                               "submitted": {"type": "integer"},
                               "approved": {"type": "integer"},
                               "rejected": {"type": "integer"}}}},
            "groups": {"type": "object", "additionalProperties": {
                "type": "array", "items": _schema("StatsGroup")}},
            "queues": {"type": "array", "items": {
                "type": "object", "required": ["agency_id", "waiting", "in_flight",
                                               "dead_letter"],
                "properties": {"agency_id": TEXT, "name": NAME, "waiting": DEPTH,
                               "in_flight": DEPTH, "dead_letter": DEPTH}}},
            "overdue": {"type": "object", "required": ["total", "by_agency", "by_service"],
                        "properties": {"total": {"type": "integer", "minimum": 0},
                                       "by_agency": {"type": "array"},
                                       "by_service": {"type": "array"}}},
            "consents_without_code": {"type": "integer", "minimum": 0},
        },
    },
}
STATIC_SCHEMAS.update(STATS_SCHEMAS)
STATIC_SCHEMAS["DeskPage"] = {
    "type": "object", "required": ["applications", "cursor"],
    "properties": {"applications": {"type": "array", "items": {"type": "object"}},
                   "cursor": NULLABLE_TEXT},
}
STATIC_SCHEMAS["CallbackAnswer"] = {
    "type": "object", "required": ["tracking_id", "status"],
    "properties": {"tracking_id": TEXT, "status": TEXT},
}
AREA = {"oneOf": [{"type": "object", "required": ["id", "name"],
                   "properties": {"id": TEXT, "name": BILINGUAL}}, {"type": "null"}]}
CENTRE_SCHEMAS: dict[str, dict[str, Any]] = {
    "Centre": {
        "type": "object",
        "required": ["id", "type", "type_name", "name", "division", "district", "upazila",
                     "union", "address", "hours", "demo"],
        "properties": {
            "id": TEXT, "type": {"enum": ["udc", "pourashava_dc", "city_dc", "nagorik_sheba",
                                          "epost"]},
            "type_name": BILINGUAL, "name": BILINGUAL, "division": AREA, "district": AREA,
            "upazila": AREA, "union": AREA, "address": BILINGUAL, "hours": BILINGUAL,
            "demo": {"type": "boolean"},
        },
    },
    "CentrePage": {
        "type": "object", "required": ["centres", "cursor"],
        "properties": {"centres": {"type": "array", "items": _schema("Centre")},
                       "cursor": NULLABLE_TEXT},
    },
}
MONEY = {"type": "object", "required": ["poisha", "bdt"],
         "properties": {"poisha": {"type": "integer"}, "bdt": TEXT}}
LEDGER_SUM: dict[str, Any] = {"type": "object",
              "required": ["applications", "fees", "fees_unknown", "service_charges",
                           "collected"],
              "properties": {"applications": {"type": "integer", "minimum": 0}, "fees": MONEY,
                             "fees_unknown": {"type": "integer", "minimum": 0},
                             "service_charges": MONEY, "collected": MONEY}}
CENTRE_SCHEMAS["Ledger"] = {
    "type": "object", "required": ["centre_id", "from", "to", "entries", "totals"],
    "description": "The totals are the sums of the entries. fee_poisha is null where the "
                   "service's fee rules do not give the amount (fees_unknown counts them).",
    "properties": {
        "centre_id": TEXT, "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "entries": {"type": "array", "items": {
            "type": "object",
            "required": ["tracking_id", "date", "service_id", "fee_poisha",
                         "service_charge_poisha", "payment_method"],
            "properties": {"tracking_id": TEXT, "date": {"type": "string", "format": "date"},
                           "created_at": {"type": "string", "format": "date-time"},
                           "service_id": TEXT, "entrepreneur_id": TEXT,
                           "fee_poisha": {"type": ["integer", "null"]},
                           "fee_bdt": NULLABLE_TEXT,
                           "service_charge_poisha": {"type": "integer"},
                           "service_charge_bdt": TEXT,
                           "payment_method": {"enum": ["cash", "mfs"]},
                           "mfs_provider": NULLABLE_TEXT}}},
        "totals": {**LEDGER_SUM, "required": [*LEDGER_SUM["required"], "by_method"],
                   "properties": {**LEDGER_SUM["properties"], "by_method": {
                       "type": "object", "required": ["cash", "mfs"],
                       "properties": {"cash": LEDGER_SUM, "mfs": LEDGER_SUM}}}},
    },
}
MONEY_TEXT = {"type": ["string", "null"], "description": "taka, two decimals"}
POISHA = {"type": ["integer", "null"]}
CENTRE_SCHEMAS["Receipt"] = {
    "type": "object",
    "required": ["tracking_id", "tracking_id_bn", "service_title", "agency_name", "submitted",
                 "fee_poisha", "service_charge_poisha", "centre", "entrepreneur",
                 "verify_url", "qr_svg"],
    "properties": {
        "tracking_id": TEXT, "tracking_id_bn": TEXT, "tracking_id_display": TEXT,
        "service_id": TEXT, "service_title": NAME, "agency_name": NAME,
        "applicant_name": TEXT, "channel": TEXT,
        "submitted": {"type": "object", "required": ["date", "date_bn", "bangla_date_bn"],
                      "properties": {"date": {"type": "string", "format": "date"},
                                     "date_bn": TEXT, "bangla_date_bn": TEXT,
                                     "at": {"type": "string", "format": "date-time"}}},
        "fee_poisha": POISHA, "fee_bdt": MONEY_TEXT, "fee_confirmed": {"type": "boolean"},
        "service_charge_poisha": POISHA, "service_charge_bdt": MONEY_TEXT,
        "total_poisha": POISHA, "total_bdt": MONEY_TEXT,
        "payment_method": NAME,
        "centre": {"oneOf": [{"type": "object", "required": ["id", "name"],
                              "properties": {"id": TEXT, "name": NAME}}, {"type": "null"}]},
        "entrepreneur": {"oneOf": [{"type": "object", "required": ["id", "name"],
                                    "properties": {"id": TEXT, "name": NULLABLE_TEXT}},
                                   {"type": "null"}]},
        "consent_recorded": {"type": "boolean"},
        "verify_url": {"type": "string", "format": "uri"},
        "qr_svg": {"type": "string", "description": "the verify URL as a QR code, inline SVG"},
    },
}
CENTRE_SCHEMAS["Verification"] = {
    "type": "object",
    "required": ["genuine", "message", "service_title", "status", "submitted", "centre_name"],
    "description": "Nothing about the person: the service, its status, the day, the centre.",
    "properties": {
        "genuine": {"const": True}, "message": BILINGUAL, "tracking_id_bn": TEXT,
        "service_title": NAME, "status": TEXT, "status_name": BILINGUAL,
        "submitted": DAY, "centre_name": NAME,
    },
}
STATIC_SCHEMAS.update(CENTRE_SCHEMAS)
# Request bodies: the bundled meta-schemas the server itself validates with.
BODY_SCHEMAS = {"Submission": "submission", "Decision": "decision", "Response": "response",
                "CodeRequest": "code-request", "CodeCheck": "code-check", "SignIn": "sign-in",
                "Refresh": "refresh", "Callback": "callback"}


def _parameters(path: str, doc: Doc) -> list[dict[str, Any]]:
    found = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string",
                                                                  "minLength": 1}}
        for name in re.findall(r"{(\w+)}", path)
    ]
    found += [{"name": name, "in": "query", "required": False, "schema": schema}
              for name, schema in doc.query.items()]
    found += [{"name": name, "in": "header", "required": required, "schema": schema}
              for name, (schema, required) in doc.headers.items()]
    return found


def _responses(doc: Doc) -> dict[str, Any]:
    found: dict[str, Any] = {}
    # Every route answers 400 to a query parameter it does not take (api/middleware.py).
    for status, schema in sorted({400: "Error", **doc.responses}.items()):
        entry: dict[str, Any] = {"description": REASONS.get(status, str(status))}
        if schema is not None:
            entry["content"] = {JSON: {"schema": _schema(schema)}}
        found[str(status)] = entry
    return found


def _operation(path: str, method: str, doc: Doc) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": re.sub(r"[^a-zA-Z0-9]+", "_", f"{method}_{path}").strip("_"),
        "summary": doc.summary,
        "tags": [doc.tag],
        "parameters": _parameters(path, doc),
        "responses": _responses(doc),
    }
    if doc.body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {JSON: {"schema": _schema(doc.body)}}}
    if doc.secured:
        operation["security"] = [{"bearer": []}]
    return operation


def documented_routes(app: Any) -> dict[tuple[str, str], Doc | None]:
    """Every ``(path, method)`` the app routes, with its documentation (``None``: none)."""
    return {
        (path, method): getattr(entry.view_function, "__openapi__", None)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if method != "OPTIONS"
    }


def describe(app: Any) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s documented routes."""
    settings = get_settings()
    paths: dict[str, dict[str, Any]] = {}
    for (path, method), doc in sorted(documented_routes(app).items()):
        if doc is not None:
            paths.setdefault(path, {})[method.lower()] = _operation(path, method, doc)
    schemas = dict(STATIC_SCHEMAS)
    for name, meta in BODY_SCHEMAS.items():
        schemas[name] = load_meta(settings.schemas_dir, meta)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Nagorik Sheba API",
            "version": "1",
            "description": "Apply for government services, follow them, decide them. "
                           "Every error answers in Bangla and English and names each "
                           "invalid field.",
        },
        "servers": [{"url": "/", "description": "This stage (the web app serves it at /api)"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "An access token from /auth/otp/verify, /auth/login or "
                               "/auth/refresh (15 minutes).",
            }},
        },
    }


@cache
def _document_text(app: Any) -> str:
    import json

    return json.dumps(describe(app), ensure_ascii=False, separators=(",", ":"))


@openapi_routes.route("/openapi.json", methods=["GET"])
@documented("This description", {200: "OpenApi", 304: None, 503: "Error"}, tag="meta",
            headers={"If-None-Match": ({"type": "string"}, False)})
@translating
def openapi_document() -> Response:
    """The API's OpenAPI 3.1 description. 200, 304 (public)."""
    from .catalog import cacheable_text

    return cacheable_text(_document_text(openapi_routes.current_app),
                          openapi_routes.current_request)
