"""An application an entrepreneur makes for a citizen at a centre: consent and payment.

The entrepreneur sends the same envelope a citizen does, plus how the citizen consented
(the code sent to the applicant's phone, or a reason recorded where they have no phone
or no signal) and what they paid (cash or mobile banking, and the centre's service
charge). The government fee is never taken from the request: it is the service's fee
rules applied to the form's answers (``fees.quote``). A service charge above the
service's cap is refused where the cap is known; where it is not (``cap_bdt: null``)
the charge is recorded as given.

Pure Python: checking a consent code is handed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .bangla import to_bangla_digits
from .errors import FieldProblem
from .fees import FeeQuote, taka
from .messages import ASSISTED_FIELDS

CODE = "code"  # Application.consent: the citizen typed the code sent to their phone
NO_CODE = "no_code"  # the centre recorded a reason instead (flagged for agency and ops)


@dataclass(frozen=True)
class Assisted:
    """What an assisted application records beyond a citizen's own."""

    entrepreneur_id: str
    consent_reason: str | None  # set when consent was recorded without a code
    fee_poisha: int | None  # the government fee by the service's rules; None: not known
    fee_confirmed: bool
    service_charge_poisha: int
    service_charge_cap_poisha: int | None
    payment_method: str  # "cash" | "mfs"
    mfs_provider: str | None = None
    mfs_reference: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stored form."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Assisted:
        """Rebuild from the stored form."""
        return cls(**raw)

    def view(self) -> dict[str, Any]:
        """As the receipt, the ledger and the centre's staff see it (taka as text)."""
        return {
            "fee_poisha": self.fee_poisha, "fee_bdt": taka(self.fee_poisha),
            "fee_confirmed": self.fee_confirmed,
            "service_charge_poisha": self.service_charge_poisha,
            "service_charge_bdt": taka(self.service_charge_poisha),
            "payment_method": self.payment_method, "mfs_provider": self.mfs_provider,
        }


def problem(path: str, code: str, **values: Any) -> FieldProblem:
    """A problem with a part of the assisted envelope, named in both languages."""
    return FieldProblem.of(path, code, ASSISTED_FIELDS[path], **values)


def consent_problems(consent: Any, *, phone: Any = "") -> list[FieldProblem]:
    """What is missing from a consent before any code is checked: a code needs the
    applicant's ``phone`` (a citizen with no phone of their own consents on record)."""
    if not isinstance(consent, dict):
        return [problem("consent", "required")]
    if consent.get("method") != "recorded" and phone is None:
        return [problem("applicant.phone", "phone_for_code")]
    if consent.get("method") == "recorded":
        found = [] if consent.get("reason") else [problem("consent.reason", "required")]
        found += [problem(f"consent.{name}", "unknown_field") for name in
                  ("challenge_id", "code") if name in consent]
        return found
    return [problem(f"consent.{name}", "required") for name in ("challenge_id", "code")
            if not consent.get(name)]


def service_charge_poisha(payment: dict[str, Any]) -> tuple[int | None, list[FieldProblem]]:
    """The service charge in poisha, or the problem with it."""
    try:
        amount = Decimal(str(payment.get("service_charge_bdt"))) * 100
    except InvalidOperation:
        return None, [problem("payment.service_charge_bdt", "type")]
    if amount != amount.to_integral_value():
        return None, [problem("payment.service_charge_bdt", "whole_poisha")]
    return int(amount), []


def payment_problems(payment: Any) -> list[FieldProblem]:
    """What is wrong with a payment's shape (the schema has checked each value)."""
    if not isinstance(payment, dict):
        return [problem("payment", "required")]
    found = []
    if payment.get("method") == "mfs":
        found += [problem(f"payment.{name}", "required") for name in
                  ("mfs_provider", "mfs_reference") if not payment.get(name)]
    else:
        found += [problem(f"payment.{name}", "mfs_only") for name in
                  ("mfs_provider", "mfs_reference") if name in payment]
    return found + service_charge_poisha(payment)[1]


def assisted_record(*, entrepreneur_id: str, consent: dict[str, Any], payment: dict[str, Any],
                    quote: FeeQuote) -> tuple[Assisted | None, list[FieldProblem]]:
    """The record of an assisted application, or the problems with its payment (a service
    charge over the service's known cap)."""
    charge, problems = service_charge_poisha(payment)
    if charge is None:
        return None, problems
    cap = quote.service_charge_cap_poisha
    if cap is not None and charge > cap:
        cap_text = taka(cap) or ""
        return None, [problem("payment.service_charge_bdt", "over_cap", cap=cap_text,
                              cap_bn=to_bangla_digits(cap_text))]
    recorded = consent.get("method") == "recorded"
    return Assisted(
        entrepreneur_id=entrepreneur_id,
        consent_reason=str(consent["reason"]) if recorded else None,
        fee_poisha=quote.total_poisha, fee_confirmed=quote.confirmed,
        service_charge_poisha=charge, service_charge_cap_poisha=cap,
        payment_method=str(payment["method"]),
        mfs_provider=payment.get("mfs_provider"), mfs_reference=payment.get("mfs_reference"),
    ), []
