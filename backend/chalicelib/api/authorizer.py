"""Who is calling: the one built-in authorizer, and the principal a route is handed.

API Gateway (and ``chalice local``, and the test client) run ``authenticated`` before
every route that names it: a valid access token lets the request through with the
principal's claims in the request context; anything else is refused before the route
runs (401, the platform's bilingual body: see ``GATEWAY_RESPONSES``). A route then
decides, with ``domain.access``, what this principal may do.
"""

from __future__ import annotations

from typing import Any

from chalice import AuthResponse, Blueprint

from ..domain.access import Principal
from ..domain.errors import Unauthorized

authorizer_routes = Blueprint(__name__)
BEARER = "bearer "


class TokenRefused(Exception):
    """Raised by the authorizer: API Gateway answers 401 for exactly this message."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


@authorizer_routes.authorizer(ttl_seconds=300)  # a token's verdict, cached by API Gateway
def authenticated(auth_request: Any) -> AuthResponse:
    """A request with a valid ``Authorization: Bearer <access token>`` goes through."""
    from ..tokens import tokens

    token = auth_request.token or ""
    if not token.lower().startswith(BEARER):
        raise TokenRefused
    try:
        principal = tokens().verify(token[len(BEARER):].strip())
    except Unauthorized:
        raise TokenRefused from None
    context = {key: str(value) for key, value in principal.claims().items()}
    return AuthResponse(routes=["*"], principal_id=principal.id, context=context)


def principal_of(request: Any) -> Principal:
    """The principal the authorizer let through (``Unauthorized`` if there is none)."""
    context = (request.context or {}).get("authorizer") or {}
    try:
        return Principal.from_claims(context)
    except (KeyError, ValueError):
        raise Unauthorized("sign_in_required") from None
