"""Functional tier: the API and workers through ``chalice.test.Client``, AWS mocked by moto
in-process (no ports opened)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.aws import reset_clients
from chalicelib.runtime import reset_runtime
from chalicelib.settings import get_settings, reset_settings


def reset_caches() -> None:
    """Forget every per-process object, as a fresh Lambda would."""
    from chalicelib.tokens import reset_tokens, tokens
    from chalicelib.workers.dispatch import _queue, adapter_for, circuits
    from chalicelib.workers.notifications import _port

    reset_settings()
    reset_clients()
    reset_runtime()
    reset_tokens()
    tokens.cache_clear()
    adapter_for.cache_clear()
    _queue.cache_clear()
    circuits.cache_clear()
    _port.cache_clear()


class _Moto:
    """One in-process moto for the whole tier, emptied between tests.

    Creating twenty tables, thirty queues and their parameters costs seconds a test;
    emptying them costs milliseconds. What a test may change is put back: every item,
    stream record, message and transaction token goes, and the parameters return to
    the values they were created with. Tables and queues a test's settings need are
    created the first time a test uses those settings.
    """

    def __init__(self) -> None:
        self.prepared: set[tuple[str, str]] = set()
        self.parameters: dict[str, dict[str, list[Any]]] = {}

    def prepare(self) -> None:
        from devtools.resources import ensure_all

        settings = get_settings()
        key = (settings.resource(""), settings.region)
        if key not in self.prepared:
            ensure_all(settings)
            self.prepared.add(key)
            self.parameters[settings.region] = {
                name: list(versions)
                for name, versions in dict.items(self._ssm(settings.region)._parameters)}

    @staticmethod
    def _ssm(region: str) -> Any:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ssm.models import ssm_backends

        return ssm_backends[DEFAULT_ACCOUNT_ID][region]

    def empty(self) -> None:
        from collections import defaultdict

        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        from moto.dynamodb.models.table import StreamShard
        from moto.sqs.models import sqs_backends

        from devtools import embedded_aws

        with embedded_aws.consistent_view():
            embedded_aws.forget_client_tokens()
            for region in {region for _, region in self.prepared}:
                for table in dynamodb_backends[DEFAULT_ACCOUNT_ID][region].tables.values():
                    table.items = defaultdict(dict)
                    table.__dict__.pop("_gsi", None)  # devtools/embedded_aws.py's index maps
                    table.__dict__.pop("_gsi_keys", None)
                    if table.stream_shard is not None:
                        table.stream_shard = StreamShard(DEFAULT_ACCOUNT_ID, table)
                for queue in sqs_backends[DEFAULT_ACCOUNT_ID][region].queues.values():
                    queue._messages = []
                    queue._pending_messages = set()
                    queue.deleted_messages = set()
                    queue.last_purged_at = None
                parameters = self._ssm(region)._parameters
                baseline = self.parameters[region]
                for name in [name for name in dict.keys(parameters) if name not in baseline]:
                    dict.__delitem__(parameters, name)
                for name, versions in baseline.items():
                    dict.__setitem__(parameters, name, list(versions))


@pytest.fixture(scope="package")
def _moto() -> Iterator[_Moto]:
    """The tier's moto: started once, stopped after the tier's last test."""
    with mock_aws():
        yield _Moto()
    reset_caches()


@pytest.fixture
def aws(_moto: _Moto) -> Iterator[None]:
    """Moto in-process with this stage's tables and queues, empty, as a fresh stage has."""
    reset_caches()
    _moto.prepare()
    yield
    _moto.empty()
    reset_caches()


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    """A Chalice test client for the app (refusals answered as API Gateway answers them)."""
    from chalice.test import Client

    from app import app
    from devtools import local_gateway

    local_gateway.install()
    with Client(app) as test_client:
        yield test_client


class SignedIn:
    """A test client whose every HTTP request carries one principal's access token."""

    def __init__(self, client: Any, token: str, principal: Any) -> None:
        self._client = client
        self.token = token
        self.principal = principal
        self.http = _AuthorizedHttp(client.http, token)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _AuthorizedHttp:
    def __init__(self, http: Any, token: str) -> None:
        self._http = http
        self._token = token

    def __getattr__(self, method: str) -> Any:
        call = getattr(self._http, method)

        def with_token(path: str, headers: dict[str, str] | None = None, **rest: Any) -> Any:
            return call(path, headers={"Authorization": f"Bearer {self._token}",
                                       **(headers or {})}, **rest)

        return with_token


@pytest.fixture
def as_role(client: Any) -> Callable[..., SignedIn]:
    """``as_role(role, phone=, agency_id=, centre_id=)``: the client, signed in as that."""
    from chalicelib.domain.access import Principal, Role, citizen_id
    from chalicelib.domain.applications import utc_now
    from chalicelib.tokens import tokens

    def sign_in(role: Role | str, *, phone: str = "+8801712345678", agency_id: str | None = None,
                centre_id: str | None = None, id: str | None = None) -> SignedIn:
        role = Role(role)
        principal = Principal(
            role, id or (citizen_id(phone, b"test-pepper") if role is Role.CITIZEN
                         else f"u-test-{role.value}"),
            phone=phone, centre_id=centre_id, agency_id=agency_id, session="test")
        return SignedIn(client, tokens().issue(principal, now=utc_now(), seconds=900), principal)

    return sign_in


@pytest.fixture
def citizen(as_role: Callable[..., SignedIn]) -> SignedIn:
    """The client signed in as the citizen of the examples' phone (01712345678)."""
    return as_role("citizen")


@pytest.fixture
def police_officer(as_role: Callable[..., SignedIn]) -> SignedIn:
    """The client signed in as an officer of the police."""
    return as_role("officer", agency_id="police", id="u-test-police", phone="+8801900000010")


@pytest.fixture
def outbox(client: Any) -> Callable[[], int]:
    """Hand everything the outbox table's stream holds to its handler, as Lambda would;
    the function returned does it and says how many batches it delivered."""
    import threading

    from app import app
    from devtools.poller import StreamPoller

    settings = get_settings()
    poller = StreamPoller(
        settings.outbox_table, app.handler_map["forward_outbox"], "forward_outbox",
        batch_size=100, failure_queue=settings.outbox_failures_queue_name,
        region=settings.region, stop=threading.Event(),
    )
    return poller.drain


def queued_messages(queue_name: str, *, delete: bool = False) -> list[dict[str, Any]]:
    """The JSON bodies waiting in a queue (made visible again unless ``delete``)."""
    import json

    import boto3

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                VisibilityTimeout=0 if not delete else 30).get("Messages", [])
    if delete:
        for message in found:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in found]


def pending_outbox() -> list[Any]:
    """Every outbox record not yet forwarded, oldest first in each bucket."""
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.outbox import PENDING_BUCKETS
    from chalicelib.store.outbox import DynamoOutboxStore

    store, found = DynamoOutboxStore(), []
    later = datetime.now(UTC) + timedelta(days=1)
    for number in range(PENDING_BUCKETS):
        found += store.pending(f"pending-{number}", created_before=later, limit=100,
                               cursor=None).items
    return found
