"""Cross-origin access: only the stage's configured origins may call the API from a browser.

The web app calls the API on its own origin (``/api``, through CloudFront or the local
web server) and needs none of this; it is for other browser clients a stage allows
(``NAGORIK_CORS_ORIGINS``, comma-separated, from ``chalice.json``), such as an agency's
own web tools. Answers to an allowed origin name it (and ``Vary: Origin``); a preflight
(``OPTIONS``) from any other origin is refused with the bilingual body.
"""

from __future__ import annotations

from typing import Any

from chalice import Response

from ..domain.errors import Forbidden
from ..settings import get_settings
from .errors import error_response

ALLOW_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-Match",
                 "If-None-Match", "X-Correlation-Id")
EXPOSE_HEADERS = ("ETag", "Location", "Retry-After", "X-Correlation-Id")
MAX_AGE_SECONDS = 600


def allowed(origin: str | None) -> bool:
    """Whether a browser on ``origin`` may read the API's answers."""
    return bool(origin) and origin in get_settings().cors_origins


def cors_headers(origin: str | None) -> dict[str, str]:
    """The headers an answer to ``origin`` carries (none for an origin not allowed)."""
    if not allowed(origin):
        return {}
    return {"Access-Control-Allow-Origin": str(origin), "Vary": "Origin",
            "Access-Control-Expose-Headers": ", ".join(EXPOSE_HEADERS)}


def add_preflight_routes(app: Any) -> None:
    """An ``OPTIONS`` route beside every path (call once every blueprint is registered)."""
    for path, methods in list(app.routes.items()):
        if "OPTIONS" in methods:
            continue
        verbs = ", ".join(sorted({*methods, "OPTIONS"}))

        def preflight(*_: Any, verbs: str = verbs, **__: Any) -> Response:
            origin = app.current_request.headers.get("origin")
            if not allowed(origin):
                return error_response(Forbidden("origin_not_allowed"))
            return Response(body="", status_code=204, headers={
                **cors_headers(origin), "Access-Control-Allow-Methods": verbs,
                "Access-Control-Allow-Headers": ", ".join(ALLOW_HEADERS),
                "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
            })

        app.route(path, methods=["OPTIONS"])(preflight)
