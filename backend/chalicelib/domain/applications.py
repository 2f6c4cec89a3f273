"""Use-cases on applications: submit, track, decide, dispatch to the agency.

Pure Python: the store, the validation, the renderer and the clock are handed in.

Submitting is one atomic write and nothing else: the application, the client's
``Idempotency-Key`` claim (with a fingerprint of the body and the answer sent back),
its counters and its outbox record go in one transaction, so there is never an
application without its claim or its message to the agency, and a repeated request
finds the claim and gets the first answer back. The outbox's stream, not the request,
sends the message (see ``outbox``). The worker marks the application ``queued`` when
it takes the message.

Every later move is written the same way: the move, its counters and, when someone
must hear of it, its outbox record, together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from . import tracking
from .access import Principal, Role, application_for, require
from .assisted import CODE, NO_CODE, Assisted, assisted_record, consent_problems, payment_problems
from .assisted import problem as assisted_problem
from .bangla import add_working_days, dhaka_date
from .catalog import Catalog, Service
from .errors import (
    ConcurrentUpdate,
    Conflict,
    FieldProblem,
    NagorikError,
    NotFound,
    PoisonMessage,
    ServiceUnavailable,
    Unauthorized,
    ValidationFailed,
)
from .fees import quote
from .lifecycle import Application, Channel, Decision, HistoryEntry, Status
from .messages import Text
from .outbox import outbox_for
from .phone import normalise_mobile
from .ports import (
    ApplicationStore,
    Claim,
    FormValidation,
    KeyAlreadyClaimed,
    Page,
    TrackingIdTaken,
)

MAX_ID_ATTEMPTS = 8
MAX_REASON = 300  # characters of an agency's error kept on the application
CANCEL = Text("বাতিল", "cancelled")
RESPOND = Text("তথ্যসহ পুনরায় জমা", "resubmitted with the information")
FIRST_VERSION = 1  # the optimistic-lock counter of a newly stored application


class Forwarder(Protocol):
    """Anything that hands an application to an agency (see ``agencies.adapter``)."""

    def forward(self, application: Application) -> Any:
        """Return a receipt with ``reference`` and ``under_review``."""
        ...


@dataclass(frozen=True)
class Submitted:
    """A submission's application, and whether it was made by an earlier request with
    the same key (the caller then gets it again, rendered for them, with 200)."""

    application: Application
    replayed: bool


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def fingerprint(body: Any) -> str:
    """A digest of a request body that ignores key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def no_consent_codes(challenge_id: str, code: str, phone: str) -> None:
    """The consent check of a platform that sends no codes: every code is refused."""
    raise Unauthorized("code_invalid")


ASSISTED_PARTS = ("consent", "payment")


class Applications:
    """Everything that happens to an application, from submission to decision."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        store: ApplicationStore,
        validation: FormValidation,
        district_of: Callable[[dict[str, Any]], int | None],
        clock: Callable[[], datetime] = utc_now,
        new_tracking_id: Callable[[int, date], str] = tracking.new_tracking_id,
        holidays: Callable[[], frozenset[date]] = frozenset,
        claim_seconds: int = 24 * 60 * 60,
        consent_check: Callable[[str, str, str], None] = no_consent_codes,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.validation = validation
        self.district_of = district_of
        self.clock = clock
        self.new_tracking_id = new_tracking_id
        self.holidays = holidays
        self.claim_seconds = claim_seconds
        # (challenge id, code, applicant's phone): uses the code up, or raises
        # ``Unauthorized`` (wrong, expired, used, another phone's) or ``TooManyRequests``.
        self.consent_check = consent_check

    # --- submit --------------------------------------------------------------------

    def submit(self, body: Any, *, key: str, principal: Principal) -> Submitted:
        """Validate and store a new application (and its message to the agency), once per
        idempotency key of this caller.

        A citizen applies for themself: the applicant's phone must be their own. An
        entrepreneur applies for a citizen at their centre (channel ``assisted``), with the
        citizen's consent and the payment (``consent``, ``payment``); the government fee
        is the service's rules applied to the answers, the service charge is refused
        above a known cap.
        Returns the application (201) or, for a key this caller already used with the
        same body, the application made then (200). Raises ``ValidationFailed`` (every
        invalid field, a wrong or expired consent code, a charge over the cap),
        ``NotFound`` (unknown service), ``Conflict`` (key used with another body, outdated
        form version, channel not offered), ``Forbidden`` (a role that does not apply),
        ``TooManyRequests`` (the applicant's phone is locked after wrong codes).
        """
        require(principal, Role.CITIZEN, Role.ENTREPRENEUR)
        assisting = principal.role is Role.ENTREPRENEUR
        channel = Channel.ASSISTED if assisting else Channel.SELF
        claim_key = f"{principal.id}#{key}"  # one caller's keys never meet another's
        digest = fingerprint(body)
        try:
            envelope, form = self._validated(body, principal)
            service = self.catalog.service(envelope["service_id"])
            if channel.value not in service.channels:
                raise Conflict("service_not_offered")
        except NagorikError:
            # An outbox may resend a request accepted before the form changed.
            earlier = self._earlier(claim_key, digest)
            if earlier is not None:
                return earlier
            raise
        now = self.clock()
        given = envelope["applicant"].get("phone")  # absent: no phone of their own (assisted)
        phone = normalise_mobile(given) if given is not None else None
        assisted: Assisted | None = None
        if assisting:
            earlier = self._earlier(claim_key, digest)  # before the code is used up
            if earlier is not None:
                return earlier
            assisted = self._assisted(envelope, service, form, phone=phone, principal=principal,
                                      now=now)
        district = self._district(service, form)
        for _ in range(MAX_ID_ATTEMPTS):
            application = Application.submit(
                actor=principal.actor,
                tracking_id=self.new_tracking_id(district, dhaka_date(now)),
                service_id=service.id,
                service_version=envelope["service_version"],
                agency_id=service.agency,
                applicant_name=envelope["applicant"]["name"],
                applicant_phone=phone,
                form=form,
                channel=channel,
                created_at=now,
                district_id=district,
                centre_id=principal.centre_id if assisting else None,
                consent=(NO_CODE if assisted.consent_reason else CODE) if assisted else None,
                assisted=assisted,
            )
            application.version = FIRST_VERSION
            claim = Claim(claim_key, digest, application.tracking_id,
                          expires_at=int(now.timestamp()) + self.claim_seconds)
            try:
                self.store.create(application, claim,
                                  outbox_for(application, application.history))
                return Submitted(application, replayed=False)
            except TrackingIdTaken:
                continue
            except KeyAlreadyClaimed:
                earlier = self._earlier(claim_key, digest)
                if earlier is None:
                    raise Conflict("idempotency_key_reused") from None
                return earlier
        raise ServiceUnavailable("service_unavailable")  # pragma: no cover - 8 collisions

    def _assisted(self, envelope: dict[str, Any], service: Service, form: dict[str, Any], *,
                  phone: str | None, principal: Principal, now: datetime) -> Assisted:
        """The fee, the charge and the payment, once the citizen's consent is checked:
        the code last, so that a form to fix never uses it up."""
        consent, payment = envelope["consent"], envelope["payment"]
        assisted, problems = assisted_record(
            entrepreneur_id=principal.id, consent=consent, payment=payment,
            quote=quote(service, form, on=dhaka_date(now)))
        if assisted is None:
            raise ValidationFailed("validation_failed", fields=problems)
        if consent.get("method") != "recorded":
            try:
                self.consent_check(str(consent["challenge_id"]), str(consent["code"]),
                                   phone or "")
            except Unauthorized:
                raise ValidationFailed("validation_failed", fields=[
                    assisted_problem("consent.code", "consent_code_wrong")]) from None
            except ValidationFailed:  # not six digits
                raise ValidationFailed("validation_failed", fields=[
                    assisted_problem("consent.code", "otp_code")]) from None
        return assisted

    def _earlier(self, key: str, digest: str) -> Submitted | None:
        """The application an earlier request with this key and body made, if any.

        Raises ``Conflict`` when the key was claimed with a different body.
        """
        claim = self.store.claim(key)
        if claim is None or claim.expires_at < int(self.clock().timestamp()):
            return None
        if claim.fingerprint != digest:
            raise Conflict("idempotency_key_reused")
        application = self.store.get(claim.tracking_id)
        if application is None:  # pragma: no cover - a claim is written with its application
            raise ServiceUnavailable("service_unavailable")
        return Submitted(application, replayed=True)

    def _validated(self, body: Any, principal: Principal,
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The normalised envelope and form, or one ``ValidationFailed`` naming every field.

        Problems in the applicant part and in the form are reported together; the form
        is checked whenever the service it names is known.
        """
        envelope, problems = self.validation.submission(body)
        applicant = envelope.get("applicant") if isinstance(envelope, dict) else None
        phone = applicant.get("phone") if isinstance(applicant, dict) else None
        if principal.role is Role.ENTREPRENEUR:
            shown = {p.path.split(".")[0] for p in problems}
            if "consent" not in shown and "applicant" not in shown:
                problems += consent_problems(envelope.get("consent"), phone=phone)
            if "payment" not in shown:
                problems += payment_problems(envelope.get("payment"))
        else:
            problems += [assisted_problem(part, "assisted_only") for part in ASSISTED_PARTS
                         if isinstance(envelope, dict) and part in envelope]
            label = Text("আবেদনকারীর মোবাইল নম্বর", "Applicant's mobile number")
            if isinstance(applicant, dict) and phone is None and not any(
                    p.path.startswith("applicant") for p in problems):
                problems.append(FieldProblem.of("applicant.phone", "required", label))
            elif (not any(p.path == "applicant.phone" for p in problems)
                    and normalise_mobile(phone or "") not in (None, principal.phone)):
                problems.append(FieldProblem.of("applicant.phone", "not_own_phone", label))
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

    def due_by(self, application: Application, received: datetime) -> date | None:
        """The last working day the office has, counted from when it received the application."""
        service = self.catalog.service(application.service_id)
        days = service.sla_working_days_for(application.form)
        if days is None:
            return None
        return add_working_days(dhaka_date(received), days, self.holidays())

    # --- decide --------------------------------------------------------------------

    def for_principal(self, tracking_text: str, principal: Principal) -> Application:
        """An application as this caller may see it; ``NotFound`` for an unknown id and for
        one that is not theirs alike (422 for a mistyped id, before any lookup)."""
        tracking_id = parse_tracking_id(tracking_text)
        return application_for(principal, self.store.get(tracking_id))

    def mine(self, principal: Principal, *, limit: int, cursor: str | None) -> Page:
        """A citizen's own applications, newest first (a Query on their phone)."""
        require(principal, Role.CITIZEN)
        return self.store.by_applicant(principal.phone or "", limit=limit, cursor=cursor)

    def decide(
        self,
        tracking_text: str,
        body: Any,
        *,
        principal: Principal,
        expected_version: int | None = None,
    ) -> Application:
        """Record an officer's decision (approve, reject, needs_info) on an application of
        their agency.

        Raises ``Forbidden`` (403) for any other role, ``NotFound`` for an application of
        another agency, ``IllegalTransition`` (409) if it is not under review,
        ``ConcurrentUpdate`` (409) if someone else decided first.
        """
        require(principal, Role.OFFICER)
        request = self.validation.decision(body)
        application = self.for_principal(tracking_text, principal)
        if expected_version is not None and expected_version != application.version:
            raise ConcurrentUpdate("concurrent_update")
        decision = Decision(request["decision"])
        reason = request.get("reason")
        if request.get("missing"):  # the fields or documents the applicant must send
            reason = "; ".join([*([reason] if reason else []), *request["missing"]])
        entry = application.move_to(
            decision.target,
            at=self.clock(),
            actor=principal.actor,
            channel=Channel.AGENCY_DESK,
            reason=reason,
            action=decision.label,
        )
        self.save(application, entry)
        return application

    def cancel(self, tracking_text: str, principal: Principal) -> Application:
        """The applicant withdraws an application the agency has not received yet.

        Raises ``Forbidden`` for roles other than the applicant's, ``NotFound`` for an
        application that is not theirs, ``IllegalTransition`` (409) once it is forwarded.
        """
        require(principal, Role.CITIZEN)
        application = self.for_principal(tracking_text, principal)
        entry = application.move_to(Status.CANCELLED, at=self.clock(), actor=principal.actor,
                                    channel=Channel.SELF, action=CANCEL)
        self.save(application, entry)
        return application

    def respond(self, tracking_text: str, body: Any, principal: Principal) -> Application:
        """The applicant answers a request for more information: changed or added form
        fields (and a note); the merged form must satisfy the service's schema.

        Raises ``ValidationFailed`` naming each invalid field of the merged form,
        ``IllegalTransition`` (409) unless the agency asked for information,
        ``Forbidden``/``NotFound`` as ``cancel`` does.
        """
        require(principal, Role.CITIZEN)
        request = self.validation.response(body)
        application = self.for_principal(tracking_text, principal)
        service = self.catalog.service(application.service_id)
        if application.status is not Status.NEEDS_INFO:
            application.move_to(Status.RESUBMITTED, at=self.clock(), actor=principal.actor,
                                channel=Channel.SELF, action=RESPOND)  # raises the 409
        merged = self.validation.form(service, {**application.form, **request["form"]})
        application.form = merged
        entry = application.move_to(Status.RESUBMITTED, at=self.clock(), actor=principal.actor,
                                    channel=Channel.SELF, reason=request.get("note"),
                                    action=RESPOND)
        self.store.record(application, entry, outbox=outbox_for(application, [entry]),
                          form=merged)
        return application

    def save(self, application: Application, *entries: HistoryEntry) -> None:
        """Persist moves with their counters and outbox record (``ConcurrentUpdate`` if
        someone else wrote first)."""
        self.store.record(application, *entries, outbox=outbox_for(application, entries))

    # --- dispatch (worker) ---------------------------------------------------------

    def dispatch(self, tracking_id: str, agency: Forwarder) -> Application | None:
        """Take a message off the queue: mark the application queued, forward it, record.

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
            # Recorded before the agency is called, so the application shows that the
            # platform has it in hand while the agency is down.
            entry = application.move_to(
                Status.QUEUED, at=self.clock(), actor="system", channel=Channel.SYSTEM
            )
            self.save(application, entry)
        if application.status is not Status.QUEUED:
            return None
        receipt = agency.forward(application)
        actor = f"agency:{application.agency_id}"
        now = self.clock()
        application.agency_ref = receipt.reference
        application.due_by = self.due_by(application, now)
        entries = [application.move_to(Status.FORWARDED, at=now, actor=actor,
                                       channel=Channel.AGENCY_API)]
        if receipt.under_review:
            entries.append(application.move_to(Status.IN_REVIEW, at=now, actor=actor,
                                               channel=Channel.AGENCY_API))
        self.save(application, *entries)
        return application

    def note_dispatch_failure(self, tracking_id: str, reason: str,
                              attempts: int) -> datetime | None:
        """Keep, on the application, why its agency could not take it (ops see it beside
        the message in the dead-letter queue); when it first failed. Unknown ids are
        ignored (``None``)."""
        canonical = tracking.parse(tracking_id)
        if canonical is None:
            return None
        return self.store.note_dispatch_failure(canonical, reason[:MAX_REASON], self.clock(),
                                                attempts)


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
