"""Save and reload the local stack's data, so `make dev` keeps it across restarts.

moto keeps everything in memory. On shutdown (and every few seconds while running)
the stage's table items, queue messages (dead-letter queues included) and SSM
parameters are written to one JSON file; on start they are put back through the
ordinary AWS APIs. Items are read from moto's in-process backends: this is a dump
of a local emulator, not a request path, so no table is scanned through the API.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import Settings

FORMAT_VERSION = 1


def _backends(settings: Settings) -> tuple[Any, Any]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.sqs.models import sqs_backends

    return (
        dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region],
        sqs_backends[DEFAULT_ACCOUNT_ID][settings.region],
    )


def _ours(settings: Settings, name: str) -> bool:
    return name.startswith(settings.resource(""))


def capture(settings: Settings) -> dict[str, Any]:
    """Everything the stage holds, as JSON-ready data."""
    dynamodb, sqs = _backends(settings)
    tables = {
        name: [item.to_json()["Attributes"] for item in table.all_items()]
        for name, table in dynamodb.tables.items()
        if _ours(settings, name)
    }
    queues = {
        name: [
            {
                "body": message.body,
                "attributes": {
                    key: {k: v for k, v in value.items() if k in ("DataType", "StringValue")}
                    for key, value in (message.message_attributes or {}).items()
                },
            }
            for message in list(queue._messages)  # moto keeps them in arrival order
        ]
        for name, queue in sqs.queues.items()
        if _ours(settings, name)
    }
    parameters = {}
    paginator = client("ssm").get_paginator("get_parameters_by_path")
    for page in paginator.paginate(Path=f"/{settings.app_name}/{settings.stage}/", Recursive=True):
        for parameter in page["Parameters"]:
            parameters[parameter["Name"]] = parameter["Value"]
    return {"version": FORMAT_VERSION, "tables": tables, "queues": queues, "parameters": parameters}


def save(path: Path, settings: Settings) -> dict[str, int]:
    """Write the stage's data to ``path`` atomically; return counts of what was saved."""
    state = capture(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
    return {
        "items": sum(len(items) for items in state["tables"].values()),
        "messages": sum(len(messages) for messages in state["queues"].values()),
    }


def restore(path: Path, settings: Settings) -> dict[str, int]:
    """Put saved data back into freshly created tables and queues; return counts."""
    if not path.exists():
        return {"items": 0, "messages": 0}
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("version") != FORMAT_VERSION:
        raise RuntimeError(f"{path} was written by another version of the local stack")
    dynamodb, sqs = client("dynamodb"), client("sqs")
    items = 0
    for table, rows in state["tables"].items():
        for start in range(0, len(rows), 25):
            batch = [{"PutRequest": {"Item": row}} for row in rows[start : start + 25]]
            pending: dict[str, Any] = {table: batch}
            while pending:
                pending = dynamodb.batch_write_item(RequestItems=pending).get(
                    "UnprocessedItems", {}
                )
            items += len(batch)
    messages = 0
    for queue, saved in state["queues"].items():
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        for message in saved:
            sqs.send_message(
                QueueUrl=url,
                MessageBody=message["body"],
                MessageAttributes=message.get("attributes") or {},
            )
            messages += 1
    ssm = client("ssm")
    for name, value in state.get("parameters", {}).items():
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    return {"items": items, "messages": messages}
