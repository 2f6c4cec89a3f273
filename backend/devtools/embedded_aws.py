"""What the embedded stack adds to moto so that it keeps DynamoDB's and SQS's promises.

The local stack (``make dev``) and the tests run moto, in server mode or in process,
and serve many requests at once on threads. moto 5.2 is written for one caller at a
time, and under concurrency it breaks promises the platform relies on:

* ``DynamoDBBackend.transact_write_items`` (``moto/dynamodb/models/__init__.py``)
  deep-copies every table a transaction touches before applying it and, when any
  condition fails, puts the copies back. Every write another thread committed to
  those tables in between is undone: an acknowledged application, or the winning
  decision of two, simply vanishes. Failed conditions are routine here (idempotent
  replays, version conflicts), and the copies make a transaction's cost grow with
  the table. Nothing holds a lock, so transactions are not isolated either.
* ``UpdateItem`` changes the stored item in place while other threads read or
  serialise it, and a conditional ``PutItem``/``UpdateItem`` checks its condition and
  writes without a lock, so two conditional writes can both succeed.
* ``ClientRequestToken`` is ignored: botocore's own retry of a transaction whose
  response was lost is applied a second time instead of being a no-op.
* Shard iterators are kept forever (``moto/dynamodbstreams/models.py``; ``GetRecords``
  makes one each call too): a poller reading a stream four times a second grows the
  process by hundreds of megabytes a day. DynamoDB expires an iterator after 15
  minutes; so does this.
* Every ``Query`` walks and sorts the whole table (``Table.query`` iterates
  ``Table.all_items()``), on a global secondary index as on the table itself, so a
  read's cost grows with the table.
* Every request to moto's server lists moto's package folder and stats each of its
  ~150 entries (``backends.list_of_moto_modules``, called from
  ``DomainDispatcherApplication.get_backend_for_host`` under the dispatcher's global
  lock), so concurrent requests queue behind file-system calls that always give the
  same answer. The list is made once.
* ``Queue.delete_message`` (``moto/sqs/models.py``) rebuilds the message list without
  the queue's lock: a message sent meanwhile is dropped although ``SendMessage`` was
  acknowledged. ``ReceiveMessage`` walks the list unlocked too, so two receivers can
  take the same message and a message can be moved to the dead-letter queue twice.

``install()`` puts the following in place, process-wide and idempotently:

* one re-entrant lock per service: every DynamoDB and DynamoDB Streams request (from
  parsing to the serialised answer) runs under it, and every SQS operation that reads
  or changes messages; a long-poll ``ReceiveMessage`` waits outside the lock;
* transactions that check every condition against the state before the transaction,
  apply nothing when one fails, and undo a half-applied transaction from a journal
  of the items it replaced (no table copies: the cost is the transaction's own);
* ``ClientRequestToken`` idempotency for ten minutes, as DynamoDB documents it;
* queries that look only at the partition asked for, through per-index maps kept up
  to date on every write;
* moto's list of its own services made once;
* a waiting ``ReceiveMessage`` sleeps until a message is sent, made visible, or due to
  become visible, not looking again every so often: moto's own wait wakes only on a send,
  so a message whose visibility ends would wait out the whole poll (a stack's pollers
  long-poll 20 s, as Lambda's do, and an idle one costs nothing);
* ``release_long_polls()``: every waiting ``ReceiveMessage`` answers at once, as when a
  stack stops.

``uninstall()`` restores moto's own code (tests use it to show the defects).
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

DYNAMODB_LOCK = threading.RLock()
SQS_LOCK = threading.RLock()
CLIENT_TOKEN_SECONDS = 10 * 60  # how long DynamoDB remembers a ClientRequestToken
_TRANSACTION_OPERATIONS = ("ConditionCheck", "Put", "Delete", "Update")

_NOT_TAKEN_WAIT = 0.05  # a visible message that a receive could not take: look again then
_long_polls_released = threading.Event()
_waited_on: set[Any] = set()  # the queues' conditions receives have waited on (release wakes)
_originals: dict[tuple[Any, str], Any] = {}
_tokens: dict[str, tuple[str, float, Any]] = {}


def _replace(owner: Any, name: str, build: Callable[[Any], Any]) -> None:
    """Put ``build(original)`` in place of ``owner.name``, remembering the original."""
    if (owner, name) in _originals:
        return
    own = owner.__dict__.get(name)  # None: inherited, so uninstalling deletes the override
    _originals[(owner, name)] = own
    setattr(owner, name, build(own if own is not None else getattr(owner, name)))


def installed() -> bool:
    """Whether the fixes are in place."""
    return bool(_originals)


def install() -> None:
    """Make moto safe for concurrent callers (see the module docstring). Idempotent."""
    _long_polls_released.clear()
    if installed():
        return
    from moto import backends
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
    from moto.sqs.models import SQSBackend

    for handler in (DynamoHandler, DynamoDBStreamsHandler):
        _replace(handler, "call_action", _locked(DYNAMODB_LOCK))
    _replace(DynamoHandler, "transact_write_items", _with_client_token)
    _replace(DynamoDBBackend, "transact_write_items", lambda _: _transact_write_items)
    _replace(DynamoDBBackend, "update_item", _reindexing_update)
    _replace(DynamoDBBackend, "update_table_global_indexes", _forgetting_indexes)
    _replace(Table, "put_item", _reindexing_put)
    _replace(Table, "delete_item", _reindexing_delete)
    _replace(Table, "query", _partition_query)
    _replace(DynamoDBStreamsBackend, "get_shard_iterator", _expiring_iterators)
    _replace(DynamoDBStreamsBackend, "get_records", _expiring_next_iterators)
    for name in ("send_message", "send_message_batch", "delete_message",
                 "delete_message_batch", "purge_queue", "get_queue_attributes"):
        _replace(SQSBackend, name, _locked(SQS_LOCK))
    for name in ("change_message_visibility", "change_message_visibility_batch"):
        _replace(SQSBackend, name, _waking_the_receivers)
    _replace(SQSBackend, "receive_message", _waiting_outside_the_lock)
    _replace(backends, "list_of_moto_modules", _listed_once)


def uninstall() -> None:
    """Put moto's own code back."""
    for (owner, name), original in _originals.items():
        if original is None:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
    _originals.clear()
    _tokens.clear()


def release_long_polls() -> None:
    """Answer every waiting ``ReceiveMessage`` now, and every later one without waiting (a
    stopping stack; ``install()`` ends it)."""
    _long_polls_released.set()
    for condition in list(_waited_on):
        with condition:
            condition.notify_all()


def _listed_once(original: Any) -> Any:
    names = tuple(original())

    def list_of_moto_modules() -> tuple[str, ...]:
        return names

    return list_of_moto_modules


def forget_client_tokens() -> None:
    """Forget every transaction's client token (a test's moto emptied between tests)."""
    _tokens.clear()


@contextmanager
def consistent_view() -> Iterator[None]:
    """Hold both locks: nothing changes in DynamoDB or SQS until the block ends."""
    with DYNAMODB_LOCK, SQS_LOCK:
        yield


def _locked(lock: threading.RLock) -> Callable[[Any], Any]:
    def build(original: Any) -> Any:
        def locked(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return original(*args, **kwargs)

        locked.__wrapped__ = original  # type: ignore[attr-defined]
        return locked

    return build


# --- transactions ------------------------------------------------------------------


def _with_client_token(original: Any) -> Any:
    """The same token and request within ten minutes succeed again without a second write.

    A token reused with a different request is refused, as DynamoDB does
    (``IdempotentParameterMismatchException``). A transaction that failed is not
    remembered: retrying it runs it again.
    """

    def transact_write_items(handler: Any) -> Any:
        token = handler.body.get("ClientRequestToken")
        if not token:
            return original(handler)
        request = json.dumps(handler.body.get("TransactItems"), sort_keys=True, default=str)
        fingerprint = hashlib.sha256(request.encode()).hexdigest()
        now = time.monotonic()
        for old in [key for key, (_, at, _) in _tokens.items() if now - at > CLIENT_TOKEN_SECONDS]:
            del _tokens[old]
        if token in _tokens:
            seen, _, answer = _tokens[token]
            if seen != fingerprint:
                from moto.core.exceptions import JsonRESTError

                raise JsonRESTError(
                    "IdempotentParameterMismatchException",
                    "The ClientRequestToken was used with different parameters.",
                )
            return answer
        answer = original(handler)
        _tokens[token] = (fingerprint, now, answer)
        return answer

    return transact_write_items


def _key_of(table: Any, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    if operation != "Put":
        return dict(body["Key"])
    attributes = body["Item"]
    key = {table.hash_key_attr: attributes[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attributes[table.range_key_attr]
    return key


def _transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
    """All of a transaction's writes, or none; its conditions read the state before it."""
    from moto.dynamodb.exceptions import TransactionCanceledException

    plan = _plan(backend, transact_items)
    reasons = [_condition_failure(backend, body, table, key) for _, body, table, key in plan]
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    _apply(backend, plan)


def _plan(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[str, Any, Any, Any]]:
    """Each action with its table and key; refuses what DynamoDB refuses outright."""
    from moto.dynamodb.exceptions import (
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:  # noqa: PLR2004 - DynamoDB's limit
        raise TooManyTransactionsException()
    plan = []
    targets: set[tuple[str, str]] = set()
    for entry in transact_items:
        if len(entry) != 1:
            raise TransactWriteSingleOpException
        operation, body = next(iter(entry.items()))
        if operation not in _TRANSACTION_OPERATIONS:
            raise MockValidationException(f"Unsupported transaction operation {operation}")
        table = backend.get_table(body["TableName"])
        key = _key_of(table, operation, body)
        target = (table.name, json.dumps(key, sort_keys=True))
        if target in targets:
            raise MultipleTransactionsException()
        targets.add(target)
        plan.append((operation, body, table, key))
    return plan


def _condition_failure(backend: Any, body: dict[str, Any], table: Any,
                       key: dict[str, Any]) -> tuple[Any, Any, Any]:
    """The cancellation reason of one action: ``(None, None, None)`` when its condition holds."""
    from moto.dynamodb.comparisons import get_filter_expression

    current = backend.get_item(table.name, key)
    condition = body.get("ConditionExpression")
    if condition is None or get_filter_expression(
        condition, body.get("ExpressionAttributeNames"), body.get("ExpressionAttributeValues")
    ).expr(current):
        return (None, None, None)
    old = None
    if body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
        old = current.to_json()["Attributes"]
    return ("ConditionalCheckFailed", "The conditional request failed", old)


def _apply(backend: Any, plan: list[tuple[str, Any, Any, Any]]) -> None:
    """Apply every action, journaling what each replaces; undo them all if one fails."""
    from moto.dynamodb.exceptions import MockValidationException, TransactionCanceledException

    journal: list[tuple[Any, Any, Any, Any]] = []
    stream_lengths: dict[str, int] = {}
    for index, (operation, body, table, key) in enumerate(plan):
        if table.name not in stream_lengths and table.stream_shard is not None:
            stream_lengths[table.name] = len(table.stream_shard.items)
        hash_value, range_value = backend.get_keys_value(table, key)
        before = table.get_item(hash_value, range_value)
        journal.append((table, hash_value, range_value, copy.deepcopy(before)))
        try:
            if operation == "Put":
                backend.put_item(table.name, body["Item"])
            elif operation == "Delete":
                backend.delete_item(table.name, key)
            elif operation == "Update":
                backend.update_item(
                    table.name, key, update_expression=body["UpdateExpression"],
                    expression_attribute_names=body.get("ExpressionAttributeNames"),
                    expression_attribute_values=body.get("ExpressionAttributeValues"),
                )
        except Exception as error:
            _undo(journal, stream_lengths, backend)
            if isinstance(error, MockValidationException):
                raise
            failed: list[tuple[Any, Any, Any]] = [(None, None, None)] * len(plan)
            failed[index] = (type(error).__name__, str(error), None)
            raise TransactionCanceledException(failed) from error


def _undo(journal: list[tuple[Any, Any, Any, Any]], stream_lengths: dict[str, int],
          backend: Any) -> None:
    """Put back every item a half-applied transaction replaced, and drop its stream records."""
    for table, hash_value, range_value, before in reversed(journal):
        if table.range_key_attr is not None:
            if before is None:
                table.items[hash_value].pop(range_value, None)
            else:
                table.items[hash_value][range_value] = before
        elif before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before
        _reindex(table, hash_value, range_value)
    for name, length in stream_lengths.items():
        shard = backend.get_table(name).stream_shard
        if shard is not None:
            del shard.items[length:]


# --- partition-local queries --------------------------------------------------------
#
# For each table that has been queried through a global secondary index, ``_gsi`` maps
# index name -> index hash value -> {primary key: item}, and ``_gsi_keys`` remembers
# each item's index hash values, so a write moves the item between buckets.


def _gsi_hash_attribute(index: Any) -> str | None:
    hashes = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"]
    return hashes[0] if len(hashes) == 1 else None


def _build_maps(table: Any) -> None:
    table._gsi = {index.name: {} for index in table.global_indexes}
    table._gsi_keys = {}
    for hash_value, bucket in list(table.items.items()):
        if table.range_key_attr is not None:
            for range_value in list(bucket):
                _reindex(table, hash_value, range_value)
        else:
            _reindex(table, hash_value, None)


def _reindex(table: Any, hash_value: Any, range_value: Any) -> None:
    """Move one item to the index buckets its current attributes put it in."""
    maps = table.__dict__.get("_gsi")
    if maps is None:
        return
    primary = (hash_value, range_value)
    for name, value in table._gsi_keys.pop(primary, {}).items():
        bucket = maps.get(name, {}).get(value)
        if bucket is not None:
            bucket.pop(primary, None)
            if not bucket:
                del maps[name][value]
    if table.range_key_attr is not None:
        item = table.items.get(hash_value, {}).get(range_value)
    else:
        item = table.items.get(hash_value)
    if item is None:
        return
    placed = {}
    for index in table.global_indexes:
        attribute = _gsi_hash_attribute(index)
        value = item.attrs.get(attribute) if attribute else None
        if value is not None:
            maps[index.name].setdefault(value, {})[primary] = item
            placed[index.name] = value
    if placed:
        table._gsi_keys[primary] = placed


def _reindexing_put(original: Any) -> Any:
    def put_item(table: Any, *args: Any, **kwargs: Any) -> Any:
        item = original(table, *args, **kwargs)
        _reindex(table, item.hash_key, item.range_key)
        return item

    return put_item


def _reindexing_delete(original: Any) -> Any:
    def delete_item(table: Any, hash_key: Any, range_key: Any = None) -> Any:
        item = original(table, hash_key, range_key)
        _reindex(table, hash_key, range_key)
        return item

    return delete_item


def _reindexing_update(original: Any) -> Any:
    def update_item(backend: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        item = original(backend, table_name, *args, **kwargs)
        _reindex(backend.get_table(table_name), item.hash_key, item.range_key)
        return item

    return update_item


def _forgetting_indexes(original: Any) -> Any:
    def update_table_global_indexes(backend: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        table = original(backend, name, *args, **kwargs)
        backend.get_table(name).__dict__.pop("_gsi", None)
        return table

    return update_table_global_indexes


def _candidates(table: Any, hash_key: Any, index_name: str | None,
                hash_key_conditions: list[tuple[str, Any]] | None) -> list[Any] | None:
    """The only items a query can return, or ``None`` to let moto look at all of them."""
    if index_name is None:
        bucket = table.items.get(hash_key) if hash_key is not None else None
        if bucket is None:
            return []
        items = list(bucket.values()) if table.range_key_attr is not None else [bucket]
    else:
        index = next((i for i in table.global_indexes if i.name == index_name), None)
        attribute = _gsi_hash_attribute(index) if index is not None else None
        conditions = dict(hash_key_conditions or [])
        value = conditions.get(attribute) if attribute else None
        if value is None and attribute and not conditions:
            value = hash_key
        if value is None or len(conditions) > 1:
            return None
        if "_gsi" not in table.__dict__:
            _build_maps(table)
        items = list(table._gsi.get(index_name, {}).get(value, {}).values())
    return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


def _partition_query(original: Any) -> Any:
    def query(table: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)  # noqa: PLR2004
        items = _candidates(table, hash_key, index_name, kwargs.get("hash_key_conditions"))
        if items is None:
            return original(table, hash_key, *args, **kwargs)
        # moto's query walks ``all_items()``; for this call, that is the partition.
        table.all_items = lambda: items
        try:
            return original(table, hash_key, *args, **kwargs)
        finally:
            del table.all_items

    return query


ITERATOR_SECONDS = 15 * 60  # how long DynamoDB Streams honours a shard iterator
_iterators_made: dict[str, float] = {}


def _forget_expired_iterators(backend: Any, made: str | None) -> None:
    """Note when ``made`` was made; forget every iterator older than 15 minutes (oldest
    first: the notes are in the order they were made)."""
    now = time.monotonic()
    if made:
        _iterators_made[made] = now
    while _iterators_made:
        oldest, when = next(iter(_iterators_made.items()))
        if now - when <= ITERATOR_SECONDS:
            break
        del _iterators_made[oldest]
        backend.shard_iterators.pop(oldest, None)


def _expiring_iterators(original: Any) -> Any:
    """A new iterator from ``GetShardIterator`` expires after 15 minutes."""

    def get_shard_iterator(backend: Any, *args: Any, **kwargs: Any) -> Any:
        iterator = original(backend, *args, **kwargs)
        _forget_expired_iterators(backend, iterator.arn)
        return iterator

    return get_shard_iterator


def _expiring_next_iterators(original: Any) -> Any:
    """So does the next iterator ``GetRecords`` returns (a poller follows these)."""

    def get_records(backend: Any, *args: Any, **kwargs: Any) -> Any:
        answer = original(backend, *args, **kwargs)
        _forget_expired_iterators(backend, answer.get("NextShardIterator"))
        return answer

    return get_records


# --- SQS ------------------------------------------------------------------------------


def _waiting_outside_the_lock(original: Any) -> Any:
    """A long poll that takes messages under the lock and waits for them without it, until a
    message is sent or made visible (both notify the queue's condition) or the soonest
    hidden one is due, and no longer than the poll."""

    def receive_message(backend: Any, queue_name: str, count: int, wait_seconds: int,
                        *args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + (wait_seconds or 0)
        while True:
            with SQS_LOCK:
                messages = original(backend, queue_name, count, 0, *args, **kwargs)
                queue = backend.get_queue(queue_name)
                hidden_for = _until_visible(queue)
            remaining = deadline - time.monotonic()
            if messages or remaining <= 0 or _long_polls_released.is_set():
                return messages
            if hidden_for == 0:
                # Visible messages exist but none can be taken (e.g. about to move to the
                # dead-letter queue): do not spin.
                _long_polls_released.wait(min(_NOT_TAKEN_WAIT, remaining))
                continue
            condition = queue._messages_lock
            _waited_on.add(condition)
            with condition:
                condition.wait_for(lambda q=queue: q.messages or _long_polls_released.is_set(),
                                   timeout=min(hidden_for, remaining))

    return receive_message


def _until_visible(queue: Any) -> float:
    """Seconds until the soonest of the queue's hidden (in flight or delayed) messages
    shows again: 0 if one shows already, infinity with none at all."""
    now = time.time() * 1000
    soonest = float("inf")
    for message in queue._messages:
        shows_at = max(message.visible_at, message.delayed_until)
        if shows_at <= now:
            return 0.0
        soonest = min(soonest, shows_at)
    return (soonest - now) / 1000 + 0.001


def _waking_the_receivers(original: Any) -> Any:
    """Changing a message's visibility, under the lock; then the receives waiting on its
    queue look again (a message made visible at once is taken at once, not when the wait
    for the visibility it had ends)."""

    def change(backend: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        with SQS_LOCK:
            answer = original(backend, queue_name, *args, **kwargs)
            condition = backend.get_queue(queue_name)._messages_lock
        with condition:
            condition.notify_all()
        return answer

    change.__wrapped__ = original  # type: ignore[attr-defined]
    return change
