"""Create the stage's tables and queues from the code's own definitions (local stack, tests).

The same definitions feed the infra templates (``infra/``), and a test compares
the two, so local and deployed resources cannot drift apart.
"""

from __future__ import annotations

import json
import secrets
from concurrent.futures import ThreadPoolExecutor

from chalicelib.agencies.registry import agency_ids
from chalicelib.aws import client
from chalicelib.domain.bangla import fixed_date_holidays, now_dhaka
from chalicelib.settings import (
    HOLIDAYS_PARAMETER,
    PEPPER_PARAMETER,
    RECEIPT_KEY_PARAMETER,
    SECURE_PARAMETERS,
    SMS_KEY_PARAMETER,
    SMS_SENDER_PARAMETER,
    SMS_URL_PARAMETER,
    SSM_PARAMETERS,
    Settings,
)
from chalicelib.store import models


def ensure_tables(settings: Settings) -> list[str]:
    """Create any missing table (with its indexes and TTL); return the names created."""
    models.bind(settings)
    created = []
    for model in models.MODELS:
        if not model.exists():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
            created.append(model.Meta.table_name)
            ttl = models.TTL_ATTRIBUTES.get(model)
            if ttl:
                client("dynamodb").update_time_to_live(
                    TableName=model.Meta.table_name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl},
                )
    return created


def _queue_pair(settings: Settings, name: str, dead_letter: str) -> str:
    sqs = client("sqs")
    dlq_url = sqs.create_queue(
        QueueName=dead_letter, Attributes={"MessageRetentionPeriod": str(14 * 24 * 3600)},
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return str(sqs.create_queue(QueueName=name, Attributes={
        "VisibilityTimeout": str(settings.queue_visibility_seconds),
        "RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": settings.max_receive_count}),
    })["QueueUrl"])


def ensure_queues(settings: Settings) -> dict[str, str]:
    """Create every agency's queue and dead-letter queue, the notifications pair, and the
    outbox stream's on-failure queue; return the agency queues' URLs by agency."""
    sqs = client("sqs")
    sqs.create_queue(QueueName=settings.outbox_failures_queue_name,
                     Attributes={"MessageRetentionPeriod": str(14 * 24 * 3600)})
    _queue_pair(settings, settings.notifications_queue_name,
                settings.notifications_dead_letter_queue_name)
    ids = agency_ids()
    with ThreadPoolExecutor(max_workers=8) as pool:  # a stack starts a second sooner
        made = pool.map(lambda agency_id: _queue_pair(
            settings, settings.queue_name(agency_id), settings.dead_letter_queue_name(agency_id)),
            ids)
        return dict(zip(ids, made, strict=True))


HOLIDAYS_SEED_NOTE = (
    "seed: only the holidays on the same date every year (21 Feb, 26 Mar, 14 Apr, 1 May, "
    "16 Dec, 25 Dec); add the year's movable holidays (Eid, Puja, ...) from the "
    "government's holiday notice"
)


def starting_values(settings: Settings, *, seed_holidays: bool) -> dict[str, tuple[str, str]]:
    """Each parameter's starting value and description.

    ``seed_holidays``: start the holiday list with the fixed-date holidays of this year
    and the next (``make dev``), instead of the empty list a new stage starts with.
    """
    values = {name: (value, "") for name, value in SSM_PARAMETERS.items()}
    if seed_holidays:
        year = now_dhaka().year
        days = [day.isoformat() for day in fixed_date_holidays(year, year + 1)]
        values[HOLIDAYS_PARAMETER] = (json.dumps(days), HOLIDAYS_SEED_NOTE)
    return values


def ensure_parameters(settings: Settings, *, seed_holidays: bool = False) -> None:
    """Create any missing SSM parameter with its starting value (existing ones are kept)."""
    ssm = client("ssm")
    values = starting_values(settings, seed_holidays=seed_holidays)
    for name, (value, description) in values.items():
        path = settings.parameter(name)
        try:
            ssm.get_parameter(Name=path)
        except ssm.exceptions.ParameterNotFound:
            extra = {"Description": description} if description else {}
            ssm.put_parameter(Name=path, Value=value, Type="String", **extra)


def ensure_secrets(settings: Settings) -> None:
    """The SecureStrings ops would set: a random pepper and receipt key, and the local SMS
    stand-ins."""
    ssm = client("ssm")
    values = {PEPPER_PARAMETER: secrets.token_hex(32),
              RECEIPT_KEY_PARAMETER: secrets.token_hex(32), SMS_KEY_PARAMETER: "local",
              SMS_URL_PARAMETER: "https://sms.invalid/send", SMS_SENDER_PARAMETER: "NAGORIK"}
    for name, value in values.items():
        path = settings.parameter(name)
        try:
            ssm.get_parameter(Name=path)
        except ssm.exceptions.ParameterNotFound:
            kind = "SecureString" if name in SECURE_PARAMETERS else "String"
            ssm.put_parameter(Name=path, Value=value, Type=kind)


def ensure_signing_key(settings: Settings) -> None:
    """The asymmetric KMS key that signs access tokens, under the stage's alias.

    moto keeps keys in memory only: a restarted stack makes a new key, so access tokens
    from before a restart are refused (refresh tokens, kept in DynamoDB, still work).
    """
    kms = client("kms")
    aliases = {alias["AliasName"] for alias in kms.list_aliases()["Aliases"]}
    if settings.token_key_alias in aliases:
        return
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY",
                         Description=f"{settings.resource('tokens')}: access tokens")
    kms.create_alias(AliasName=settings.token_key_alias, TargetKeyId=key["KeyMetadata"]["KeyId"])


def ensure_all(settings: Settings, *, seed_holidays: bool = False) -> None:
    """Tables, queues, parameters, secrets and the token-signing key."""
    ensure_tables(settings)
    ensure_queues(settings)
    ensure_parameters(settings, seed_holidays=seed_holidays)
    ensure_secrets(settings)
    ensure_signing_key(settings)
