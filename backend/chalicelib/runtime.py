"""The composition root: builds the use-cases once per process, on first use.

Handlers call ``runtime()`` and get the same objects for every request of a warm
Lambda; nothing here runs at import time, so importing the app needs no AWS
credentials and no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, partial
from typing import Any

from . import geo, parameters
from .catalog_files import load_catalog, load_meta
from .domain.applications import Applications, utc_now
from .domain.auth import AuthPolicy, Limits, SignIn
from .domain.catalog import Catalog, Service
from .domain.centres import Centres
from .domain.errors import FieldProblem, ServiceUnavailable
from .domain.ledger import Ledger
from .domain.messages import Text
from .domain.outbox import OutboxForwarder
from .domain.receipts import Receipts
from .domain.stats import Names, Stats
from .observability import logger
from .settings import PEPPER_PARAMETER, RECEIPT_KEY_PARAMETER, Settings, get_settings
from .validation import FormValidator, QuickCheck, load_quick_check


class SchemaValidation:
    """``FormValidation`` with one validator per schema, built when first needed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._validators: dict[str, FormValidator] = {}

    def _meta(self, name: str) -> FormValidator:
        key = f"meta:{name}"
        if key not in self._validators:
            schema = load_meta(self.settings.schemas_dir, name)
            self._validators[key] = FormValidator(schema, quick=self._quick(f"meta-{name}"))
        return self._validators[key]

    def _quick(self, name: str) -> QuickCheck | None:
        return load_quick_check(self.settings.schemas_dir / "checks" / f"{name}.py")

    def submission(self, body: Any) -> tuple[dict[str, Any], list[FieldProblem]]:
        """The envelope of a submission, normalised, and its problems."""
        return self._meta("submission").check(body)

    def form(self, service: Service, form: Any) -> dict[str, Any]:
        """A service's form, normalised."""
        key = f"service:{service.id}:{service.version}"
        if key not in self._validators:
            self._validators[key] = FormValidator(service.form, prefix="form",
                                                  quick=self._quick(service.id))
        return self._validators[key].validate(form)

    def decision(self, body: Any) -> dict[str, Any]:
        """A decision body, normalised."""
        return self._meta("decision").validate(body)

    def response(self, body: Any) -> dict[str, Any]:
        """An answer to a request for information, normalised (its form is checked with
        the whole form, merged)."""
        return self._meta("response").validate(body)

    def callback(self, body: Any) -> dict[str, Any]:
        """An agency callback's body, normalised."""
        return self._meta("callback").validate(body)

    def body(self, name: str, body: Any) -> dict[str, Any]:
        """Any other API body, by its meta-schema's name, normalised."""
        return self._meta(name).validate(body)


PEPPER_MAX_AGE_SECONDS = 300


def holidays_or_none(settings: Settings) -> frozenset[date]:
    """The public holiday list; if it cannot be read, none (deadlines count weekends only).

    A citizen's request must not fail because SSM is unreachable; the log says so.
    """
    try:
        return parameters.public_holidays(settings)
    except Exception:  # any failure here must not fail a citizen's request
        logger.warning("public holiday list unavailable; counting weekends only", exc_info=True)
        return frozenset()


@dataclass(frozen=True)
class Runtime:
    """Everything a handler needs."""

    settings: Settings
    catalog: Catalog
    validation: SchemaValidation
    applications: Applications
    outbox: OutboxForwarder
    sign_in: SignIn
    limits: Limits
    clock: Callable[[], datetime]
    stats: Stats
    centres: Centres
    ledger: Ledger
    receipts: Receipts


def names(catalog: Catalog) -> Names:
    """How the ops figures name districts, services and agencies."""
    from .agencies.registry import agency_ids

    def district(key: str) -> Text | None:
        area = geo.find("district", str(int(key))) if key.isdigit() else None
        return Text(area.name_bn, area.name_en) if area else None

    def service(key: str) -> Text | None:
        entry = catalog.entries.get(key)
        return entry.title if entry else None

    return Names(district=district, service=service, agency=catalog.agency_name,
                 agencies=agency_ids)


def pepper(settings: Settings) -> bytes:
    """The HMAC key of sign-in codes and limit keys (an SSM SecureString, cached)."""
    value = parameters.read(settings, PEPPER_PARAMETER, max_age=PEPPER_MAX_AGE_SECONDS,
                            decrypt=True)
    return str(value).encode()


def receipt_key(settings: Settings) -> bytes:
    """The HMAC key of receipts' check codes (an SSM SecureString, cached);
    ``ServiceUnavailable`` when SSM cannot give it."""
    try:
        value = parameters.read(settings, RECEIPT_KEY_PARAMETER,
                                max_age=PEPPER_MAX_AGE_SECONDS, decrypt=True)
    except Exception as error:  # Powertools' GetParameterError and what SSM raises
        raise ServiceUnavailable("service_unavailable") from error
    return str(value).encode()


def consent_check(sign_in: SignIn, challenge_id: str, code: str, phone: str) -> None:
    """Use up the consent code sent to ``phone`` (``SignIn.check_code``, same limits)."""
    sign_in.check_code(challenge_id, code, purpose="consent", phone=phone)


@cache
def runtime() -> Runtime:
    """The process's runtime, built on first use."""
    from .messaging import SqsQueues
    from .passwords import Argon2Passwords
    from .store import models
    from .store.applications import DynamoApplicationStore
    from .store.auth import DynamoChallenges, DynamoLimits, DynamoSessions, DynamoStaff
    from .store.centres import DynamoCentres
    from .store.ledger import DynamoLedger
    from .store.outbox import DynamoOutboxStore
    from .store.stats import DynamoCounters
    from .tokens import tokens

    settings = get_settings()
    models.bind(settings)
    catalog = load_catalog(settings.schemas_dir)
    validation = SchemaValidation(settings)
    queues = SqsQueues(settings)
    outbox = OutboxForwarder(store=DynamoOutboxStore(), queues=queues, clock=utc_now)
    limits = DynamoLimits()
    sign_in = SignIn(
        challenges=DynamoChallenges(), limits=limits, sessions=DynamoSessions(),
        staff=DynamoStaff(), tokens=tokens(), passwords=Argon2Passwords(), sender=queues,
        pepper=partial(pepper, settings), clock=utc_now,
        policy=AuthPolicy(sends_per_address_per_hour=settings.code_sends_per_address,
                          resend_seconds=settings.code_resend_seconds),
    )
    applications = Applications(
        catalog=catalog,
        store=DynamoApplicationStore(),
        validation=validation,
        district_of=geo.district_of,
        holidays=partial(holidays_or_none, settings),
        claim_seconds=settings.idempotency_ttl_seconds,
        consent_check=partial(consent_check, sign_in),
    )
    stats = Stats(counters=DynamoCounters(), queues=queues, names=names(catalog), clock=utc_now)
    centres = Centres(store=DynamoCentres(), check_area=geo.check_address)
    ledger = Ledger(store=DynamoLedger(), clock=utc_now,
                    centre_exists=lambda centre_id: centres.store.get(centre_id) is not None)
    receipts = Receipts(key=partial(receipt_key, settings), find=applications.store.get)
    return Runtime(settings, catalog, validation, applications, outbox, sign_in, limits,
                   utc_now, stats, centres, ledger, receipts)


def reset_runtime() -> None:
    """Forget the runtime (tests and the local stack change settings)."""
    runtime.cache_clear()
