"""Save and reload the local stack's data, so `make dev` keeps it across restarts.

moto keeps everything in memory. On shutdown (and every few seconds while running)
the stage's table items, queue messages (dead-letter queues included) and SSM
parameters are written to one JSON file; on start they are put back through the
ordinary AWS APIs. Items are read from moto's in-process backends: this is a dump
of a local emulator, not a request path, so no table is scanned through the API.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from pathlib import Path
from typing import Any

from chalicelib.aws import client
from chalicelib.observability import logger
from chalicelib.settings import Settings

FORMAT_VERSION = 3  # 2: parameters keep their type (SecureString secrets); 3: binary values
READABLE_VERSIONS = (1, 2, 3)


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


def _to_text(value: dict[str, Any]) -> dict[str, Any]:
    """An attribute value JSON can hold: binary (moto keeps ``bytes``) as base64 text, as
    DynamoDB's own JSON has it; maps and lists all the way down."""
    (kind, inner), = value.items()
    if kind == "B":
        return {kind: base64.b64encode(inner).decode("ascii")}
    if kind == "BS":
        return {kind: [base64.b64encode(each).decode("ascii") for each in inner]}
    if kind == "M":
        return {kind: {key: _to_text(each) for key, each in inner.items()}}
    if kind == "L":
        return {kind: [_to_text(each) for each in inner]}
    return value


def _from_text(value: dict[str, Any]) -> dict[str, Any]:
    """The attribute value ``_to_text`` made, as the AWS SDK takes it (binary as bytes)."""
    (kind, inner), = value.items()
    if kind == "B":
        return {kind: base64.b64decode(inner)}
    if kind == "BS":
        return {kind: [base64.b64decode(each) for each in inner]}
    if kind == "M":
        return {kind: {key: _from_text(each) for key, each in inner.items()}}
    if kind == "L":
        return {kind: [_from_text(each) for each in inner]}
    return value


def capture(settings: Settings) -> dict[str, Any]:
    """Everything the stage holds, as JSON-ready data.

    Tables and queues are copied under the embedded stack's locks, as of one moment:
    a copy taken while a transaction or a deletion runs would keep half of it.
    """
    from devtools.embedded_aws import consistent_view

    dynamodb, sqs = _backends(settings)
    with consistent_view():
        tables = {
            name: [{key: _to_text(value) for key, value in item.to_json()["Attributes"].items()}
                   for item in table.all_items()]
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
    pages = paginator.paginate(Path=f"/{settings.app_name}/{settings.stage}/", Recursive=True,
                               WithDecryption=True)
    for page in pages:
        for parameter in page["Parameters"]:
            parameters[parameter["Name"]] = {"value": parameter["Value"],
                                             "type": parameter["Type"]}
    return {"version": FORMAT_VERSION, "tables": tables, "queues": queues, "parameters": parameters}


_saving = threading.Lock()


def save(path: Path, settings: Settings) -> dict[str, int]:
    """Write the stage's data to ``path`` atomically; return counts of what was saved.

    One save at a time (the autosave and the save at shutdown may overlap), through a
    temporary file of its own, so the file is always one whole snapshot.
    """
    with _saving:
        state = capture(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with temporary.open("w", encoding="utf-8") as out:
            json.dump(state, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    return {
        "items": sum(len(items) for items in state["tables"].values()),
        "messages": sum(len(messages) for messages in state["queues"].values()),
    }


def restore(path: Path, settings: Settings) -> dict[str, int]:
    """Put saved data back into freshly created tables and queues; return counts.

    Tables and queues the code no longer declares are left out (and said so).
    """
    if not path.exists():
        return {"items": 0, "messages": 0}
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("version") not in READABLE_VERSIONS:
        raise RuntimeError(f"{path} was written by another version of the local stack")
    counts = {"items": _restore_tables(state["tables"]),
              "messages": _restore_queues(state["queues"])}
    ssm = client("ssm")
    for name, saved in state.get("parameters", {}).items():
        value, kind = (saved, "String") if isinstance(saved, str) else (  # format 1: strings
            saved["value"], saved["type"])
        ssm.put_parameter(Name=name, Value=value, Type=kind, Overwrite=True)
    return counts


def _restore_tables(tables: dict[str, list[dict[str, Any]]]) -> int:
    dynamodb = client("dynamodb")
    known = set(dynamodb.list_tables()["TableNames"])
    items = 0
    for table, rows in tables.items():
        if table not in known:
            logger.warning("saved table no longer exists; its items are not restored",
                           extra={"table": table, "items": len(rows)})
            continue
        for start in range(0, len(rows), 25):
            batch = [{"PutRequest": {"Item": {key: _from_text(value)
                                              for key, value in row.items()}}}
                     for row in rows[start : start + 25]]
            pending: dict[str, Any] = {table: batch}
            while pending:
                pending = dynamodb.batch_write_item(RequestItems=pending).get(
                    "UnprocessedItems", {}
                )
            items += len(batch)
    return items


def _restore_queues(queues: dict[str, list[dict[str, Any]]]) -> int:
    sqs = client("sqs")
    messages = 0
    for queue, saved in queues.items():
        try:
            url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            logger.warning("saved queue no longer exists; its messages are not restored",
                           extra={"queue": queue, "messages": len(saved)})
            continue
        for message in saved:
            sqs.send_message(QueueUrl=url, MessageBody=message["body"],
                             MessageAttributes=message.get("attributes") or {})
            messages += 1
    return messages
