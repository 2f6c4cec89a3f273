"""What a citizen is told by SMS, in Bangla: sign-in codes and every move they care about.

Texts are short on purpose: a message is paid by the segment. A message of GSM-7
characters only is 160 characters in one SMS and 153 per part of a longer one (an
extension character such as ``€`` or ``{`` takes two); any other character (Bangla
always) makes the whole message UCS-2: 70 in one SMS, 67 per part. Every template,
filled with the longest values the catalog and the form limits allow, fits in
``MAX_SEGMENTS``: free text (a rejection's reason, what is missing) is cut to fit.

``Notifier`` turns a queued notification into an SMS. Transition notifications carry
only the tracking id and the history entry: the worker reads the application for the
phone and the details, so no phone number or reason sits in a queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from . import tracking
from .bangla import to_bangla_digits
from .lifecycle import Application, Status

MAX_SEGMENTS = 2
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
GSM7_SINGLE, GSM7_PART, UCS2_SINGLE, UCS2_PART = 160, 153, 70, 67


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM-7 alphabet (basic or extension)."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def segments(text: str) -> int:
    """How many SMS the text takes."""
    if is_gsm7(text):
        units = sum(2 if char in GSM7_EXTENSION else 1 for char in text)
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        units = len(text.encode("utf-16-le")) // 2  # UTF-16 code units
        single, part = UCS2_SINGLE, UCS2_PART
    if units <= single:
        return 1
    return -(-units // part)


def capacity(text: str, count: int = MAX_SEGMENTS) -> int:
    """How many characters ``count`` segments hold for text of this kind."""
    if count == 1:
        return GSM7_SINGLE if is_gsm7(text) else UCS2_SINGLE
    return count * (GSM7_PART if is_gsm7(text) else UCS2_PART)


SIGN = "নাগরিক সেবা"  # every message says who sends it

TEMPLATES: dict[str, str] = {
    "code_sign_in": SIGN + ": সাইন-ইন কোড {code}। ৫ মিনিটের মধ্যে দিন। কাউকে বলবেন না।",
    "code_consent": SIGN + ": উদ্যোক্তাকে আপনার আবেদনের সম্মতি কোড {code}। নিজে না চাইলে দেবেন না।",
    Status.SUBMITTED.value: SIGN + ": {service} আবেদন জমা হয়েছে। নম্বর {tracking}।",
    Status.IN_REVIEW.value: SIGN + ": {service} আবেদন ({tracking}) দপ্তরে যাচাই হচ্ছে।",
    Status.NEEDS_INFO.value: SIGN + ": {service} ({tracking}): আরও লাগবে: {text}। অ্যাপে জমা দিন।",
    Status.APPROVED.value: SIGN + ": {service} ({tracking}) অনুমোদিত। {output} নিন।",
    Status.REJECTED.value: SIGN + ": {service} ({tracking}) নামঞ্জুর। কারণ: {text}",
    Status.DELIVERED.value: SIGN + ": {service} ({tracking}): {output} সরবরাহ করা হয়েছে।",
    Status.CANCELLED.value: SIGN + ": {service} আবেদন ({tracking}) বাতিল হয়েছে।",
}
# The moves a citizen is told about (queued, forwarded, resubmitted are plumbing).
NOTIFIED = frozenset(Status(name) for name in TEMPLATES if not name.startswith("code_"))
ELLIPSIS = "…"


def _units(text: str) -> int:
    """How much of a segment's room the text takes (UCS-2 units, or GSM-7 septets)."""
    if is_gsm7(text):
        return sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


SHORTEST_NAME = 8  # a name is never cut below this many characters


def render(template: str, *, free: str = "", **values: str) -> str:
    """A template filled in, in at most ``MAX_SEGMENTS``: free text (``{text}``) is cut to
    the room left, and a name too long for any room is shortened first."""
    def fill(text: str, names: dict[str, str]) -> str:
        return TEMPLATES[template].format(text=text, **names)

    text = fill(free, values)
    if segments(text) <= MAX_SEGMENTS:
        return text
    limit = capacity(text)
    names = dict(values)
    reserve = 2 if free else 0  # keep room for at least one letter of the free text
    for key in ("service", "output"):
        while _units(fill("", names)) > limit - reserve and len(names.get(key, "")) > SHORTEST_NAME:
            names[key] = names[key][:-2] + ELLIPSIS
    room = limit - _units(fill("", names))
    if free and _units(free) > room:
        cut = free
        while cut and _units(cut + ELLIPSIS) > room:
            cut = cut[:-1]
        free = cut + ELLIPSIS if cut else ""
    return fill(free, names)


@dataclass(frozen=True)
class Sms:
    """One message to one phone, and the key that stops it being sent twice."""

    phone: str
    text: str
    key: str


class SmsPort(Protocol):
    """Whatever delivers SMS (an aggregator's HTTP API; a local outbox in ``make dev``)."""

    def send(self, sms: Sms) -> None:
        """Deliver it; raise ``AgencyError`` (retryable or not) when it cannot."""
        ...


class ServiceNames(Protocol):
    """What the catalog knows of a service, for a message."""

    def sms_name(self, service_id: str) -> str:
        """The service's short Bangla name."""
        ...

    def output_name(self, service_id: str) -> str:
        """What the citizen receives, in Bangla (e.g. a certificate)."""
        ...


class Notifier:
    """Turns a notification into the SMS it means."""

    def __init__(self, *, load: Callable[[str], Application | None], names: ServiceNames,
                 sms: SmsPort) -> None:
        self.load = load
        self.names = names
        self.sms = sms

    def code(self, phone: str, code: str, purpose: str, key: str) -> Sms:
        """Send a sign-in or consent code."""
        message = Sms(phone, render(f"code_{purpose}", code=to_bangla_digits(code)), key)
        self.sms.send(message)
        return message

    def transition(self, tracking_id: str, step: int) -> Sms | None:
        """Tell the applicant about history entry ``step``; ``None`` when there is nothing
        to tell (no such application or entry, a move nobody is told of)."""
        application = self.load(tracking_id)
        if application is None or not 0 <= step < len(application.history):
            return None
        entry = application.history[step]
        if entry.status not in NOTIFIED or application.applicant_phone is None:
            return None  # a citizen with no phone of their own hears at the centre
        message = Sms(application.applicant_phone, self.text_for(application, step),
                      f"{tracking_id}#{step:03d}")
        self.sms.send(message)
        return message

    def text_for(self, application: Application, step: int) -> str:
        """The SMS for history entry ``step`` of an application."""
        entry = application.history[step]
        values: dict[str, Any] = {
            "service": self.names.sms_name(application.service_id),
            "tracking": tracking.display(application.tracking_id, bangla=True),
            "output": self.names.output_name(application.service_id),
        }
        return render(entry.status.value, free=entry.reason or "", **values)
