"""What an application costs: the government fee its answers call for, and the service-charge cap.

A service file lists its fee rows (``fees.government``) and, in ``fees.rules``, which rows
apply to which answers: the first rule whose ``when`` conditions all hold wins (conditions:
``domain/conditions.py``). A row's amount is fixed (``amount_bdt``), unknown (``null``), or
computed from an answer (``compute``: a quantity such as the dower, counted in bands, each
``per`` so many units at ``amount_bdt`` a unit, rounded up or down, then a minimum and a
maximum). Money is counted in poisha, as integers, never as floats. ``pwa/src/fees.js``
computes the same; ``schemas/examples/fees.json`` holds the cases both are tested on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .catalog import Service
from .conditions import all_of, answer, fields_named, is_absent, measured
from .messages import Text

if TYPE_CHECKING:
    from fractions import Fraction

POISHA_PER_TAKA = 100


def to_poisha(amount_bdt: Any) -> int | None:
    """Taka as written in a service file (12.5) in poisha (1250); ``None`` stays ``None``.

    Raises ``ValueError`` for an amount that is not a whole number of poisha (the catalog
    build refuses such files, so this never happens at run time).
    """
    if amount_bdt is None:
        return None
    poisha = Decimal(str(amount_bdt)) * POISHA_PER_TAKA
    if poisha != poisha.to_integral_value():
        raise ValueError(f"{amount_bdt} taka is not a whole number of poisha")
    return int(poisha)


def taka(poisha: int | None) -> str | None:
    """Poisha as taka text with two decimals (126250 -> "1262.50"); the API never sends floats."""
    if poisha is None:
        return None
    sign = "-" if poisha < 0 else ""
    whole, part = divmod(abs(poisha), POISHA_PER_TAKA)
    return f"{sign}{whole}.{part:02d}"


@dataclass(frozen=True)
class FeeLine:
    """One fee row that applies: its id, label, and amount (``None`` when not known)."""

    row: str
    label: Text
    amount_poisha: int | None
    includes_vat: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The line as the API shows it (taka as text)."""
        return {
            "row": self.row,
            "label": self.label._asdict(),
            "amount_poisha": self.amount_poisha,
            "amount_bdt": taka(self.amount_poisha),
            "includes_vat": self.includes_vat,
        }


@dataclass(frozen=True)
class FeeQuote:
    """The government fee for one set of answers, and what a centre may charge on top.

    ``lines`` are the rows the first matching rule names (none when no rule matches);
    ``total_poisha`` is their sum, or ``None`` when a line's amount or the rule is not
    known; ``awaiting`` names the unanswered fields the rules need (when none matched);
    ``note`` is the matching rule's own explanation, if it has one.
    """

    lines: tuple[FeeLine, ...]
    total_poisha: int | None
    confirmed: bool
    service_charge_cap_poisha: int | None
    service_charge_cap_confirmed: bool
    awaiting: tuple[str, ...] = ()
    note: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        """The quote as the API returns it: amounts in poisha (integers) and taka (text)."""
        return {
            "lines": [line.to_dict() for line in self.lines],
            "total_poisha": self.total_poisha,
            "total_bdt": taka(self.total_poisha),
            "confirmed": self.confirmed,
            "service_charge_cap_poisha": self.service_charge_cap_poisha,
            "service_charge_cap_bdt": taka(self.service_charge_cap_poisha),
            "service_charge_cap_confirmed": self.service_charge_cap_confirmed,
            "awaiting": list(self.awaiting),
            "note": self.note._asdict() if self.note else None,
        }


def _units(portion: Fraction, per: Fraction, rounding: str) -> int:
    exact = portion / per
    return math.ceil(exact) if rounding == "up" else math.floor(exact)


def computed_poisha(compute: Mapping[str, Any], form: Any, on: date) -> int | None:
    """A computed amount: the quantity counted band by band, then floored and capped.

    Each band covers the quantity above the previous band's ``up_to`` and up to its own;
    the last band may be open. ``None`` while the quantity is not answered.
    """
    from fractions import Fraction  # only the computed fees (4 ms of the cold start)

    quantity = measured(compute["quantity"], form, on)
    if not isinstance(quantity, int | float) or isinstance(quantity, bool) or quantity < 0:
        return None
    remaining = Fraction(quantity)
    lower = Fraction(0)
    total = 0
    for band in compute["bands"]:
        upper = Fraction(band["up_to"]) if band.get("up_to") is not None else None
        top = remaining if upper is None else min(remaining, upper)
        portion = max(Fraction(0), top - lower)
        rate = to_poisha(band["amount_bdt"]) or 0
        total += _units(portion, Fraction(band["per"]), band["round"]) * rate
        if upper is None:
            break
        lower = upper
    least = to_poisha(compute.get("minimum_bdt"))
    most = to_poisha(compute.get("maximum_bdt"))
    if least is not None:
        total = max(total, least)
    if most is not None:
        total = min(total, most)
    return total


def _line(row: Mapping[str, Any], form: Any, on: date) -> FeeLine:
    label = Text(row["label"]["bn"], row["label"]["en"])
    if "compute" in row:
        amount = computed_poisha(row["compute"], form, on)
    else:
        amount = to_poisha(row["amount_bdt"])
    return FeeLine(row["id"], label, amount, bool(row.get("includes_vat", False)))


def _awaiting(rules: Sequence[Mapping[str, Any]], form: Any) -> tuple[str, ...]:
    names = dict.fromkeys(name for rule in rules for name in fields_named(rule.get("when", [])))
    return tuple(name for name in names if "*" not in name and is_absent(answer(form, name)))


def quote(service: Service, form: Any, *, on: date) -> FeeQuote:
    """The fee for ``form``'s answers on the day ``on`` (the application's Dhaka day)."""
    fees = service.document["fees"]
    rows = {row["id"]: row for row in fees["government"]}
    rules = fees.get("rules", [])
    charge = fees.get("service_charge", {})
    chosen = next(
        (rule for rule in rules if all_of(rule.get("when", []), form, on) is True), None
    )
    lines = tuple(_line(rows[row_id], form, on) for row_id in chosen["rows"]) if chosen else ()
    amounts = [line.amount_poisha for line in lines]
    known = bool(lines) and None not in amounts
    return FeeQuote(
        lines=lines,
        total_poisha=sum(amount for amount in amounts if amount is not None) if known else None,
        confirmed=bool(fees["confirmed"]),
        service_charge_cap_poisha=to_poisha(charge.get("cap_bdt")),
        service_charge_cap_confirmed=bool(charge.get("confirmed", False)),
        awaiting=() if chosen else _awaiting(rules, form),
        note=Text(**chosen["note"]) if chosen and "note" in chosen else None,
    )
