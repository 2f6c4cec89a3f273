"""SMS delivery behind ``notifications.SmsPort``.

* ``AggregatorSms``: a Bangladeshi SMS aggregator's HTTP API. Its URL, credential and
  masking name (the sender name a phone shows) are SSM parameters
  (``/<app>/<stage>/sms/url``, ``sms/api-key`` as a SecureString, ``sms/sender``). It
  posts ``{"to", "from", "text", "reference"}`` as JSON with the key as a bearer
  token; an aggregator whose API differs needs only this class changed. Timeouts,
  connection errors, 429 and 5xx are retryable; any other refusal is final.
* ``LocalOutboxSms``: ``make dev``'s phone: each message is appended to a file in the
  data folder, which the local web server shows at ``/dev/sms``. It is never part of
  a deployed stage.

Every send is logged with the phone masked (``+88017******78``).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from .domain.errors import AgencyError
from .domain.notifications import Sms, segments
from .domain.phone import mask
from .observability import logger
from .settings import SMS_KEY_PARAMETER, SMS_SENDER_PARAMETER, SMS_URL_PARAMETER, Settings

SECRET_MAX_AGE_SECONDS = 300
RETRYABLE_STATUSES = frozenset({408, 425, 429})


class AggregatorSms:
    """``SmsPort`` on an aggregator's HTTP API."""

    def __init__(self, settings: Settings, *, timeout_seconds: float = 10.0) -> None:
        self.settings = settings
        self.timeout_seconds = timeout_seconds

    def send(self, sms: Sms) -> None:
        """Post one message; ``AgencyError`` (retryable or not) when it is not taken."""
        from . import parameters

        try:
            url = parameters.read(self.settings, SMS_URL_PARAMETER, max_age=SECRET_MAX_AGE_SECONDS)
            key = parameters.read(self.settings, SMS_KEY_PARAMETER,
                                  max_age=SECRET_MAX_AGE_SECONDS, decrypt=True)
            sender = parameters.read(self.settings, SMS_SENDER_PARAMETER,
                                     max_age=SECRET_MAX_AGE_SECONDS)
        except Exception as error:  # missing configuration: retry once ops have set it
            raise AgencyError(f"SMS aggregator not configured: {type(error).__name__}",
                              retryable=True) from error
        if not str(url).startswith("https://"):
            raise AgencyError("the SMS aggregator's URL is not https://", retryable=True)
        body = json.dumps({"to": sms.phone, "from": sender, "text": sms.text,
                           "reference": sms.key}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - https only, checked above
            str(url), data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8",
                     "Authorization": f"Bearer {key}"})
        try:
            with urllib.request.urlopen(  # noqa: S310 - https only, checked above
                    request, timeout=self.timeout_seconds) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            retryable = error.code >= 500 or error.code in RETRYABLE_STATUSES  # noqa: PLR2004
            raise AgencyError(f"SMS aggregator answered {error.code}",
                              retryable=retryable) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise AgencyError(f"SMS aggregator unreachable: {type(error).__name__}",
                              retryable=True) from error
        logger.info("sms sent", extra={"to": mask(sms.phone), "segments": segments(sms.text),
                                       "reference": sms.key})


class LocalOutboxSms:
    """``SmsPort`` for the local stack: messages appended to a JSON-lines file."""

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, sms: Sms) -> None:
        """Keep the message where ``/dev/sms`` shows it."""
        line = json.dumps({"at": datetime.now(UTC).isoformat(), "phone": sms.phone,
                           "text": sms.text, "segments": segments(sms.text),
                           "reference": sms.key}, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        logger.info("sms kept in the local outbox",
                    extra={"to": mask(sms.phone), "segments": segments(sms.text)})


def sms_port(settings: Settings) -> AggregatorSms | LocalOutboxSms:
    """The stage's SMS delivery: the aggregator, or the local outbox when configured."""
    if settings.sms_adapter == "local":
        if settings.sms_outbox_file is None:
            raise RuntimeError("NAGORIK_SMS_ADAPTER=local needs NAGORIK_SMS_OUTBOX")
        return LocalOutboxSms(settings.sms_outbox_file)
    return AggregatorSms(settings)


def read_outbox(path: Path, phone: str | None = None, limit: int = 200) -> list[dict]:
    """The local outbox's messages, newest first (``phone``: only to that E.164 number)."""
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if phone is None or entry.get("phone") == phone:
            found.append(entry)
    return found[::-1][:limit]
