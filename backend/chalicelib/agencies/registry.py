"""The list of agencies (``agencies.json``) and the adapter that reaches each one.

Adding an agency is one entry in ``agencies.json``: its queue, dead-letter queue and
worker follow from the entry (``app.py`` registers a worker per agency, the local
stack and the infra templates create a queue pair per agency).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..domain.messages import Text

AGENCIES_FILE = Path(__file__).with_name("agencies.json")
ADAPTER_KINDS = ("simulator", "rest", "desk")


@dataclass(frozen=True)
class Agency:
    """An agency the platform forwards applications to."""

    id: str
    name: Text
    adapter: str

    def to_dict(self) -> dict[str, Any]:
        """The agency as the API shows it."""
        return {"id": self.id, "name": self.name._asdict(), "adapter": self.adapter}


@cache
def agencies() -> tuple[Agency, ...]:
    """Every agency, in file order."""
    raw = json.loads(AGENCIES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Agency(entry["id"], Text(entry["name"]["bn"], entry["name"]["en"]), entry["adapter"])
        for entry in raw["agencies"]
    )


def agency_ids() -> list[str]:
    """The ids of every agency."""
    return [agency.id for agency in agencies()]


def get_agency(agency_id: str) -> Agency | None:
    """The agency with this id, if there is one."""
    return next((agency for agency in agencies() if agency.id == agency_id), None)
