"""The one error hierarchy of the platform.

Every failure a caller can cause or observe is one of these types. Each carries a
message code (looked up in ``messages``) and, for invalid input, the list of
offending fields. ``api/errors.py`` holds the single table from type to HTTP status;
no handler builds an error body itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .messages import ERRORS, FIELD_ERRORS, Text

# An error body lists at most this many fields (in form order) and says how many more
# there were: a body with thousands of bad entries must not get an answer larger than
# itself.
MAX_REPORTED_FIELDS = 50
# A field name echoed back in a message (an unknown key) is cut to this many characters.
MAX_ECHOED_NAME = 40


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field: where it is (dotted path), what is wrong, in both languages."""

    path: str
    code: str
    message: Text

    def to_dict(self) -> dict[str, str]:
        """Return the field as it appears in an error body."""
        return {
            "path": self.path,
            "code": self.code,
            "message_bn": self.message.bn,
            "message_en": self.message.en,
        }

    @classmethod
    def of(cls, path: str, code: str, label: Text, **values: Any) -> FieldProblem:
        """Build a problem from a field-error code and the field's label."""
        template = FIELD_ERRORS.get(code, FIELD_ERRORS["invalid"])
        return cls(cut(path, 4 * MAX_ECHOED_NAME), code,
                   template.format(label_bn=label.bn, label_en=label.en, **values))


def cut(text: str, limit: int = MAX_ECHOED_NAME) -> str:
    """``text`` shortened to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class NagorikError(Exception):
    """Base of every expected failure: a code, its bilingual message, the fields."""

    code: str = "internal_error"
    fields: list[FieldProblem] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.code)

    @property
    def message(self) -> Text:
        """The request-level message in both languages."""
        return ERRORS.get(self.code, ERRORS["internal_error"]).format(**self.values)

    def to_body(self, max_fields: int = MAX_REPORTED_FIELDS) -> dict[str, Any]:
        """Return the error body every 4xx/5xx response carries.

        At most ``max_fields`` fields are listed; ``fields_omitted`` counts the rest.
        """
        body: dict[str, Any] = {
            "code": self.code,
            "message_bn": self.message.bn,
            "message_en": self.message.en,
            "fields": [problem.to_dict() for problem in self.fields[:max_fields]],
        }
        if len(self.fields) > max_fields:
            body["fields_omitted"] = len(self.fields) - max_fields
        return body


class BadRequest(NagorikError):
    """The request itself is unreadable: bad JSON, missing header, wrong shape."""


class UnsupportedMediaType(NagorikError):
    """The body is not JSON."""


class PayloadTooLarge(NagorikError):
    """The body is over the size limit."""


class ValidationFailed(NagorikError):
    """The body is readable but breaks the service's schema; ``fields`` says where."""


class Unauthorized(NagorikError):
    """No valid sign-in: no token, an expired or forged one, a wrong code or password."""


class Forbidden(NagorikError):
    """Signed in, but this role may not do this at all (a foreign object is ``NotFound``)."""


@dataclass
class TooManyRequests(NagorikError):
    """A limit was reached (codes sent, wrong tries, requests); ``retry_after`` seconds."""

    retry_after: int = 60


class NotFound(NagorikError):
    """The thing asked for does not exist, or the caller may not know that it does."""


class Conflict(NagorikError):
    """The request clashes with the current state: reused key, stale form, lost race."""


class IllegalTransition(Conflict):
    """The lifecycle does not allow this move from the current status."""


class ConcurrentUpdate(Conflict):
    """Another writer changed the application first (optimistic lock lost)."""


class MethodNotAllowed(NagorikError):
    """The route exists but not with this method."""


class ServiceUnavailable(NagorikError):
    """A dependency is down; the caller may retry the same request safely."""


class AgencyError(Exception):
    """An agency adapter could not complete a call. Not an HTTP error.

    ``retryable`` tells the worker whether to try again later (timeouts, connection
    errors, 5xx, 429) or to give up and move the message to the dead-letter queue (the
    agency refused the data). ``retry_after`` is the agency's own ``Retry-After`` in
    seconds, when it sent one.
    """

    def __init__(self, message: str, *, retryable: bool, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class AgencyUnavailable(AgencyError):
    """The agency cannot take the application now; the same call may succeed later."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message, retryable=True, retry_after=retry_after)


class AgencyRefused(AgencyError):
    """The agency refused the application's data: sending it again will not help."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class PoisonMessage(Exception):
    """A queue message that can never be processed (unreadable, unknown application)."""
