"""Use-cases on applications: submit, track, decide, dispatch to the agency, requeue.

Pure Python: the store, the queue, the validation and the clock are handed in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol

from . import tracking
from .bangla import add_working_days, dhaka_date
from .catalog import Catalog, Service
from .errors import (
    ConcurrentUpdate,
    Conflict,
    FieldProblem,
    NotFound,
    PoisonMessage,
    ServiceUnavailable,
    ValidationFailed,
)
from .lifecycle import Application, Channel, Decision, HistoryEntry, Status
from .messages import Text
from .phone import normalise_mobile
from .ports import AgencyQueue, ApplicationStore, FormValidation, TrackingIdTaken

MAX_ID_ATTEMPTS = 8


class Forwarder(Protocol):
    """Anything that hands an application to an agency (see ``agencies.adapter``)."""

    def forward(self, application: Application) -> Any:
        """Return a receipt with ``reference`` and ``under_review``."""
        ...


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


class Applications:
    """Everything that happens to an application, from submission to decision."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        store: ApplicationStore,
        queue: AgencyQueue,
        validation: FormValidation,
        district_of: Callable[[dict[str, Any]], int | None],
        clock: Callable[[], datetime] = utc_now,
        new_tracking_id: Callable[[int, date], str] = tracking.new_tracking_id,
        holidays: Callable[[], frozenset[date]] = frozenset,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.queue = queue
        self.validation = validation
        self.district_of = district_of
        self.clock = clock
        self.new_tracking_id = new_tracking_id
        self.holidays = holidays

    # --- submit --------------------------------------------------------------------

    def submit(
        self, body: Any, *, channel: Channel, actor: str, centre_id: str | None = None
    ) -> Application:
        """Validate, store and queue a new application; return it.

        Raises ``ValidationFailed`` (every invalid field), ``NotFound`` (unknown
        service), ``Conflict`` (outdated form version, channel not offered).
        """
        envelope, form = self._validated(body)
        service = self.catalog.service(envelope["service_id"])
        if channel.value not in service.channels:
            raise Conflict("service_not_offered")
        applicant = envelope["applicant"]
        now = self.clock()
        district = self._district(service, form)
        for _ in range(MAX_ID_ATTEMPTS):
            application = Application.submit(
                actor=actor,
                tracking_id=self.new_tracking_id(district, dhaka_date(now)),
                service_id=service.id,
                service_version=envelope["service_version"],
                agency_id=service.agency,
                applicant_name=applicant["name"],
                applicant_phone=normalise_mobile(applicant["phone"]) or applicant["phone"],
                form=form,
                channel=channel,
                created_at=now,
                district_id=district,
                centre_id=centre_id,
            )
            try:
                self.store.create(application)
                break
            except TrackingIdTaken:
                continue
        else:  # pragma: no cover - 8 collisions in a row means the id space is exhausted
            raise ServiceUnavailable("service_unavailable")
        self._queue(application)
        return application

    def _validated(self, body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The normalised envelope and form, or one ``ValidationFailed`` naming every field.

        Problems in the applicant part and in the form are reported together; the form
        is checked whenever the service it names is known.
        """
        problems: list[FieldProblem] = []
        try:
            envelope = self.validation.submission(body)
        except ValidationFailed as failed:
            envelope, problems = body, list(failed.fields)
        unusable = {"service_id", "service_version", "form"}
        if any(problem.path.split(".")[0] in unusable for problem in problems):
            raise ValidationFailed("validation_failed", fields=problems)
        service = self.catalog.service(envelope["service_id"])
        service.check_version(envelope["service_version"])
        try:
            form = self.validation.form(service, envelope["form"])
        except ValidationFailed as failed:
            problems.extend(failed.fields)
        if problems:
            raise ValidationFailed("validation_failed", fields=problems)
        return envelope, form

    def _district(self, service: Service, form: dict[str, Any]) -> int:
        for name in service.address_fields():
            district = self.district_of(form.get(name) or {})
            if district is not None:
                return district
        return tracking.NO_DISTRICT

    def _queue(self, application: Application) -> None:
        """Send to the agency's queue and mark it queued.

        If the queue cannot be reached the application stays ``submitted`` (it is
        already stored) and ``requeue_stalled`` sends it later. If the worker was
        faster than us and already moved it on, there is nothing left to do.
        """
        try:
            self.queue.enqueue(application.agency_id, {"tracking_id": application.tracking_id})
        except ServiceUnavailable:
            return
        snapshot = (application.status, list(application.history), application.updated_at)
        try:
            entry = application.move_to(
                Status.QUEUED, at=self.clock(), actor="system", channel=Channel.SYSTEM
            )
            self.store.record(application, entry)
        except (Conflict, ServiceUnavailable):
            # The worker moved it first, or the store blinked: either way the message
            # is queued and the worker moves a still-submitted application on itself.
            application.status, application.history, application.updated_at = snapshot

    # --- track ---------------------------------------------------------------------

    def track(self, tracking_text: str, phone_text: str) -> Application:
        """The application, if ``phone_text`` is its applicant's phone.

        A tracking id with a wrong check digit is refused before any lookup (422);
        an unknown id and a wrong phone get the same 404, so neither reveals anything.
        """
        tracking_id = parse_tracking_id(tracking_text)
        phone = normalise_mobile(phone_text or "")
        if phone is None:
            raise ValidationFailed(
                "validation_failed",
                fields=[FieldProblem.of("phone", "mobile", Text("মোবাইল নম্বর", "Mobile number"))],
            )
        application = self.store.get(tracking_id)
        if application is None or application.applicant_phone != phone:
            raise NotFound("application_not_found")
        return application

    def due_by(self, application: Application) -> date | None:
        """The last working day the office has, when the service publishes a time limit."""
        service = self.catalog.service(application.service_id)
        days = service.sla_working_days
        if days is None:
            return None
        return add_working_days(dhaka_date(application.created_at), days, self.holidays())

    # --- decide --------------------------------------------------------------------

    def decide(
        self,
        tracking_text: str,
        body: Any,
        *,
        channel: Channel,
        actor: str | None = None,
        expected_version: int | None = None,
    ) -> Application:
        """Record an agency's decision (approve, reject, needs_info) on an application.

        Raises ``IllegalTransition`` (409) if the application is not under review,
        ``ConcurrentUpdate`` (409) if someone else decided first.
        """
        tracking_id = parse_tracking_id(tracking_text)
        request = self.validation.decision(body)
        application = self.store.get(tracking_id)
        if application is None:
            raise NotFound("application_not_found")
        if expected_version is not None and expected_version != application.version:
            raise ConcurrentUpdate("concurrent_update")
        decision = Decision(request["decision"])
        entry = application.move_to(
            decision.target,
            at=self.clock(),
            actor=actor or f"agency:{application.agency_id}",
            channel=channel,
            reason=request.get("reason"),
            action=decision.label,
        )
        self.store.record(application, entry)
        return application

    # --- dispatch (worker) ---------------------------------------------------------

    def dispatch(self, tracking_id: str, agency: Forwarder) -> Application | None:
        """Forward a queued application to its agency and record the agency's answer.

        Safe to run twice for the same message: an application already past
        ``queued`` is left alone. Raises ``PoisonMessage`` for an id that does not
        exist, ``AgencyError`` when the agency cannot take it now, ``ConcurrentUpdate``
        when another writer got there first (the message is retried).
        """
        canonical = tracking.parse(tracking_id)
        application = self.store.get(canonical) if canonical else None
        if application is None:
            raise PoisonMessage(f"no application {tracking_id!r}")
        if application.status is Status.SUBMITTED:
            # The message can arrive before the API has marked the application queued:
            # mark it here, first, so the agency is never called for a losing write.
            try:
                entry = application.move_to(
                    Status.QUEUED, at=self.clock(), actor="system", channel=Channel.SYSTEM
                )
                self.store.record(application, entry)
            except ConcurrentUpdate:
                application = self.store.get(application.tracking_id) or application
        if application.status is not Status.QUEUED:
            return None
        receipt = agency.forward(application)
        actor = f"agency:{application.agency_id}"
        application.agency_ref = receipt.reference
        entries: list[HistoryEntry] = [
            application.move_to(
                Status.FORWARDED, at=self.clock(), actor=actor, channel=Channel.AGENCY_API
            )
        ]
        if receipt.under_review:
            entries.append(
                application.move_to(
                    Status.IN_REVIEW, at=self.clock(), actor=actor, channel=Channel.AGENCY_API
                )
            )
        self.store.record(application, *entries)
        return application

    def requeue_stalled(self, agency_id: str, *, older_than: timedelta, limit: int = 100) -> int:
        """Send again applications left ``submitted`` because the queue was down.

        Returns how many were sent. Only applications untouched for ``older_than``
        are taken, so one that is being submitted right now is not sent twice.
        """
        cutoff = (self.clock() - older_than).isoformat()
        page = self.store.by_agency_status(
            agency_id, Status.SUBMITTED, limit=limit, cursor=None, updated_before=cutoff
        )
        sent = 0
        for application in page.items:
            self._queue(application)
            sent += 1
        return sent


def parse_tracking_id(text: str) -> str:
    """The canonical tracking id, or ``ValidationFailed`` naming the field (no lookup)."""
    tracking_id = tracking.parse(text or "")
    if tracking_id is None:
        raise ValidationFailed(
            "tracking_id_invalid",
            fields=[
                FieldProblem.of(
                    "tracking_id", "tracking_id", Text("ট্র্যাকিং নম্বর", "Tracking number")
                )
            ],
        )
    return tracking_id

