"""What every agency adapter does: take an application, say whether the agency has it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..domain.lifecycle import Application


@dataclass(frozen=True)
class AgencyReceipt:
    """The agency's answer to a forwarded application.

    ``reference`` is the agency's own number for it (``None`` for the desk, which has
    none); ``under_review`` is true when the agency has already started looking at it
    (the application moves on to ``in_review`` at once).
    """

    reference: str | None
    under_review: bool


class AgencyAdapter(Protocol):
    """Forwards applications to one agency.

    ``forward`` must be safe to call twice for the same application (it sends the
    same ``webhook-id``, the tracking id and the step, every time), because a worker may
    crash after the agency answered and before the answer was recorded. It raises
    ``AgencyUnavailable`` (retryable: timeouts, connection errors, 5xx, 429, with the
    agency's ``Retry-After``) or ``AgencyRefused`` (final: the agency refuses the data).
    """

    def forward(self, application: Application) -> AgencyReceipt:
        """Hand the application to the agency."""
        ...
