"""The outbox on moto: one transaction per submit, the stream forwarding each record once in
effect, partial batch responses, and nothing lost when a send fails."""

from __future__ import annotations

import json
from typing import Any

import boto3

from chalicelib.settings import get_settings
from tests.functional.conftest import pending_outbox, queued_messages
from tests.grants import dynamodb_actions, refused
from tests.helpers import example, post_json, submission

GD = "online-gd-lost-item"


def submit(client: Any, key: str) -> str:
    body = submission(GD, example(GD, "valid-lost-nid"))
    response = post_json(client, "/applications", body, **{"Idempotency-Key": key})
    assert response.status_code == 201
    return response.json["tracking_id"]


def police_queue() -> list[str]:
    return [message["tracking_id"] for message in
            queued_messages(get_settings().queue_name("police"), delete=True)]


def stream_event() -> dict[str, Any]:
    """Every record on the outbox table's stream, as one Lambda event."""
    from devtools.poller import stream_record

    streams = boto3.client("dynamodbstreams")
    arn = streams.list_streams(TableName=get_settings().outbox_table)["Streams"][0]["StreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    return {"Records": [stream_record(record, arn, "ap-south-1") for record in records]}


def test_a_submission_is_one_round_trip_to_aws(client, monkeypatch, citizen) -> None:
    import botocore.client

    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        calls.append(operation)
        return original(self, operation, params)

    submit(citizen, "warm-up-0001")  # clients, the holiday list: made once per process
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    submit(citizen, "outbox-0001")
    assert calls == ["TransactWriteItems"]


def test_a_stream_record_delivered_twice_enqueues_once(citizen) -> None:
    from app import app

    tracking_id = submit(citizen, "outbox-0002")
    event = stream_event()
    handler = app.handler_map["forward_outbox"]

    with dynamodb_actions() as asked:
        first = handler(event, None)
        again = handler(event, None)  # the same records, redelivered

    assert first == again == {"batchItemFailures": []}
    assert asked and refused("forward_outbox", asked) == set()  # moto allows every call
    assert police_queue() == [tracking_id]
    assert pending_outbox() == []


def test_the_change_that_marked_a_record_forwarded_costs_no_read(citizen, monkeypatch) -> None:
    """The stream carries the forwarding's own change too: it is passed over from its image."""
    import botocore.client

    from app import app

    submit(citizen, "outbox-0003")
    handler = app.handler_map["forward_outbox"]
    handler(stream_event(), None)  # forwards the new record: its change joins the stream
    changes = [record for record in stream_event()["Records"]
               if "forwarded_at" in record["dynamodb"].get("NewImage", {})]
    assert len(changes) == 1
    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        calls.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    assert handler({"Records": changes}, None) == {"batchItemFailures": []}
    assert calls == []


def test_only_the_record_that_failed_is_reported_and_it_is_sent_later(
    client, outbox, monkeypatch
, citizen) -> None:
    from app import app
    from chalicelib.domain.errors import ServiceUnavailable
    from chalicelib.messaging import SqsQueues

    ids = [submit(citizen, f"outbox-01{n:02d}") for n in range(3)]
    original = SqsQueues.send

    def refusing_the_middle_one(self: Any, message: Any) -> None:
        if message.body["tracking_id"] == ids[1]:
            raise ServiceUnavailable("service_unavailable")
        original(self, message)

    event = stream_event()
    with monkeypatch.context() as patch:
        patch.setattr(SqsQueues, "send", refusing_the_middle_one)
        response = app.handler_map["forward_outbox"](event, None)

    # THEN Lambda is told exactly which record to retry; the others went through
    middle = event["Records"][1]["dynamodb"]["SequenceNumber"]
    assert response == {"batchItemFailures": [{"itemIdentifier": middle}]}
    assert sorted(police_queue()) == sorted([ids[0], ids[2]])
    assert [record.tracking_id for record in pending_outbox()] == [ids[1]]

    # WHEN the stream delivers again (the poller resumes from the failed record)
    outbox()
    assert police_queue() == [ids[1]]
    assert pending_outbox() == []


def test_a_record_that_fails_every_retry_is_reported_and_left_for_the_sweeper(
    client, monkeypatch
, citizen) -> None:
    import threading
    from datetime import timedelta

    from app import app
    from chalicelib.domain.errors import ServiceUnavailable
    from chalicelib.messaging import SqsQueues
    from chalicelib.runtime import runtime
    from devtools import poller as pollers

    tracking_id = submit(citizen, "outbox-0200")
    settings = get_settings()
    poller = pollers.StreamPoller(
        settings.outbox_table, app.handler_map["forward_outbox"], "forward_outbox",
        batch_size=100, failure_queue=settings.outbox_failures_queue_name,
        region=settings.region, stop=threading.Event())
    monkeypatch.setattr(pollers, "STREAM_MAX_RETRIES", 2)
    poller.stop.wait = lambda seconds: False  # no pauses between retries in a test

    with monkeypatch.context() as patch:
        patch.setattr(SqsQueues, "send", lambda self, message: (_ for _ in ()).throw(
            ServiceUnavailable("service_unavailable")))
        poller.drain()

    # THEN the on-failure queue says which record, and the record is still pending
    [failure] = queued_messages(settings.outbox_failures_queue_name)
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["DDBStreamBatchInfo"]["startSequenceNumber"] == poller.passed_over[0]
    assert [record.tracking_id for record in pending_outbox()] == [tracking_id]

    # AND the sweeper sends it once SQS answers again
    with dynamodb_actions() as asked:
        result = runtime().outbox.sweep(older_than=timedelta(0))
    assert (result.seen, result.forwarded) == (1, 1)
    assert asked and refused("sweep_outbox", asked) == set()  # moto allows every call
    assert police_queue() == [tracking_id]


def test_the_outbox_record_waits_pending_until_forwarded_then_expires(outbox, citizen) -> None:
    from chalicelib.store.models import OutboxModel

    tracking_id = submit(citizen, "outbox-0300")
    [record] = OutboxModel.query(f"{tracking_id}#000")
    assert json.loads(json.dumps(record.messages)) == [
        {"queue": "agency", "agency_id": "police",
         "body": {"tracking_id": tracking_id, "step": "forward"}},
        {"queue": "notifications", "agency_id": None,
         "body": {"kind": "transition", "tracking_id": tracking_id, "step": 0}}]
    assert record.pending_bucket is not None and record.expiration is None
    outbox()
    forwarded = OutboxModel.get(f"{tracking_id}#000")
    assert forwarded.pending_bucket is None and forwarded.expiration is not None
