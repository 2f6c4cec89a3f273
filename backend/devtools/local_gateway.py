"""What the local stack and the test client add to Chalice's local gateway, so they answer
as the deployed API Gateway does with the template's gateway responses.

Chalice's ``LocalGateway`` refuses a request before any route runs with its own bodies:
``{"message": "Unauthorized"}`` for a missing token, ``Missing Authentication Token``
(403) for an unknown path, and an authorizer that raises escapes as an exception
(API Gateway turns the exception ``Unauthorized`` into a 401). The deployed API answers
these with the platform's bilingual error bodies (``api.errors.GATEWAY_RESPONSES``,
set in the template); ``install()`` makes the local gateway answer the same.
"""

from __future__ import annotations

from typing import Any

_original: Any = None


def _response_type(error: Exception) -> str:
    from chalice.local import ForbiddenError, InvalidAuthorizerError, NotAuthorizedError

    from chalicelib.api.authorizer import TokenRefused

    if isinstance(error, (NotAuthorizedError, TokenRefused)):
        return "UNAUTHORIZED"
    if isinstance(error, ForbiddenError):
        body = error.body or b""
        return ("MISSING_AUTHENTICATION_TOKEN" if b"Missing Authentication Token" in body
                else "ACCESS_DENIED")
    if isinstance(error, InvalidAuthorizerError):
        return "DEFAULT_5XX"
    return "DEFAULT_4XX"


def install() -> None:
    """Answer gateway refusals with the platform's bodies. Idempotent."""
    global _original  # noqa: PLW0603 - one patch per process
    if _original is not None:
        return
    from chalice.local import LocalGateway, LocalGatewayException

    from chalicelib.api.authorizer import TokenRefused
    from chalicelib.api.errors import gateway_body

    _original = LocalGateway.handle_request

    def handle_request(gateway: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return _original(gateway, *args, **kwargs)
        except (LocalGatewayException, TokenRefused) as error:
            status, body = gateway_body(_response_type(error))
            refusal = type(f"Gateway{status}", (LocalGatewayException,), {"CODE": status})
            raise refusal({"Content-Type": "application/json; charset=utf-8"},
                          body.encode()) from None

    LocalGateway.handle_request = handle_request
