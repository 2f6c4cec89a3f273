"""The composition root: builds the use-cases once per process, on first use.

Handlers call ``runtime()`` and get the same objects for every request of a warm
Lambda; nothing here runs at import time, so importing the app needs no AWS
credentials and no network.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache, cached_property, partial
from typing import TYPE_CHECKING, Any

from . import geo, parameters
from .catalog_files import load_catalog, load_meta
from .domain.applications import Applications, utc_now
from .domain.catalog import Catalog, Service
from .domain.errors import FieldProblem, ServiceUnavailable
from .domain.messages import Text
from .observability import logger
from .settings import PEPPER_PARAMETER, RECEIPT_KEY_PARAMETER, Settings, get_settings
from .validation import FormValidator, QuickCheck, load_quick_check

if TYPE_CHECKING:  # built on first use (below): a submit's cold start imports none of them
    from .domain.auth import Limits, SignIn
    from .domain.centres import Centres
    from .domain.ledger import Ledger
    from .domain.outbox import OutboxForwarder
    from .domain.receipts import Receipts
    from .domain.stats import Names, Stats
    from .messaging import SqsQueues


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


class Runtime:
    """Everything a handler needs, each use-case built on its first use and kept for the
    process: a Lambda that only takes submissions never builds the sign-in, the stats or
    the centres, nor imports their modules."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock: Callable[[], datetime] = utc_now

    @cached_property
    def catalog(self) -> Catalog:
        return load_catalog(self.settings.schemas_dir)

    @cached_property
    def validation(self) -> SchemaValidation:
        return SchemaValidation(self.settings)

    @cached_property
    def queues(self) -> SqsQueues:
        from .messaging import SqsQueues

        return SqsQueues(self.settings)

    @cached_property
    def applications(self) -> Applications:
        from .store.applications import DynamoApplicationStore

        return Applications(
            catalog=self.catalog,
            store=DynamoApplicationStore(),
            validation=self.validation,
            district_of=geo.district_of,
            holidays=partial(holidays_or_none, self.settings),
            claim_seconds=self.settings.idempotency_ttl_seconds,
            consent_check=self._check_consent,
        )

    def _check_consent(self, challenge_id: str, code: str, phone: str) -> None:
        """Use up the consent code sent to ``phone`` (``SignIn.check_code``, same limits)."""
        self.sign_in.check_code(challenge_id, code, purpose="consent", phone=phone)

    @cached_property
    def outbox(self) -> OutboxForwarder:
        from .domain.outbox import OutboxForwarder
        from .store.outbox import DynamoOutboxStore

        return OutboxForwarder(store=DynamoOutboxStore(), queues=self.queues, clock=utc_now)

    @cached_property
    def limits(self) -> Limits:
        from .store.auth import DynamoLimits

        return DynamoLimits()

    @cached_property
    def sign_in(self) -> SignIn:
        from .domain.auth import AuthPolicy, SignIn
        from .passwords import Argon2Passwords
        from .store.auth import DynamoChallenges, DynamoSessions, DynamoStaff
        from .tokens import tokens

        settings = self.settings
        return SignIn(
            challenges=DynamoChallenges(), limits=self.limits, sessions=DynamoSessions(),
            staff=DynamoStaff(), tokens=tokens(), passwords=Argon2Passwords(),
            sender=self.queues, pepper=partial(pepper, settings), clock=utc_now,
            policy=AuthPolicy(sends_per_address_per_hour=settings.code_sends_per_address,
                              resend_seconds=settings.code_resend_seconds),
        )

    @cached_property
    def stats(self) -> Stats:
        from .domain.stats import Stats, layout
        from .store.stats import DynamoCounters

        catalog = self.catalog
        return Stats(counters=DynamoCounters(), queues=self.queues, names=names(catalog),
                     clock=utc_now,
                     layout=layout((int(key) for key in geo.level_areas("district")),
                                   ((entry.id, entry.agency)
                                    for entry in catalog.entries.values())))

    @cached_property
    def centres(self) -> Centres:
        from .domain.centres import Centres
        from .store.centres import DynamoCentres

        return Centres(store=DynamoCentres(), check_area=geo.check_address)

    @cached_property
    def ledger(self) -> Ledger:
        from .domain.ledger import Ledger
        from .store.ledger import DynamoLedger

        return Ledger(store=DynamoLedger(), clock=utc_now,
                      centre_exists=lambda centre_id: self.centres.store.get(centre_id)
                      is not None)

    @cached_property
    def receipts(self) -> Receipts:
        from .domain.receipts import Receipts

        return Receipts(key=partial(receipt_key, self.settings), find=self.applications.store.get)


def names(catalog: Catalog) -> Names:
    """How the ops figures name districts, services and agencies."""
    from .agencies.registry import agency_ids
    from .domain.stats import Names

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


@cache
def runtime() -> Runtime:
    """The process's runtime (its use-cases are built as they are first used)."""
    from .store import models

    settings = get_settings()
    models.bind(settings)
    return Runtime(settings)


def reset_runtime() -> None:
    """Forget the runtime (tests and the local stack change settings)."""
    runtime.cache_clear()
