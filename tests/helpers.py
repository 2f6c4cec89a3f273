"""Helpers the test tiers share: JSON requests through the Chalice test client, examples."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from chalicelib.domain.bangla import now_dhaka

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


RELATIVE_DATE = re.compile(r"^\{\{today([+-][0-9]+)\}\}$")


def dated(value: Any) -> Any:
    """An example with every "{{today+N}}" made the Dhaka date N days from today.

    Examples of forms that need a future date (a journey, an appointment) are written
    this way so they stay valid whatever day the tests run.
    """
    if isinstance(value, str) and (match := RELATIVE_DATE.match(value)):
        return (now_dhaka().date() + timedelta(days=int(match.group(1)))).isoformat()
    if isinstance(value, dict):
        return {key: dated(item) for key, item in value.items()}
    if isinstance(value, list):
        return [dated(item) for item in value]
    return value


def load_example(path: Path) -> Any:
    """An example file, relative dates resolved."""
    return dated(json.loads(path.read_text(encoding="utf-8")))


def example(service_id: str, name: str) -> dict[str, Any]:
    """One example form from ``schemas/examples/<service>/<name>.json``."""
    return load_example(EXAMPLES / service_id / f"{name}.json")


def submission(service_id: str, form: dict[str, Any], *, version: int = 1,
               phone: str = "01712345678", name: str = "রহিম উদ্দিন") -> dict[str, Any]:
    """A ``POST /applications`` body around a form."""
    return {
        "service_id": service_id,
        "service_version": version,
        "applicant": {"name": name, "phone": phone},
        "form": form,
    }
