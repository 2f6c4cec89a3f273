"""The agency desk: an officer's queue, delivering, and what is overdue.

For agencies without an API (their worker hands applications to the desk), and for
officers of any agency. Officers see only their own agency's queue: another agency's
answers like an unknown one (404). The queue is a Query on agency and status, oldest
first, paginated; each row says when it is due and whether it is overdue (past its
due-by day, in Dhaka, while still undecided).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from .access import Principal, Role, require
from .applications import Applications
from .bangla import dhaka_date
from .errors import FieldProblem, NotFound, ValidationFailed
from .lifecycle import Application, Channel, Status
from .messages import Text
from .ports import Page

DELIVER = Text("সরবরাহ", "delivered")
# Waiting for the office (its clock runs): overdue once past due-by.
AWAITING_OFFICE = frozenset({Status.FORWARDED, Status.IN_REVIEW, Status.RESUBMITTED})
STATUS_LABEL = Text("অবস্থা", "Status")


def is_overdue(application: Application, today: date) -> bool:
    """Whether the office has kept it past its due-by day without deciding."""
    return (application.status in AWAITING_OFFICE and application.due_by is not None
            and application.due_by < today)


def parse_status(text: str | None) -> Status:
    """A queue's status (``in_review`` when not given); ``ValidationFailed`` naming it."""
    try:
        return Status(text or Status.IN_REVIEW.value)
    except ValueError:
        raise ValidationFailed("query_invalid", fields=[
            FieldProblem.of("status", "enum", STATUS_LABEL)]) from None


class Desk:
    """What officers do at the desk."""

    def __init__(self, applications: Applications,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.applications = applications
        self.clock = clock or applications.clock

    def today(self) -> date:
        """Today in Dhaka (the day overdue is counted against)."""
        return dhaka_date(self.clock())

    def queue(self, principal: Principal, agency_id: str, status: str | None, *,
              limit: int, cursor: str | None) -> Page:
        """The agency's applications in one status, oldest first.

        Raises ``Forbidden`` for anyone but an officer, ``NotFound`` for another agency's
        queue, ``ValidationFailed`` for an unknown status.
        """
        require(principal, Role.OFFICER)
        if principal.agency_id != agency_id:
            raise NotFound("not_found")
        return self.applications.store.by_agency_status(
            agency_id, parse_status(status), limit=limit, cursor=cursor)

    def deliver(self, tracking_text: str, principal: Principal) -> Application:
        """An officer marks an approved application of their agency delivered.

        Raises ``Forbidden``, ``NotFound`` (another agency's), ``IllegalTransition`` (409)
        unless it is approved, ``ConcurrentUpdate`` (409) if someone else wrote first.
        """
        require(principal, Role.OFFICER)
        application = self.applications.for_principal(tracking_text, principal)
        entry = application.move_to(Status.DELIVERED, at=self.clock(), actor=principal.actor,
                                    channel=Channel.AGENCY_DESK, action=DELIVER)
        self.applications.save(application, entry)
        return application
