"""Callbacks from agencies with an API: news about an application they hold.

The route has already checked the Standard Webhooks signature with the agency's secret
and the timestamp; here the callback is acted on once per ``webhook-id``:

* a ``webhook-id`` acted on before (kept ``keep_seconds``, at least a day) gets the
  answer it got then, and moves nothing;
* an application of another agency answers like an unknown one (404);
* a move the lifecycle does not allow is refused (409) and changes nothing;
* otherwise the move, its counters, its outbox record (the citizen's SMS) and the
  callback's record are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .applications import Applications, parse_tracking_id
from .errors import NotFound
from .lifecycle import Channel, Decision, Status
from .messages import Text
from .outbox import outbox_for
from .ports import CallbackRecord, CallbackSeen

KEEP_SECONDS = 48 * 60 * 60
REVIEW = Text("যাচাই শুরু", "review started")
DELIVER = Text("সরবরাহ", "delivered")


def _move(request: dict[str, Any]) -> tuple[Status, Text, str | None]:
    """The status a callback moves to, how to name it, and the reason to keep."""
    event = request["event"]
    if event == "in_review":
        return Status.IN_REVIEW, REVIEW, None
    if event == "delivered":
        return Status.DELIVERED, DELIVER, None
    decision = Decision(request["decision"])
    reason = request.get("reason")
    missing = request.get("missing")
    if missing:
        reason = "; ".join([*([reason] if reason else []), *missing])
    return decision.target, decision.label, reason


class AgencyCallbacks:
    """Acts on agencies' signed callbacks, each ``webhook-id`` once."""

    def __init__(self, applications: Applications, *, keep_seconds: int = KEEP_SECONDS,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.applications = applications
        self.store = applications.store
        self.keep_seconds = keep_seconds
        self.clock = clock or applications.clock

    def receive(self, agency_id: str, webhook_id: str, body: Any) -> tuple[dict[str, Any], bool]:
        """The answer to a verified callback, and whether it is a replay's.

        Raises ``ValidationFailed`` (422) naming each bad field, ``NotFound`` for an
        unknown application or another agency's, ``IllegalTransition`` (409) for a move
        the lifecycle refuses, ``ConcurrentUpdate`` (409) if the application changed
        meanwhile.
        """
        earlier = self.store.callback(agency_id, webhook_id)
        if earlier is not None:
            return earlier.answer, True
        request = self.applications.validation.callback(body)
        tracking_id = parse_tracking_id(request["tracking_id"])
        application = self.store.get(tracking_id)
        if application is None or application.agency_id != agency_id:
            raise NotFound("application_not_found")
        target, action, reason = _move(request)
        now = self.clock()
        entry = application.move_to(target, at=now, actor=f"agency:{agency_id}",
                                    channel=Channel.AGENCY_API, reason=reason, action=action)
        if request.get("reference") and application.agency_ref is None:
            application.agency_ref = request["reference"]
        answer = {"tracking_id": application.tracking_id, "status": application.status.value}
        record = CallbackRecord(agency_id, webhook_id, application.tracking_id, answer,
                                int(now.timestamp()) + self.keep_seconds)
        try:
            self.store.record(application, entry, outbox=outbox_for(application, [entry]),
                              callback=record)
        except CallbackSeen:
            # The same callback, sent twice at once: the other request acted on it.
            again = self.store.callback(agency_id, webhook_id)
            if again is None:  # pragma: no cover - written in the transaction that beat us
                raise
            return again.answer, True
        return answer, False
