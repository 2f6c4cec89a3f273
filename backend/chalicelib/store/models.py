"""PynamoDB models: the only definition of the platform's tables, keys and indexes.

The local stack creates tables from these classes and the infra consistency test
compares them with the deploy template, so a key or index changes here and nowhere
else. Table names come from settings (``nagorik-<stage>-<table>``) and are bound by
``bind()`` before first use.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import PynamoDBException
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..domain.errors import ServiceUnavailable
from ..settings import Settings


class HistoryEntryMap(MapAttribute):
    """One lifecycle move, as stored inside its application."""

    status = UnicodeAttribute()
    previous = UnicodeAttribute(null=True)
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    channel = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)


class ApplicantIndex(GlobalSecondaryIndex):
    """A citizen's applications, newest first: applicant phone (E.164) + created_at."""

    class Meta:
        index_name = "by-applicant"
        projection = AllProjection()

    applicant_phone = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class AgencyStatusIndex(GlobalSecondaryIndex):
    """An agency's queue by status, oldest first: ``<agency>#<status>`` + updated_at."""

    class Meta:
        index_name = "by-agency-status"
        projection = AllProjection()

    agency_status = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class CentreIndex(GlobalSecondaryIndex):
    """A centre's applications by day or range: centre id + created_at (sparse)."""

    class Meta:
        index_name = "by-centre"
        projection = AllProjection()

    centre_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ApplicationModel(Model):
    """An application, its form and its whole history, keyed by tracking id."""

    class Meta:
        table_name = "nagorik-dev-applications"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    tracking_id = UnicodeAttribute(hash_key=True)
    service_id = UnicodeAttribute()
    service_version = NumberAttribute()
    agency_id = UnicodeAttribute()
    applicant_name = UnicodeAttribute()
    applicant_phone = UnicodeAttribute(null=True)  # absent: no phone (not in by-applicant)
    form = JSONAttribute()
    channel = UnicodeAttribute()
    status = UnicodeAttribute()
    agency_status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    created_day = UnicodeAttribute()
    district_id = NumberAttribute()
    centre_id = UnicodeAttribute(null=True)
    agency_ref = UnicodeAttribute(null=True)
    due_by = UnicodeAttribute(null=True)
    dispatch_failure = JSONAttribute(null=True)
    overdue = NumberAttribute(null=True)  # 1 once the SLA job found it past due_by
    consent = UnicodeAttribute(null=True)
    assisted = JSONAttribute(null=True)  # domain.assisted.Assisted, for a centre's
    history = ListAttribute(of=HistoryEntryMap)
    version = VersionAttribute()

    by_applicant = ApplicantIndex()
    by_agency_status = AgencyStatusIndex()
    by_centre = CentreIndex()


class CountersTableModel(Model):
    """The counters table's keys, which both its kinds of item have: a Dhaka day and a
    ``scope`` (a row of counts, or one part of a day's summary; the two models below)."""

    class Meta:
        table_name = "nagorik-dev-counters"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    day = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(range_key=True)


class CounterModel(CountersTableModel):
    """Pre-aggregated counts: how many applications entered a status, per Dhaka day.

    ``scope`` names the row's family and dimensions (``domain.stats`` says which), so
    one Query on the day with ``begins_with(scope, family)`` returns one family's counts
    of that day.
    """

    # Stored as "count"; named ``total`` here because ``Model.count()`` is PynamoDB's.
    total = NumberAttribute(default=0, attr_name="count")


class CounterSummaryModel(CountersTableModel):
    """A finished Dhaka day's counts of one family, shards added up, in the counters table
    (not a table of its own): ``scope`` is ``summary#<family>#<part>``, a prefix no
    family's Query reads. ``counts`` is the zlib-compressed JSON of shard-free scope to
    count, cut into ``parts`` items of at most ``store.stats.PART_BYTES`` (one item unless a
    day's centres outgrow it); part 0 is written last, so a reader that finds it finds all.

    A day not yet finished has a *live* summary instead: ``counted_at`` (ISO 8601, UTC) on
    every part says when its rows were counted, and a reader takes only parts of one
    counting. A finished day's own summary has none.
    """

    parts = NumberAttribute()
    counts = BinaryAttribute(legacy_encoding=False)
    counted_at = UnicodeAttribute(null=True)


class IdempotencyModel(Model):
    """A claimed ``Idempotency-Key``: written in the same transaction as its application
    (the facts: which application, for which body; the answer is rendered again).

    ``expiration`` (epoch seconds) is the table's TTL attribute; an expired claim
    may be claimed again even before DynamoDB deletes it.
    """

    class Meta:
        table_name = "nagorik-dev-idempotency"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)  # "<principal id>#<key>"
    fingerprint = UnicodeAttribute()
    tracking_id = UnicodeAttribute()
    expiration = NumberAttribute()


class PendingIndex(GlobalSecondaryIndex):
    """Outbox records not yet forwarded, oldest first: sparse, only pending records carry
    ``pending_bucket`` (a few fixed values, so the sweeper queries each)."""

    class Meta:
        index_name = "by-pending"
        projection = AllProjection()

    pending_bucket = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OutboxModel(Model):
    """A write's messages to other parts (the agency's queue, ...), written in the same
    transaction as the write; its table's stream forwards them.

    ``expiration`` (the TTL attribute) is set only once the record is forwarded: a
    record still pending never expires.
    """

    class Meta:
        table_name = "nagorik-dev-outbox"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_IMAGE"

    id = UnicodeAttribute(hash_key=True)
    tracking_id = UnicodeAttribute()
    messages = JSONAttribute()
    created_at = UnicodeAttribute()
    pending_bucket = UnicodeAttribute(null=True)
    forwarded_at = UnicodeAttribute(null=True)
    expiration = NumberAttribute(null=True)

    by_pending = PendingIndex()


class ChallengeModel(Model):
    """A sign-in or consent code waiting to be typed back (only its HMAC is kept)."""

    class Meta:
        table_name = "nagorik-dev-challenges"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    phone = UnicodeAttribute()
    purpose = UnicodeAttribute()
    code_digest = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    used = NumberAttribute(default=0)
    expiration = NumberAttribute()


class LimitModel(Model):
    """A rate-limit window or a lock, keyed by what it limits (phones and addresses only
    as HMACs); gone when it expires."""

    class Meta:
        table_name = "nagorik-dev-limits"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)
    # Stored as "count"; named ``hits`` here because ``Model.count()`` is PynamoDB's.
    hits = NumberAttribute(default=0, attr_name="count")
    until = NumberAttribute()  # epoch seconds: when the window or lock ends
    expiration = NumberAttribute()


class FamilyIndex(GlobalSecondaryIndex):
    """Every refresh token of one sign-in, to revoke them together."""

    class Meta:
        index_name = "by-family"
        projection = AllProjection()

    family = UnicodeAttribute(hash_key=True)


class PrincipalIndex(GlobalSecondaryIndex):
    """Every refresh token of one account, to revoke all its sign-ins."""

    class Meta:
        index_name = "by-principal"
        projection = AllProjection()

    principal_id = UnicodeAttribute(hash_key=True)


class SessionModel(Model):
    """A refresh token, by its SHA-256 (the token itself is never kept)."""

    class Meta:
        table_name = "nagorik-dev-sessions"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    token_hash = UnicodeAttribute(hash_key=True)
    family = UnicodeAttribute()
    principal_id = UnicodeAttribute()
    principal = JSONAttribute()
    used = NumberAttribute(default=0)
    revoked = NumberAttribute(default=0)
    expiration = NumberAttribute()

    by_family = FamilyIndex()
    by_principal = PrincipalIndex()


class StaffPhoneModel(Model):
    """Which account signs in with a phone: written with the account, in one
    transaction, so no two accounts can share a phone."""

    class Meta:
        table_name = "nagorik-dev-staff-phones"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    phone = UnicodeAttribute(hash_key=True)
    staff_id = UnicodeAttribute()


class StaffCentreIndex(GlobalSecondaryIndex):
    """A centre's entrepreneurs (sparse: only entrepreneurs have a centre)."""

    class Meta:
        index_name = "by-centre"
        projection = AllProjection()

    centre_id = UnicodeAttribute(hash_key=True)


class StaffRoleIndex(GlobalSecondaryIndex):
    """Every account of one role, oldest first (``nagorik users list``)."""

    class Meta:
        index_name = "by-role"
        projection = AllProjection()

    role = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class StaffModel(Model):
    """An entrepreneur, an officer or an ops admin."""

    class Meta:
        table_name = "nagorik-dev-staff"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    phone = UnicodeAttribute()
    role = UnicodeAttribute()
    name = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    centre_id = UnicodeAttribute(null=True)
    agency_id = UnicodeAttribute(null=True)
    disabled = NumberAttribute(default=0)
    failures = NumberAttribute(default=0)
    locked_until = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()

    by_centre = StaffCentreIndex()
    by_role = StaffRoleIndex()


class CallbackModel(Model):
    """An agency callback already acted on, by ``<agency>#<webhook-id>``: written in the
    transaction of the move it made, with the answer it got, and kept (TTL) long enough
    that a replay gets that answer again instead of a second move."""

    class Meta:
        table_name = "nagorik-dev-callbacks"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    tracking_id = UnicodeAttribute()
    answer = JSONAttribute()
    expiration = NumberAttribute()


class CentreUpazilaIndex(GlobalSecondaryIndex):
    """A district's centres by upazila, then type: ``begins_with`` narrows to an upazila
    (``<upazila>#``) or an upazila's centres of one type (``<upazila>#<type>#``)."""

    class Meta:
        index_name = "by-district-upazila"
        projection = AllProjection()

    district_id = UnicodeAttribute(hash_key=True)
    upazila_key = UnicodeAttribute(range_key=True)  # <upazila>#<type>#<id>


class CentreTypeIndex(GlobalSecondaryIndex):
    """A district's centres by type (``begins_with(<type>#)``), then upazila."""

    class Meta:
        index_name = "by-district-type"
        projection = AllProjection()

    district_id = UnicodeAttribute(hash_key=True)
    type_key = UnicodeAttribute(range_key=True)  # <type>#<upazila>#<id>


class CentreModel(Model):
    """A centre of the registry, keyed by its id (``nagorik centres import`` writes it)."""

    class Meta:
        table_name = "nagorik-dev-centres"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    type = UnicodeAttribute()
    name_bn = UnicodeAttribute()
    name_en = UnicodeAttribute()
    division_id = UnicodeAttribute()
    district_id = UnicodeAttribute()
    upazila_id = UnicodeAttribute()
    union_id = UnicodeAttribute(null=True)
    address_bn = UnicodeAttribute()
    address_en = UnicodeAttribute()
    hours_bn = UnicodeAttribute()
    hours_en = UnicodeAttribute()
    demo = NumberAttribute(default=0)
    upazila_key = UnicodeAttribute()
    type_key = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    by_district_upazila = CentreUpazilaIndex()
    by_district_type = CentreTypeIndex()


class LedgerModel(Model):
    """A centre's ledger entry: one per assisted application, written in the transaction
    that creates it; a day or a range is one Query on centre + ``<day>#...``."""

    class Meta:
        table_name = "nagorik-dev-ledger"
        region = "ap-south-1"
        billing_mode = "PAY_PER_REQUEST"

    centre_id = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)  # <dhaka day>#<created_at>#<tracking id>
    tracking_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    entrepreneur_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    fee_poisha = NumberAttribute(null=True)
    service_charge_poisha = NumberAttribute()
    payment_method = UnicodeAttribute()
    mfs_provider = UnicodeAttribute(null=True)


# One model per table (``CounterSummaryModel`` shares ``CounterModel``'s table).
MODELS: tuple[type[Model], ...] = (
    ApplicationModel, CounterModel, IdempotencyModel, OutboxModel,
    ChallengeModel, LimitModel, SessionModel, StaffModel, StaffPhoneModel, CallbackModel,
    CentreModel, LedgerModel,
)
TTL_ATTRIBUTES: dict[type[Model], str] = {
    IdempotencyModel: "expiration", OutboxModel: "expiration", ChallengeModel: "expiration",
    LimitModel: "expiration", SessionModel: "expiration", CallbackModel: "expiration",
}
# Tables whose stream a worker consumes, and what each stream record carries.
STREAMS: dict[type[Model], str] = {OutboxModel: "NEW_IMAGE"}


def read[Item: Model](model: type[Item], key: str) -> Item | None:
    """The item of ``model`` with this hash key, read consistently, or ``None`` when there is
    none; ``ServiceUnavailable`` when DynamoDB does not answer."""
    try:
        return model.get(key, consistent_read=True)
    except model.DoesNotExist:
        return None
    except PynamoDBException as error:
        raise ServiceUnavailable("service_unavailable") from error


def bind(settings: Settings) -> None:
    """Point every model at this stage's table names, region and endpoint."""
    names = {
        ApplicationModel: settings.applications_table,
        CountersTableModel: settings.counters_table,  # its rows' and summaries' (one Meta)
        IdempotencyModel: settings.idempotency_table,
        OutboxModel: settings.outbox_table,
        ChallengeModel: settings.resource("challenges"),
        LimitModel: settings.resource("limits"),
        SessionModel: settings.resource("sessions"),
        StaffModel: settings.resource("staff"),
        StaffPhoneModel: settings.resource("staff-phones"),
        CallbackModel: settings.resource("callbacks"),
        CentreModel: settings.resource("centres"),
        LedgerModel: settings.resource("ledger"),
    }
    for model, table_name in names.items():
        place = (table_name, settings.region, settings.endpoint_url)
        bound = tuple(getattr(model.Meta, key, None) for key in ("table_name", "region", "host"))
        if bound == place:
            continue  # its connection (and botocore session) serve these settings still
        model.Meta.table_name, model.Meta.region, model.Meta.host = place
        sharing: list[type[Model]] = [model, *model.__subclasses__()]  # one Meta, one table
        for each in sharing:
            each._connection = None  # forget a connection made for other settings
