"""Standard Webhooks signatures: how requests to agencies and their callbacks are signed.

A message is signed as ``webhook-id.webhook-timestamp.body`` with HMAC-SHA256 under the
agency's secret (``whsec_`` + base64 of the key); ``webhook-signature`` carries
``v1,<base64>``, several of them space-separated while a secret is being rotated.
Signatures are compared in constant time, and a timestamp more than ``TOLERANCE_SECONDS``
from now is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SIGNATURE_VERSION = "v1"
TOLERANCE_SECONDS = 5 * 60
MIN_KEY_BYTES = 16


class BadSignature(Exception):
    """A message whose headers, timestamp or signature do not hold up; ``reason`` says
    which (``missing``, ``timestamp``, ``signature``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_...`` secret; ``ValueError`` for anything else."""
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise ValueError("an agency secret starts with whsec_")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("an agency secret is whsec_ followed by base64") from None
    if len(key) < MIN_KEY_BYTES:
        raise ValueError("an agency secret's key (after whsec_) is too short")
    return key


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of id.timestamp.body>``."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def headers(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of a signed message."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, webhook_id, timestamp, body),
    }


def verify(secret: str, received: Mapping[str, str], body: bytes, *, now: int,
           tolerance: int = TOLERANCE_SECONDS) -> str:
    """The message's ``webhook-id`` if its signature is the secret's and its timestamp is
    within ``tolerance`` seconds of ``now``; ``BadSignature`` otherwise.

    ``received`` is looked up case-insensitively (HTTP header names are).
    """
    lowered = {str(name).lower(): str(value) for name, value in received.items()}
    webhook_id = lowered.get("webhook-id", "")
    stamp = lowered.get("webhook-timestamp", "")
    offered = lowered.get("webhook-signature", "")
    if not webhook_id or not stamp or not offered:
        raise BadSignature("missing")
    if not stamp.isascii() or not stamp.isdigit() or abs(now - int(stamp)) > tolerance:
        raise BadSignature("timestamp")
    expected = signature(secret, webhook_id, int(stamp), body).encode()
    matched = False
    for candidate in offered.split(" "):
        # Every candidate is compared, matched or not, so timing says nothing.
        matched |= hmac.compare_digest(candidate.encode(), expected)
    if not matched:
        raise BadSignature("signature")
    return webhook_id
