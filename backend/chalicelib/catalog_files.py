"""Read the catalog the build placed in ``chalicelib/schemas/`` (only chalicelib ships).

``index.json`` lists every service with its summary and carries the catalog's ETag;
``services/<id>.json`` holds one service with its form schema bundled (no ``$ref``),
read when that service is first asked for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .agencies.registry import agencies
from .domain.catalog import Catalog, Category, ServiceEntry
from .domain.messages import Text


class CatalogMissing(RuntimeError):
    """The catalog build has not been run (``make catalog``)."""


def read_json(path: Path) -> Any:
    """Parse a JSON file as UTF-8."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_catalog(directory: Path) -> Catalog:
    """The catalog from a build output directory."""
    index_path = directory / "index.json"
    if not index_path.exists():
        raise CatalogMissing(f"{index_path} is missing: run `make catalog`")
    index = read_json(index_path)
    return Catalog(
        entries=[ServiceEntry(summary) for summary in index["services"]],
        categories=[
            Category(raw["id"], raw["order"], Text(raw["title"]["bn"], raw["title"]["en"]))
            for raw in index["categories"]
        ],
        agencies={agency.id: agency.to_dict() for agency in agencies()},
        load_service=lambda service_id: read_json(directory / "services" / f"{service_id}.json"),
        etag=index["etag"],
        vocabulary=index.get("search"),
    )


def load_meta(directory: Path, name: str) -> dict[str, Any]:
    """A bundled API schema from the build output (e.g. ``submission``)."""
    return read_json(directory / "meta" / f"{name}.json")
