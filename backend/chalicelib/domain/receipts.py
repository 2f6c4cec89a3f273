"""Receipts and their public check: a code that proves the platform issued a receipt.

A receipt carries a verify URL, ``/verify/<tracking id>?c=<code>``; its QR code is that
URL. The code is an HMAC (SHA-256, the key in SSM) over the tracking id and the day the
receipt's application was made (Dhaka), truncated to ``CODE_LENGTH`` base32 characters
(50 bits): nobody without the key can make a code for another id, and any change to the
id or the code is refused. The check answers with what the receipt says about the
service, never about the person.

Who may see a receipt: the applicant, the entrepreneurs of the centre that made the
application, and ops; anyone else gets the answer an unknown application gets.

Pure Python: the key is handed in.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Callable
from datetime import date

from . import tracking
from .access import Principal, Role, application_for, require
from .bangla import dhaka_date
from .errors import NotFound
from .lifecycle import Application

CODE_LENGTH = 10
MAX_CODE_TEXT = 64


def receipt_code(key: bytes, tracking_id: str, issued: date) -> str:
    """The check code of a receipt: base32 of the HMAC, first ``CODE_LENGTH`` characters."""
    digest = hmac.new(key, f"receipt|{tracking_id}|{issued.isoformat()}".encode(),
                      "sha256").digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def receipt_for(principal: Principal, application: Application | None) -> Application:
    """The application if this caller may have its receipt (ops may have any); the
    unknown id's ``NotFound`` otherwise; ``Forbidden`` for officers (receipts are the
    citizen's and the centre's)."""
    require(principal, Role.CITIZEN, Role.ENTREPRENEUR, Role.OPS)
    if principal.role is Role.OPS and application is not None:
        return application
    return application_for(principal, application)


class Receipts:
    """Issuing check codes and checking them."""

    def __init__(self, *, key: Callable[[], bytes],
                 find: Callable[[str], Application | None]) -> None:
        self.key = key
        self.find = find

    def code_for(self, application: Application) -> str:
        """The check code printed on this application's receipt."""
        return receipt_code(self.key(), application.tracking_id,
                            dhaka_date(application.created_at))

    def verify(self, tracking_text: str, code: str | None) -> Application:
        """The application a receipt names, if its code is the one issued for it.

        Raises ``NotFound`` (``receipt_not_genuine``) for anything else: a mistyped id, an
        unknown one, a missing or wrong code; the same answer for each, and no lookup
        for an id whose check digit is wrong.
        """
        tracking_id = tracking.parse(tracking_text or "")
        given = code or ""
        if tracking_id is None or tracking_id != tracking_text or not given or len(
                given) > MAX_CODE_TEXT:
            raise NotFound("receipt_not_genuine")
        application = self.find(tracking_id)
        if application is None or not hmac.compare_digest(
                self.code_for(application).encode(), given.encode("utf-8", "replace")):
            raise NotFound("receipt_not_genuine")
        return application
