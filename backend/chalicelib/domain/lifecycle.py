"""The application lifecycle: statuses, the only legal moves, and the history they leave.

    submitted -> queued -> forwarded -> in_review -> (needs_info <-> resubmitted)
              -> approved | rejected;  approved -> delivered
    cancelled: by the applicant, from submitted or queued (before it is forwarded)

Every move is checked against ``TRANSITIONS`` and appended to the application's
history with who, when, why and through which channel. Persisting the move with an
optimistic-lock condition is the store's job; deciding whether it is legal is this
module's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .assisted import Assisted
from .errors import IllegalTransition
from .messages import Text


class Status(StrEnum):
    """Where an application is. The value is what the API and the store carry."""

    SUBMITTED = "submitted"
    QUEUED = "queued"
    FORWARDED = "forwarded"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    @property
    def label(self) -> Text:
        """The status as a citizen reads it."""
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, Text] = {
    Status.SUBMITTED: Text("জমা দেওয়া হয়েছে", "Submitted"),
    # not "অপেক্ষমাণ" / "waiting": the web app's list of what this phone has not sent yet
    # is named that way, and the two must not read alike
    Status.QUEUED: Text("দপ্তরে পাঠানোর সারিতে", "In line for the office"),
    Status.FORWARDED: Text("দপ্তরে পাঠানো হয়েছে", "Sent to the office"),
    Status.IN_REVIEW: Text("প্রক্রিয়াধীন", "Under review"),
    Status.NEEDS_INFO: Text("আরও তথ্য প্রয়োজন", "More information needed"),
    Status.RESUBMITTED: Text("তথ্যসহ পুনরায় জমা দেওয়া হয়েছে", "Resubmitted with information"),
    Status.APPROVED: Text("অনুমোদিত", "Approved"),
    Status.REJECTED: Text("নামঞ্জুর", "Rejected"),
    Status.DELIVERED: Text("সরবরাহ করা হয়েছে", "Delivered"),
    Status.CANCELLED: Text("বাতিল", "Cancelled"),
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.QUEUED, Status.CANCELLED}),
    Status.QUEUED: frozenset({Status.FORWARDED, Status.CANCELLED}),
    Status.FORWARDED: frozenset({Status.IN_REVIEW}),
    Status.IN_REVIEW: frozenset({Status.NEEDS_INFO, Status.APPROVED, Status.REJECTED}),
    Status.NEEDS_INFO: frozenset({Status.RESUBMITTED}),
    Status.RESUBMITTED: frozenset({Status.NEEDS_INFO, Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.DELIVERED}),
    Status.REJECTED: frozenset(),
    Status.DELIVERED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# The statuses a citizen is told about by SMS (the others are internal plumbing).
CITIZEN_NOTIFIED = frozenset(
    {Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFO, Status.APPROVED,
     Status.REJECTED, Status.DELIVERED, Status.CANCELLED}
)


class Decision(StrEnum):
    """What an agency may decide about an application under review."""

    APPROVE = "approve"
    REJECT = "reject"
    NEEDS_INFO = "needs_info"

    @property
    def target(self) -> Status:
        """The status the decision moves the application to."""
        return {
            Decision.APPROVE: Status.APPROVED,
            Decision.REJECT: Status.REJECTED,
            Decision.NEEDS_INFO: Status.NEEDS_INFO,
        }[self]

    @property
    def label(self) -> Text:
        """The decision as a verb phrase, for messages."""
        return {
            Decision.APPROVE: Text("অনুমোদন", "approved"),
            Decision.REJECT: Text("নামঞ্জুর", "rejected"),
            Decision.NEEDS_INFO: Text("আরও তথ্য চাওয়া", "asked for more information"),
        }[self]


class Channel(StrEnum):
    """Through which door a change came."""

    SELF = "self"  # the citizen, on their own phone
    ASSISTED = "assisted"  # an entrepreneur at a centre, for the citizen
    AGENCY_API = "agency_api"  # the agency's system, through its adapter or callback
    AGENCY_DESK = "agency_desk"  # an officer in the web app
    SYSTEM = "system"  # the platform itself (queueing, forwarding)


@dataclass(frozen=True)
class HistoryEntry:
    """One move in an application's life."""

    status: Status
    at: datetime
    actor: str
    channel: Channel
    reason: str | None = None
    previous: Status | None = None

    def to_dict(self) -> dict[str, Any]:
        """The entry as stored and as the API returns it (before formatting)."""
        return {
            "status": self.status.value,
            "previous": self.previous.value if self.previous else None,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "channel": self.channel.value,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> HistoryEntry:
        """Rebuild an entry from its stored form."""
        previous = raw.get("previous")
        return cls(
            status=Status(raw["status"]),
            at=datetime.fromisoformat(raw["at"]),
            actor=raw["actor"],
            channel=Channel(raw["channel"]),
            reason=raw.get("reason"),
            previous=Status(previous) if previous else None,
        )


def can_move(current: Status, target: Status) -> bool:
    """Whether the lifecycle allows ``current -> target``."""
    return target in TRANSITIONS[current]


@dataclass
class Application:
    """An application for one service by one applicant, and everything that happened to it.

    ``version`` is the optimistic-lock counter as last read from the store; a move is
    persisted only if nobody else has written since.
    """

    tracking_id: str
    service_id: str
    service_version: int
    agency_id: str
    applicant_name: str
    applicant_phone: str | None  # None: a citizen with no phone of their own (assisted)
    form: dict[str, Any]
    channel: Channel
    created_at: datetime
    district_id: int
    status: Status = Status.SUBMITTED
    history: list[HistoryEntry] = field(default_factory=list)
    updated_at: datetime | None = None
    centre_id: str | None = None
    agency_ref: str | None = None
    due_by: date | None = None  # set when the office receives it, from the service's SLA
    # Why the agency could not take it yet: {"reason", "first_at", "last_at", "attempts"}
    dispatch_failure: dict[str, Any] | None = None
    # How the citizen's consent to an assisted application was recorded: "code" (they
    # typed the code sent to their phone) or "no_code" (the centre recorded it without
    # one); ``None`` for a citizen's own application.
    consent: str | None = None
    # Made at a centre: the entrepreneur, the fee, the service charge, the payment.
    assisted: Assisted | None = None
    version: int | None = None

    @classmethod
    def submit(cls, *, actor: str, **fields: Any) -> Application:
        """A new application, with its first history entry."""
        application = cls(**fields)
        application.updated_at = application.created_at
        application.history.append(
            HistoryEntry(Status.SUBMITTED, application.created_at, actor, application.channel)
        )
        return application

    def move_to(
        self,
        target: Status,
        *,
        at: datetime,
        actor: str,
        channel: Channel,
        reason: str | None = None,
        action: Text | None = None,
    ) -> HistoryEntry:
        """Move to ``target`` if the lifecycle allows it; return the new history entry.

        Raises ``IllegalTransition`` (409) naming the current status otherwise.
        """
        if not can_move(self.status, target):
            verb = action or target.label
            raise IllegalTransition(
                "transition_not_allowed",
                values={
                    "status_bn": self.status.label.bn,
                    "status_en": self.status.label.en,
                    "action_bn": verb.bn,
                    "action_en": verb.en,
                },
            )
        entry = HistoryEntry(target, at, actor, channel, reason, previous=self.status)
        self.status = target
        self.updated_at = at
        self.history.append(entry)
        return entry
