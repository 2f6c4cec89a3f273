"""Access tokens: JWTs signed ES256 by a KMS key, verified with its cached public key.

The private key never leaves KMS: the signing input is sent to ``kms:Sign`` (ECDSA
P-256, SHA-256, message type RAW), and KMS's DER signature becomes the JWT's raw
``r||s``. Verification (PyJWT) needs no call: the public key is fetched once per
process (``kms:GetPublicKey``) and kept. A token is accepted only with this stage's
issuer and audience, ``ES256`` (never ``none`` or an HMAC algorithm), an expiry, and
the claims a principal needs.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime
from functools import cache
from typing import Any

from .aws import client
from .domain.access import Principal
from .domain.errors import ServiceUnavailable, Unauthorized
from .settings import Settings, get_settings

ALGORITHM = "ES256"
LEEWAY_SECONDS = 30  # clocks of phones and Lambda differ a little


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class KmsTokens:
    """``TokenIssuer`` and verifier on the stage's token-signing key."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.issuer = f"nagorik-sheba/{settings.stage}"

    def issue(self, principal: Principal, *, now: datetime, seconds: int) -> str:
        """A signed access token for ``principal``, valid ``seconds`` from ``now``."""
        from botocore.exceptions import BotoCoreError, ClientError
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        issued = int(now.timestamp())
        header = {"alg": ALGORITHM, "typ": "JWT", "kid": self.settings.token_key_alias}
        claims = {**principal.claims(), "iss": self.issuer, "aud": self.issuer,
                  "iat": issued, "nbf": issued, "exp": issued + seconds,
                  "jti": secrets.token_urlsafe(12)}
        signing_input = (
            _b64(json.dumps(header, separators=(",", ":")).encode()) + "."
            + _b64(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
        )
        try:
            der = client("kms").sign(
                KeyId=self.settings.token_key_alias, Message=signing_input.encode(),
                MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        except (BotoCoreError, ClientError) as error:
            raise ServiceUnavailable("service_unavailable") from error
        r, s = decode_dss_signature(der)
        return signing_input + "." + _b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; ``Unauthorized`` for anything else."""
        import jwt

        try:
            claims = jwt.decode(
                token, _public_key(self.settings.token_key_alias), algorithms=[ALGORITHM],
                audience=self.issuer, issuer=self.issuer, leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
            return Principal.from_claims(claims)
        except (jwt.PyJWTError, ValueError, KeyError, TypeError):
            raise Unauthorized("sign_in_required") from None


@cache
def _public_key(alias: str) -> Any:
    """The signing key's public half, fetched once per process."""
    from botocore.exceptions import BotoCoreError, ClientError
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        der = client("kms").get_public_key(KeyId=alias)["PublicKey"]
    except (BotoCoreError, ClientError) as error:
        raise ServiceUnavailable("service_unavailable") from error
    return load_der_public_key(der)


def reset_tokens() -> None:
    """Forget the cached public key (tests and the local stack make new keys)."""
    _public_key.cache_clear()


@cache
def tokens() -> KmsTokens:
    """The process's token signer and verifier."""
    return KmsTokens(get_settings())
