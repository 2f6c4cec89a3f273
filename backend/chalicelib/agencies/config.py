"""Where each agency is reached: its adapter, base URL and signing secret.

In a stage the URL and secret are SSM parameters (``/<app>/<stage>/agencies/<id>/url``
and ``/secret``, a SecureString), cached for a few minutes. Locally
``NAGORIK_AGENCIES_FILE`` names a JSON file of ``{agency_id: {adapter, url, secret}}``
that overrides both ``agencies.json``'s adapter and SSM for the agencies it lists, so
a tester can point one agency at their own server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..settings import Settings, agency_secret_parameter, agency_url_parameter
from .registry import ADAPTER_KINDS, get_agency

CONFIG_MAX_AGE_SECONDS = 300


class AgencyNotConfigured(Exception):
    """An agency's URL or secret is missing or unreadable."""


@dataclass(frozen=True)
class AgencyEndpoint:
    """An agency's API: base URL (no trailing slash) and ``whsec_`` secret."""

    url: str
    secret: str


def overrides(settings: Settings) -> dict[str, dict[str, Any]]:
    """The local file's entries by agency id (empty without the file)."""
    if settings.agencies_file is None:
        return {}
    raw = json.loads(settings.agencies_file.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ValueError(f"{settings.agencies_file} is not {{agency_id: {{adapter, url, secret}}}}")
    return raw


def adapter_kind(settings: Settings, agency_id: str) -> str | None:
    """How an agency is reached (``rest``, ``desk``, ``simulator``), ``None`` if unknown."""
    agency = get_agency(agency_id)
    if agency is None:
        return None
    kind = overrides(settings).get(agency_id, {}).get("adapter", agency.adapter)
    if kind not in ADAPTER_KINDS:
        raise ValueError(f"agency {agency_id}: unknown adapter {kind!r}")
    return str(kind)


def endpoint(settings: Settings, agency_id: str) -> AgencyEndpoint:
    """The agency's URL and secret; ``AgencyNotConfigured`` when either is missing."""
    local = overrides(settings).get(agency_id)
    if local is not None and local.get("url") and local.get("secret"):
        return AgencyEndpoint(str(local["url"]).rstrip("/"), str(local["secret"]))
    from .. import parameters

    try:
        url = parameters.read(settings, agency_url_parameter(agency_id),
                              max_age=CONFIG_MAX_AGE_SECONDS)
        secret = parameters.read(settings, agency_secret_parameter(agency_id),
                                 max_age=CONFIG_MAX_AGE_SECONDS, decrypt=True)
    except Exception as error:  # missing parameter, SSM unreachable: same for the caller
        raise AgencyNotConfigured(f"{agency_id}: {type(error).__name__}") from error
    return AgencyEndpoint(str(url).rstrip("/"), str(secret))
