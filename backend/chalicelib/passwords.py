"""Staff passwords: argon2id hashes (argon2-cffi), behind ``auth.Passwords``."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's (RFC 9106) parameters


@cache
def _dummy() -> str:
    return str(_hasher().hash("not a password anyone has"))


class Argon2Passwords:
    """``Passwords`` with argon2id."""

    def hash(self, password: str) -> str:
        """A new hash of ``password``."""
        return str(_hasher().hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether the password matches (a malformed hash never does)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return bool(_hasher().verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False

    def dummy_verify(self, password: str) -> None:
        """Take as long as a real verification, so an unknown phone is not told apart."""
        self.verify(_dummy(), password)
