"""Helpers the test tiers share: JSON requests through the Chalice test client, examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "schemas" / "examples"

JSON = {"Content-Type": "application/json"}


def post_json(client: Any, path: str, body: Any, **headers: str) -> Any:
    """POST a JSON body; returns the response with ``.json`` parsed."""
    response = client.http.post(path, headers={**JSON, **headers}, body=json.dumps(body))
    response.json = json.loads(response.body) if response.body else None
    return response


def get_json(client: Any, path: str, **headers: str) -> Any:
    """GET; returns the response with ``.json`` parsed."""
    response = client.http.get(path, headers=headers)
    response.json = json.loads(response.body) if response.body else None
    return response


def example(service_id: str, name: str) -> dict[str, Any]:
    """One example form from ``schemas/examples/<service>/<name>.json``."""
    return json.loads((EXAMPLES / service_id / f"{name}.json").read_text(encoding="utf-8"))


def submission(service_id: str, form: dict[str, Any], *, version: int = 1,
               phone: str = "01712345678", name: str = "রহিম উদ্দিন") -> dict[str, Any]:
    """A ``POST /applications`` body around a form."""
    return {
        "service_id": service_id,
        "service_version": version,
        "applicant": {"name": name, "phone": phone},
        "form": form,
    }
