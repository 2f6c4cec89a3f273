"""The agency desk: for agencies without an API, officers decide in the web app.

Forwarding to the desk cannot fail on the agency's side: the application is put on
the agency's queue of applications under review, where its officers find it. So a
desk agency's messages are never retried into the dead-letter queue.
"""

from __future__ import annotations

from ..domain.lifecycle import Application
from .adapter import AgencyReceipt


class DeskAgency:
    """Hands applications to the agency's officers (no reference: the desk is ours)."""

    def __init__(self, agency_id: str) -> None:
        self.agency_id = agency_id

    def forward(self, application: Application) -> AgencyReceipt:
        """The application is on the desk, awaiting an officer's decision."""
        return AgencyReceipt(reference=None, under_review=True)
