"""The DynamoDB actions a piece of code asks for, against what its Lambda function's role
grants (``infra/cfn/functions.py``). Moto does not enforce IAM: a call that no grant
covers passes every test that runs on it, and is refused in AWS (AccessDenied)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

INFRA = Path(__file__).resolve().parents[1] / "infra"
if str(INFRA) not in sys.path:
    sys.path.insert(0, str(INFRA))

# An operation asks for the action of its name; a batch or a transaction for the action of
# each of its requests, on the request's table (IAM authorises them one by one).
ITEM_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                "ConditionCheck": "ConditionCheckItem", "PutRequest": "PutItem",
                "DeleteRequest": "DeleteItem", "Get": "GetItem"}


def actions_of(operation: str, params: dict[str, Any]) -> set[tuple[str, str]]:
    """``(table name, dynamodb:Action)`` for each thing one call asks for."""
    if operation in ("TransactWriteItems", "TransactGetItems"):
        return {(request["TableName"], f"dynamodb:{ITEM_ACTIONS[kind]}")
                for entry in params["TransactItems"] for kind, request in entry.items()}
    if operation == "BatchWriteItem":
        return {(table, f"dynamodb:{ITEM_ACTIONS[kind]}")
                for table, requests in params["RequestItems"].items()
                for request in requests for kind in request}
    if operation == "BatchGetItem":
        return {(table, "dynamodb:BatchGetItem") for table in params["RequestItems"]}
    if "TableName" in params:
        return {(params["TableName"], f"dynamodb:{operation}")}
    return set()


@contextmanager
def dynamodb_actions() -> Iterator[set[tuple[str, str]]]:
    """Every ``(table name, action)`` the code in the block asks DynamoDB for."""
    import botocore.client

    asked: set[tuple[str, str]] = set()
    original = botocore.client.BaseClient._make_api_call

    def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            asked.update(actions_of(operation, params))
        return original(client, operation, params)

    botocore.client.BaseClient._make_api_call = recording  # type: ignore[method-assign]
    try:
        yield asked
    finally:
        botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]


def refused(function: str, asked: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """What of ``asked`` the role of ``function`` does not grant (by table suffix)."""
    from cfn.functions import ACCESS, TABLE_GRANTS

    from chalicelib.settings import get_settings

    prefix = get_settings().resource("")
    tables = ACCESS["dispatch_*" if function.startswith("dispatch_") else function].tables
    return {(table, action) for table, action in asked
            if action not in {granted for grant in tables.get(table.removeprefix(prefix), ())
                              for granted in TABLE_GRANTS[grant]}}
