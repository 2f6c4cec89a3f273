"""The embedded stack keeps DynamoDB's and SQS's promises under concurrency.

moto server on a free loopback port, called over real HTTP from many threads, as
``make dev`` is. Each ``plain`` case runs the same scenario on moto without
``devtools.embedded_aws`` and is expected to fail: it shows the defect the fix exists
for, and fails loudly (strict xfail) if a moto upgrade ever fixes it upstream.
"""

from __future__ import annotations

import random
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from devtools import embedded_aws

TABLE = "consistency"


# Deterministic scenarios run twice: with the fixes, and on plain moto, where they fail.
WITH_AND_WITHOUT_FIXES = pytest.mark.parametrize("moto_mode", [
    "embedded",
    pytest.param("plain", marks=pytest.mark.xfail(
        strict=True, reason="moto alone breaks this promise under concurrency")),
], indirect=True)


@pytest.fixture
def moto_mode(request: pytest.FixtureRequest) -> Iterator[str]:
    """moto with the embedded stack's fixes (the default), or without them (``plain``)."""
    mode = getattr(request, "param", "embedded")
    if mode == "plain":
        embedded_aws.uninstall()
    try:
        yield mode
    finally:
        embedded_aws.install()


@pytest.fixture
def endpoint(moto_mode: str) -> Iterator[str]:
    """A moto server of its own on a free loopback port."""
    from moto.server import ThreadedMotoServer

    from devtools.stack import free_port

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        yield url
    finally:
        # moto's backends are process-wide: leave nothing for the next test
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))
        server.stop()


def aws(service: str, endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(service, endpoint_url=endpoint, region_name="ap-south-1",
                        config=Config(max_pool_connections=50, retries={"max_attempts": 1}))


@pytest.fixture
def dynamodb(endpoint: str) -> Any:
    client = aws("dynamodb", endpoint)
    client.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                              {"AttributeName": "group", "AttributeType": "S"},
                              {"AttributeName": "at", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "by-group", "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [{"AttributeName": "group", "KeyType": "HASH"},
                          {"AttributeName": "at", "KeyType": "RANGE"}]}],
    )
    return client


def exists(client: Any, key: str) -> bool:
    return "Item" in client.get_item(TableName=TABLE, Key={"id": {"S": key}}, ConsistentRead=True)


class Gate:
    """Stops the first caller that touches a chosen key until the test lets it go."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def wait(self) -> None:
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(10)


@WITH_AND_WITHOUT_FIXES
def test_a_failed_transaction_keeps_a_write_made_meanwhile(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.dynamodb.models import DynamoDBBackend

    # GIVEN a transaction whose condition will fail, held up while it checks it
    gate, original = Gate(), DynamoDBBackend.get_item

    def get_item(backend: Any, table_name: str, keys: dict[str, Any], *args: Any) -> Any:
        if keys.get("id") == {"S": "gate"}:
            gate.wait()
        return original(backend, table_name, keys, *args)

    monkeypatch.setattr(DynamoDBBackend, "get_item", get_item)
    outcome: dict[str, str] = {}

    def failing_transaction() -> None:
        try:
            dynamodb.transact_write_items(TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {"id": {"S": "never"}}}},
                {"ConditionCheck": {"TableName": TABLE, "Key": {"id": {"S": "gate"}},
                                    "ConditionExpression": "attribute_exists(id)"}},
            ])
            outcome["transaction"] = "committed"
        except dynamodb.exceptions.TransactionCanceledException:
            outcome["transaction"] = "cancelled"

    def acknowledged_write() -> None:
        dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "acknowledged"}})
        outcome["write"] = "acknowledged"

    first = threading.Thread(target=failing_transaction)
    first.start()
    assert gate.entered.wait(10)

    # WHEN another client writes (and is told it succeeded) while the transaction runs
    second = threading.Thread(target=acknowledged_write)
    second.start()
    second.join(0.5)
    gate.release.set()
    first.join(10)
    second.join(10)

    # THEN the transaction changed nothing and the acknowledged write is still there
    assert outcome == {"transaction": "cancelled", "write": "acknowledged"}
    assert not exists(dynamodb, "never")
    assert exists(dynamodb, "acknowledged")


def test_concurrent_transactions_lose_no_acknowledged_write(dynamodb: Any) -> None:
    # GIVEN 12 clients, each committing transactions that add an item and count it on
    # a shared row, some of them bound to fail a condition (as idempotent replays and
    # version conflicts do)
    clients, per_client = 12, 40
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "total"}, "n": {"N": "0"}})
    acknowledged: list[str] = []
    cancelled: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        chance = random.Random(number)
        for step in range(per_client):
            key = f"item-{number}-{step}"
            doomed = chance.random() < 0.4
            check = "attribute_not_exists(id)" if not doomed else "attribute_exists(id)"
            try:
                dynamodb.transact_write_items(TransactItems=[
                    {"Put": {"TableName": TABLE,
                             "Item": {"id": {"S": key}, "group": {"S": f"g{number % 3}"},
                                      "at": {"N": str(step)}},
                             "ConditionExpression": "attribute_not_exists(id)"}},
                    {"Update": {"TableName": TABLE, "Key": {"id": {"S": "total"}},
                                "UpdateExpression": "ADD n :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                    {"ConditionCheck": {"TableName": TABLE, "Key": {"id": {"S": f"ghost-{key}"}},
                                        "ConditionExpression": check}},
                ])
                with lock:
                    acknowledged.append(key)
            except dynamodb.exceptions.TransactionCanceledException:
                with lock:
                    cancelled.append(key)

    # WHEN they all run at once
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    # THEN every acknowledged item is there, no cancelled one is, and the count is exact
    assert len(acknowledged) + len(cancelled) == clients * per_client
    assert acknowledged and cancelled
    missing = [key for key in acknowledged if not exists(dynamodb, key)]
    assert missing == []
    assert not any(exists(dynamodb, key) for key in cancelled)
    total = dynamodb.get_item(TableName=TABLE, Key={"id": {"S": "total"}}, ConsistentRead=True)
    assert int(total["Item"]["n"]["N"]) == len(acknowledged)


def test_of_concurrent_conditional_writes_to_one_item_exactly_one_wins(dynamodb: Any) -> None:
    # GIVEN a versioned row, and 20 clients that all read version 0 and try to move it on
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "row"}, "version": {"N": "0"}})
    won: list[int] = []
    start = threading.Barrier(20)

    def decide(number: int) -> None:
        start.wait()
        try:
            dynamodb.update_item(
                TableName=TABLE, Key={"id": {"S": "row"}},
                UpdateExpression="SET version = :next, winner = :me",
                ConditionExpression="version = :seen",
                ExpressionAttributeValues={":seen": {"N": "0"}, ":next": {"N": "1"},
                                           ":me": {"N": str(number)}})
            won.append(number)
        except dynamodb.exceptions.ConditionalCheckFailedException:
            pass

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # THEN one won, and the row says it was that one
    row = dynamodb.get_item(TableName=TABLE, Key={"id": {"S": "row"}}, ConsistentRead=True)
    assert len(won) == 1
    assert row["Item"]["winner"]["N"] == str(won[0])


@WITH_AND_WITHOUT_FIXES
def test_a_retried_transaction_with_its_client_token_writes_once(dynamodb: Any) -> None:
    items = [{"Update": {"TableName": TABLE, "Key": {"id": {"S": "counted"}},
                         "UpdateExpression": "ADD n :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    # WHEN the same transaction is sent twice with its token (a response was lost)
    dynamodb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
    dynamodb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
    # THEN it was applied once; another request under that token is refused
    row = dynamodb.get_item(TableName=TABLE, Key={"id": {"S": "counted"}}, ConsistentRead=True)
    assert row["Item"]["n"]["N"] == "1"
    other = [{**items[0], "Update": {**items[0]["Update"], "Key": {"id": {"S": "other"}}}}]
    with pytest.raises(dynamodb.exceptions.ClientError, match="IdempotentParameterMismatch"):
        dynamodb.transact_write_items(TransactItems=other, ClientRequestToken="token-1")


def test_queries_answer_as_moto_does_from_the_partition_alone(dynamodb: Any) -> None:
    """The partition-local query gives moto's own answers, page by page, both directions."""
    chance = random.Random(7)
    for number in range(400):
        item = {"id": {"S": f"q{number:03d}"}, "at": {"N": str(chance.randint(0, 50))}}
        if number % 5:
            item["group"] = {"S": f"g{chance.randint(0, 6)}"}
        dynamodb.put_item(TableName=TABLE, Item=item)
    for number in range(0, 400, 9):  # moves between partitions, and out of the index
        dynamodb.update_item(TableName=TABLE, Key={"id": {"S": f"q{number:03d}"}},
                             UpdateExpression="SET #g = :g",
                             ExpressionAttributeNames={"#g": "group"},
                             ExpressionAttributeValues={":g": {"S": "g1"}})
    for number in range(3, 400, 17):
        dynamodb.delete_item(TableName=TABLE, Key={"id": {"S": f"q{number:03d}"}})

    def pages(**query: Any) -> list[list[str]]:
        found, start = [], None
        while True:
            extra = {"ExclusiveStartKey": start} if start else {}
            answer = dynamodb.query(TableName=TABLE, Limit=7, **query, **extra)
            found.append([item["id"]["S"] for item in answer["Items"]])
            start = answer.get("LastEvaluatedKey")
            if not start:
                return found

    queries = [
        {"IndexName": "by-group", "KeyConditionExpression": "#g = :g AND #a > :a",
         "ExpressionAttributeNames": {"#g": "group", "#a": "at"},
         "ExpressionAttributeValues": {":g": {"S": f"g{group}"}, ":a": {"N": "10"}},
         "ScanIndexForward": forward}
        for group in range(7) for forward in (True, False)
    ] + [{"KeyConditionExpression": "id = :id",
          "ExpressionAttributeValues": {":id": {"S": "q010"}}}]
    embedded = [pages(**query) for query in queries]
    embedded_aws.uninstall()
    try:
        plain = [pages(**query) for query in queries]
    finally:
        embedded_aws.install()
    assert embedded == plain
    assert sum(len(page) for result in embedded for page in result) > 100


@pytest.fixture
def sqs(endpoint: str) -> tuple[Any, str]:
    client = aws("sqs", endpoint)
    return client, client.create_queue(QueueName="consistency")["QueueUrl"]


@WITH_AND_WITHOUT_FIXES
def test_a_message_sent_while_another_is_deleted_is_kept(
    sqs: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.sqs.models import Queue

    client, url = sqs
    client.send_message(QueueUrl=url, MessageBody="first")
    handle = client.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]

    # GIVEN the deletion of a received message, held up just before it stores the
    # queue's rebuilt list of messages (``Queue.delete_message`` in moto)
    gate = Gate()

    def stored(queue: Any) -> list[Any]:
        return queue.__dict__["_messages"]

    def store(queue: Any, messages: list[Any]) -> None:
        if queue.name == "consistency" and "_messages" in queue.__dict__:
            gate.wait()
        queue.__dict__["_messages"] = messages

    monkeypatch.setattr(Queue, "_messages", property(stored, store), raising=False)
    deleting = threading.Thread(target=client.delete_message,
                                kwargs={"QueueUrl": url, "ReceiptHandle": handle})
    deleting.start()
    assert gate.entered.wait(10)

    # WHEN another message is sent (and acknowledged) meanwhile
    sending = threading.Thread(target=client.send_message,
                               kwargs={"QueueUrl": url, "MessageBody": "second"})
    sending.start()
    sending.join(0.5)
    gate.release.set()
    deleting.join(10)
    sending.join(10)

    # THEN the new message is in the queue
    received = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    assert [message["Body"] for message in received.get("Messages", [])] == ["second"]


def test_concurrent_receivers_take_each_message_once(sqs: tuple[Any, str]) -> None:
    client, url = sqs
    for start in range(0, 200, 10):
        client.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(n), "MessageBody": f"m{n}"} for n in range(start, start + 10)])
    taken: list[str] = []
    lock = threading.Lock()

    def receive() -> None:
        while True:
            answer = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                            VisibilityTimeout=60, WaitTimeSeconds=0)
            messages = answer.get("Messages", [])
            if not messages:
                return
            with lock:
                taken.extend(message["Body"] for message in messages)

    threads = [threading.Thread(target=receive) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(taken) == sorted(f"m{n}" for n in range(200))


def waiting_receive(client: Any, url: str, seconds: int) -> tuple[threading.Thread, list[str]]:
    """A long poll started in a thread of its own; the bodies it is answered with."""
    bodies: list[str] = []

    def receive() -> None:
        answer = client.receive_message(QueueUrl=url, WaitTimeSeconds=seconds,
                                        VisibilityTimeout=60)
        bodies.extend(message["Body"] for message in answer.get("Messages", []))

    thread = threading.Thread(target=receive)
    thread.start()
    return thread, bodies


def test_a_waiting_receive_takes_a_message_whose_visibility_ends_meanwhile(
        sqs: tuple[Any, str]) -> None:
    # GIVEN a message in flight for one second more
    client, url = sqs
    client.send_message(QueueUrl=url, MessageBody="back soon")
    client.receive_message(QueueUrl=url, VisibilityTimeout=1)

    # WHEN a receive waits up to 10 s
    thread, bodies = waiting_receive(client, url, 10)
    thread.join(15)

    # THEN it is answered with the message once it shows again, within its wait
    assert bodies == ["back soon"]


def test_a_waiting_receive_takes_a_message_made_visible_meanwhile(sqs: tuple[Any, str]) -> None:
    # GIVEN a message in flight for ten minutes, and a receive waiting up to 20 s
    client, url = sqs
    client.send_message(QueueUrl=url, MessageBody="let go")
    handle = client.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"][0][
        "ReceiptHandle"]
    thread, bodies = waiting_receive(client, url, 20)
    time.sleep(1)  # the receive is waiting by now

    # WHEN its reader lets it go (visibility 0), as a worker listing dead letters does
    client.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)

    # THEN the waiting receive is answered with it, not only when its wait is over
    thread.join(10)
    assert bodies == ["let go"]
    thread.join(15)
