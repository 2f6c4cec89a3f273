"""What every agency adapter does: take an application, say whether the agency has it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..domain.lifecycle import Application


@dataclass(frozen=True)
class AgencyReceipt:
    """The agency's answer to a forwarded application.

    ``reference`` is the agency's own number for it; ``under_review`` is true when the
    agency has already started looking at it (the application moves on to
    ``in_review`` at once).
    """

    reference: str
    under_review: bool


class AgencyAdapter(Protocol):
    """Forwards applications to one agency.

    ``forward`` must be safe to call twice for the same application (it sends the
    tracking id as the idempotency key), because a worker may crash after the agency
    answered and before the answer was recorded. It raises ``AgencyError`` with
    ``retryable`` set for timeouts and server errors, unset for a refusal.
    """

    def forward(self, application: Application) -> AgencyReceipt:
        """Hand the application to the agency."""
        ...
