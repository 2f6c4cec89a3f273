"""The local stack's save and restore keep every value, binary ones too (the stats
summaries are compressed bytes: one of them once made every save fail)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3


def test_a_binary_value_survives_a_save_and_a_restore(aws: None, tmp_path: Path) -> None:
    from chalicelib.settings import get_settings
    from devtools import snapshot

    settings = get_settings()
    dynamodb = boto3.client("dynamodb")
    blob = bytes(range(256))
    item = {"tracking_id": {"S": "snapshot-binary"}, "blob": {"B": blob},
            "nested": {"M": {"parts": {"L": [{"B": b"\x00"}, {"S": "text"}]}}}}
    dynamodb.put_item(TableName=settings.applications_table, Item=item)

    path = tmp_path / "state.json"
    snapshot.save(path, settings)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert "snapshot-binary" in json.dumps(saved["tables"][settings.applications_table])

    dynamodb.delete_item(TableName=settings.applications_table,
                         Key={"tracking_id": {"S": "snapshot-binary"}})
    snapshot.restore(path, settings)
    back = dynamodb.get_item(TableName=settings.applications_table,
                             Key={"tracking_id": {"S": "snapshot-binary"}})["Item"]
    assert back == item
