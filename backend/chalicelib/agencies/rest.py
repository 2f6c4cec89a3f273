"""The generic REST adapter: ``POST {base_url}/applications``, signed the Standard
Webhooks way.

The body is the application as the agency needs it (tracking id, service and version,
submitted time, applicant, form, channel, centre). The ``webhook-id`` is the tracking
id and the step, the same on every attempt, so the agency can deduplicate; agencies are
told to be idempotent by tracking id.

Answers:

* 200/201/202 with ``{"reference"}``: accepted;
* 409 with ``{"reference"}``: the agency already holds it (an earlier attempt got
  through): accepted too;
* 429 and 5xx: ``AgencyUnavailable``, with the agency's ``Retry-After`` in seconds;
* any other 4xx (and a 409 without a reference): ``AgencyRefused``;
* a timeout, a refused or dropped connection, an answer that is not JSON:
  ``AgencyUnavailable``.

Connect and read timeouts are settings. Nothing personal is logged: only the status,
the time taken and the tracking id reach the log, through the worker.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from ..domain.errors import AgencyRefused, AgencyUnavailable
from ..domain.lifecycle import Application
from . import webhooks
from .adapter import AgencyReceipt
from .config import AgencyEndpoint

ACCEPTED = frozenset({200, 201, 202})
ALREADY_HELD = 409
TOO_MANY = 429
MAX_ANSWER_BYTES = 64 * 1024
MAX_RETRY_AFTER_SECONDS = 12 * 60 * 60  # SQS hides a message for at most 12 hours
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
FORWARD_STEP = "forward"


def webhook_id(tracking_id: str, step: str = FORWARD_STEP) -> str:
    """The id every attempt of one step carries (the agency's deduplication key)."""
    return f"{tracking_id}.{step}"


def payload(application: Application) -> dict[str, Any]:
    """What the agency receives about an application."""
    return {
        "tracking_id": application.tracking_id,
        "service_id": application.service_id,
        "service_version": application.service_version,
        "submitted_at": application.created_at.isoformat(),
        "applicant": {"name": application.applicant_name, "phone": application.applicant_phone},
        "form": application.form,
        "channel": application.channel.value,
        "centre_id": application.centre_id,
    }


def retry_after(value: str | None, now: float) -> int | None:
    """``Retry-After`` (seconds or an HTTP date) as whole seconds from now, capped."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = int(value)
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = int(moment.timestamp() - now)
    return max(0, min(seconds, MAX_RETRY_AFTER_SECONDS))


def _reference(raw: bytes) -> str | None:
    try:
        answer = json.loads(raw or b"null")
    except ValueError:
        return None
    reference = answer.get("reference") if isinstance(answer, dict) else None
    if isinstance(reference, str) and 0 < len(reference) <= 200:  # noqa: PLR2004
        return reference
    return None


class RestAgency:
    """``AgencyAdapter`` for an agency with an HTTP API."""

    def __init__(
        self,
        agency_id: str,
        endpoint: Callable[[], AgencyEndpoint],
        *,
        connect_timeout: float,
        read_timeout: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.agency_id = agency_id
        self.endpoint = endpoint
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.clock = clock

    def forward(self, application: Application) -> AgencyReceipt:
        """Post the application; its receipt, or ``AgencyUnavailable`` / ``AgencyRefused``."""
        target = self.endpoint()
        body = json.dumps(payload(application), ensure_ascii=False,
                          separators=(",", ":")).encode()
        signed = webhooks.headers(target.secret, webhook_id(application.tracking_id),
                                  int(self.clock()), body)
        status, answer, headers = self._post(target.url, body, signed)
        reference = _reference(answer)
        if status in ACCEPTED or status == ALREADY_HELD:
            if reference is not None:
                return AgencyReceipt(reference=reference, under_review=False)
            if status in ACCEPTED:  # taken, but we cannot show the citizen its number
                raise AgencyUnavailable(f"{self.agency_id} answered {status} without a reference")
        if status == TOO_MANY or status >= 500:  # noqa: PLR2004
            raise AgencyUnavailable(f"{self.agency_id} answered {status}",
                                    retry_after=retry_after(headers.get("retry-after"),
                                                            self.clock()))
        raise AgencyRefused(f"{self.agency_id} refused the application ({status})")

    def _post(self, url: str, body: bytes, signed: dict[str, str],
              ) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
            raise AgencyUnavailable(f"{self.agency_id}'s URL is not https://")
        connection_type = (http.client.HTTPSConnection if parts.scheme == "https"
                           else http.client.HTTPConnection)
        connection = connection_type(parts.hostname or "", parts.port,
                                     timeout=self.connect_timeout)
        try:
            connection.connect()
            if connection.sock is not None:
                connection.sock.settimeout(self.read_timeout)
            connection.request("POST", parts.path.rstrip("/") + "/applications", body=body,
                               headers={"Content-Type": "application/json; charset=utf-8",
                                        "Accept": "application/json", **signed})
            answer = connection.getresponse()
            raw = answer.read(MAX_ANSWER_BYTES)
            headers = {name.lower(): value for name, value in answer.getheaders()}
            return answer.status, raw, headers
        except TimeoutError:
            raise AgencyUnavailable(f"{self.agency_id} timed out") from None
        except (OSError, http.client.HTTPException) as error:
            raise AgencyUnavailable(
                f"{self.agency_id} unreachable: {type(error).__name__}") from None
        finally:
            connection.close()
