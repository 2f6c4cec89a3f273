"""Signing in: citizens by a code sent to their phone, staff by password; sessions that rotate.

Pure Python: where challenges, limits, sessions and staff accounts are kept, how tokens
are signed, how secrets are hashed and how a code reaches a phone are handed in.

Codes are 6 digits, valid 5 minutes, kept only as an HMAC under a secret pepper. A
phone gets a code at most once a minute and five times an hour, an address (IP) a
bounded number of times; five wrong tries lock the phone for 15 minutes. The answer
to a request for a code is the same whether or not anyone has used the phone before.
Staff passwords are argon2 hashes; five failures lock the account for 15 minutes.

A sign-in gives a short-lived access token (signed, 15 minutes) and a refresh token
(random, kept only as its SHA-256). Each refresh replaces the refresh token; one used
twice means it was stolen, so its whole family (every token since that sign-in) is
revoked. Signing out revokes the family; ops can revoke every family of an account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from .access import STAFF, Principal, Role, citizen_id
from .bangla import minutes_values, to_ascii_digits, to_bangla_digits
from .errors import FieldProblem, TooManyRequests, Unauthorized, ValidationFailed
from .messages import Text
from .phone import normalise_mobile

CODE_DIGITS = 6


@dataclass(frozen=True)
class AuthPolicy:
    """The numbers of signing in (settings give them; these are the issue's defaults)."""

    code_seconds: int = 5 * 60
    resend_seconds: int = 60
    sends_per_hour: int = 5
    sends_per_address_per_hour: int = 120  # many phones share an address (mobile NAT)
    wrong_tries: int = 5
    lock_seconds: int = 15 * 60
    password_failures: int = 5
    access_seconds: int = 15 * 60
    refresh_seconds: dict[Role, int] = field(default_factory=lambda: {
        Role.CITIZEN: 30 * 24 * 3600,  # outlives a spell offline; the outbox waits on it
        Role.ENTREPRENEUR: 7 * 24 * 3600,  # a tablet in the field, often offline
        Role.OFFICER: 12 * 3600,
        Role.OPS: 12 * 3600,
    })


@dataclass(frozen=True)
class Challenge:
    """A code sent to a phone, waiting to be typed back."""

    id: str
    phone: str
    purpose: str  # "sign_in", or "consent" (a citizen agreeing to an assisted application)
    code_digest: str
    expires_at: datetime
    attempts: int = 0
    used: bool = False


@dataclass(frozen=True)
class Session:
    """One refresh token (by its hash) of a sign-in family."""

    token_hash: str
    family: str
    principal: Principal
    expires_at: datetime
    used: bool = False
    revoked: bool = False


@dataclass(frozen=True)
class StaffAccount:
    """An entrepreneur, an officer or an ops admin."""

    id: str
    phone: str
    role: Role
    name: str
    password_hash: str
    centre_id: str | None = None
    agency_id: str | None = None
    disabled: bool = False
    failures: int = 0
    locked_until: datetime | None = None

    @property
    def principal(self) -> Principal:
        """The principal this account signs in as."""
        return Principal(self.role, self.id, phone=self.phone, centre_id=self.centre_id,
                         agency_id=self.agency_id)


@dataclass(frozen=True)
class CodeSent:
    """The answer to a request for a code."""

    challenge_id: str
    expires_in: int
    resend_after: int


@dataclass(frozen=True)
class Tokens:
    """What a sign-in or a refresh gives."""

    access_token: str
    refresh_token: str
    expires_in: int
    principal: Principal


class Challenges(Protocol):
    """Where codes wait."""

    def create(self, challenge: Challenge) -> None:
        """Keep a new challenge until it expires."""
        ...

    def get(self, challenge_id: str) -> Challenge | None:
        """The challenge, read consistently, or ``None`` (also once expired)."""
        ...

    def wrong_try(self, challenge_id: str) -> int:
        """Count one wrong code; return how many there have been."""
        ...

    def use(self, challenge_id: str) -> bool:
        """Mark the challenge used; ``False`` if it already was (a code works once)."""
        ...


class Limits(Protocol):
    """Counters and locks that expire by themselves."""

    def hit(self, key: str, *, limit: int, window_seconds: int, now: datetime) -> int:
        """Count one use in the window ``key`` names; return 0 when allowed, else the
        seconds until the window ends (the use is then not counted)."""
        ...

    def lock(self, key: str, *, seconds: int, now: datetime) -> None:
        """Lock ``key`` for ``seconds``."""
        ...

    def locked_for(self, key: str, *, now: datetime) -> int:
        """Seconds ``key`` stays locked (0: not locked)."""
        ...


class Sessions(Protocol):
    """Where refresh tokens live (by hash)."""

    def start(self, session: Session) -> None:
        """Keep a new session until it expires."""
        ...

    def find(self, token_hash: str) -> Session | None:
        """The session of a refresh token, or ``None``."""
        ...

    def rotate(self, old: Session, new: Session) -> bool:
        """Mark ``old`` used and keep ``new``, together; ``False`` if ``old`` was used."""
        ...

    def revoke_family(self, family: str) -> int:
        """Revoke every session of a sign-in; return how many."""
        ...

    def revoke_principal(self, principal_id: str) -> int:
        """Revoke every session of an account; return how many."""
        ...


class StaffAccounts(Protocol):
    """Staff accounts (ops manage them with ``nagorik users``)."""

    def by_phone(self, phone: str) -> StaffAccount | None:
        """The account signing in with this phone, or ``None``."""
        ...

    def get(self, account_id: str) -> StaffAccount | None:
        """The account, or ``None``."""
        ...

    def failed(self, account: StaffAccount, *, now: datetime, lock_after: int,
               lock_seconds: int) -> StaffAccount:
        """Count a failed password; lock after ``lock_after``; return the account now."""
        ...

    def succeeded(self, account: StaffAccount) -> None:
        """Clear the failure count."""
        ...


class TokenIssuer(Protocol):
    """Signs access tokens."""

    def issue(self, principal: Principal, *, now: datetime, seconds: int) -> str:
        """A signed access token for ``principal``, valid ``seconds`` from ``now``."""
        ...


class Passwords(Protocol):
    """Password hashing (argon2)."""

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches ``password_hash``."""
        ...

    def dummy_verify(self, password: str) -> None:
        """Spend the time a verification takes, for an unknown phone."""
        ...


class CodeSender(Protocol):
    """Gets a code to a phone (by SMS)."""

    def send_code(self, phone: str, code: str, purpose: str) -> None:
        """Send it; ``ServiceUnavailable`` if it cannot be sent now."""
        ...


PHONE = Text("মোবাইল নম্বর", "Mobile number")
CODE = Text("কোড", "Code")


def _phone(text: Any) -> str:
    phone = normalise_mobile(text) if isinstance(text, str) else None
    if phone is None:
        raise ValidationFailed("validation_failed",
                               fields=[FieldProblem.of("phone", "mobile", PHONE)])
    return phone


def _code(text: Any) -> str:
    code = to_ascii_digits(text).strip() if isinstance(text, str) else ""
    if len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        raise ValidationFailed("validation_failed",
                               fields=[FieldProblem.of("code", "otp_code", CODE)])
    return code


def token_hash(token: str) -> str:
    """How a refresh token is kept: its SHA-256 (the token itself never is)."""
    return hashlib.sha256(token.encode()).hexdigest()


class SignIn:
    """Every way of signing in, refreshing and signing out."""

    def __init__(
        self, *, challenges: Challenges, limits: Limits, sessions: Sessions,
        staff: StaffAccounts, tokens: TokenIssuer, passwords: Passwords, sender: CodeSender,
        pepper: Callable[[], bytes], clock: Callable[[], datetime],
        policy: AuthPolicy | None = None,
    ) -> None:
        self.challenges = challenges
        self.limits = limits
        self.sessions = sessions
        self.staff = staff
        self.tokens = tokens
        self.passwords = passwords
        self.sender = sender
        self.pepper = pepper
        self.clock = clock
        self.policy = policy or AuthPolicy()

    # --- codes -----------------------------------------------------------------------

    def keyed(self, *parts: str) -> str:
        """A limit's key: phones and addresses only as HMACs, never in the clear."""
        digest = hmac.new(self.pepper(), "|".join(parts).encode(), "sha256").hexdigest()
        return f"{parts[0]}#{digest[:32]}"

    def _digest(self, challenge_id: str, code: str) -> str:
        return hmac.new(self.pepper(), f"{challenge_id}:{code}".encode(), "sha256").hexdigest()

    def request_code(self, phone_text: Any, *, address: str, purpose: str = "sign_in",
                     ) -> CodeSent:
        """Send a 6-digit code to the phone; the same answer whoever the phone belongs to.

        Raises ``ValidationFailed`` (422) for a phone that is not a Bangladeshi mobile,
        ``TooManyRequests`` (429, with the seconds to wait) when the phone is locked or a
        limit is reached, ``ServiceUnavailable`` when the code cannot be sent now.
        """
        phone, now, policy = _phone(phone_text), self.clock(), self.policy
        locked = self.limits.locked_for(self.keyed("lock", phone), now=now)
        if locked:
            raise TooManyRequests("phone_locked", retry_after=locked,
                                  values=minutes_values(locked))
        hour = now.strftime("%Y%m%d%H")
        for key, limit, window, code in (  # a refusal counts in no window after it
            (self.keyed("address", address, hour), policy.sends_per_address_per_hour, 3600,
             "too_many_requests"),
            (self.keyed("gap", phone), 1, policy.resend_seconds, "code_wait"),
            (self.keyed("hour", phone, hour), policy.sends_per_hour, 3600, "code_limit"),
        ):
            wait = self.limits.hit(key, limit=limit, window_seconds=window, now=now)
            if wait:
                raise TooManyRequests(code, retry_after=wait, values=minutes_values(wait))
        code_text = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        challenge_id = secrets.token_urlsafe(18)
        self.challenges.create(Challenge(
            id=challenge_id, phone=phone, purpose=purpose,
            code_digest=self._digest(challenge_id, code_text),
            expires_at=now + timedelta(seconds=policy.code_seconds),
        ))
        self.sender.send_code(phone, code_text, purpose)
        return CodeSent(challenge_id, policy.code_seconds, policy.resend_seconds)

    def check_code(self, challenge_id: Any, code_text: Any, *, purpose: str,
                   phone: str | None = None) -> Challenge:
        """The challenge, if ``code_text`` is its code (used up by this call).

        Raises ``ValidationFailed`` (422) for a code that is not 6 digits,
        ``Unauthorized`` (401) for a wrong, expired or used one (and for a challenge of
        another phone or purpose), ``TooManyRequests`` (429) once the phone is locked.
        """
        code = _code(code_text)
        challenge = self.challenges.get(challenge_id) if isinstance(challenge_id, str) else None
        now = self.clock()
        if challenge is None or challenge.purpose != purpose or (
                phone is not None and challenge.phone != phone):
            raise Unauthorized("code_invalid", fields=[FieldProblem.of("code", "otp_code", CODE)])
        lock = self.keyed("lock", challenge.phone)
        locked = self.limits.locked_for(lock, now=now)
        if locked:  # said first: it is what the person must wait for
            raise TooManyRequests("phone_locked", retry_after=locked, values=minutes_values(locked))
        if challenge.used or challenge.expires_at <= now:
            raise Unauthorized("code_invalid", fields=[FieldProblem.of("code", "otp_code", CODE)])
        if not hmac.compare_digest(challenge.code_digest, self._digest(challenge.id, code)):
            tries = self.challenges.wrong_try(challenge.id)
            if tries >= self.policy.wrong_tries:
                self.limits.lock(lock, seconds=self.policy.lock_seconds, now=now)
                self.challenges.use(challenge.id)  # this code is spent
                raise TooManyRequests("phone_locked", retry_after=self.policy.lock_seconds,
                                      values=minutes_values(self.policy.lock_seconds))
            raise Unauthorized("code_wrong", values={
                "left": self.policy.wrong_tries - tries,
                "left_bn": to_bangla_digits(self.policy.wrong_tries - tries)},
                fields=[FieldProblem.of("code", "otp_code", CODE)])
        if not self.challenges.use(challenge.id):
            raise Unauthorized("code_invalid", fields=[FieldProblem.of("code", "otp_code", CODE)])
        return challenge

    def verify_code(self, challenge_id: Any, code_text: Any) -> Tokens:
        """Sign a citizen in with the code sent to their phone (see ``check_code``)."""
        challenge = self.check_code(challenge_id, code_text, purpose="sign_in")
        principal = Principal(Role.CITIZEN, citizen_id(challenge.phone, self.pepper()),
                              phone=challenge.phone)
        return self._start(principal)

    # --- staff -----------------------------------------------------------------------

    def login(self, phone_text: Any, password: Any) -> Tokens:
        """Sign a staff member in by phone and password.

        Raises ``Unauthorized`` (401) for an unknown phone, a wrong password or a disabled
        account, alike; ``TooManyRequests`` (429) while the account is locked.
        """
        phone, now = _phone(phone_text), self.clock()
        password_text = password if isinstance(password, str) else ""
        account = self.staff.by_phone(phone)
        if account is None or account.disabled:
            self.passwords.dummy_verify(password_text)
            raise Unauthorized("sign_in_failed")
        if account.locked_until is not None and account.locked_until > now:
            wait = int((account.locked_until - now).total_seconds()) + 1
            raise TooManyRequests("account_locked", retry_after=wait, values=minutes_values(wait))
        if not password_text or not self.passwords.verify(account.password_hash, password_text):
            after = self.staff.failed(account, now=now, lock_after=self.policy.password_failures,
                                      lock_seconds=self.policy.lock_seconds)
            if after.locked_until is not None and after.locked_until > now:
                raise TooManyRequests("account_locked", retry_after=self.policy.lock_seconds,
                                      values=minutes_values(self.policy.lock_seconds))
            raise Unauthorized("sign_in_failed")
        if account.failures:
            self.staff.succeeded(account)
        return self._start(account.principal)

    # --- sessions --------------------------------------------------------------------

    def _start(self, principal: Principal, family: str | None = None) -> Tokens:
        now = self.clock()
        family = family or secrets.token_urlsafe(12)
        principal = replace(principal, session=family)
        refresh = secrets.token_urlsafe(32)
        self.sessions.start(Session(
            token_hash(refresh), family, principal,
            expires_at=now + timedelta(seconds=self.policy.refresh_seconds[principal.role]),
        ))
        return self._tokens(principal, refresh, now)

    def _tokens(self, principal: Principal, refresh: str, now: datetime) -> Tokens:
        seconds = self.policy.access_seconds
        access = self.tokens.issue(principal, now=now, seconds=seconds)
        return Tokens(access, refresh, seconds, principal)

    def refresh(self, refresh_token: Any) -> Tokens:
        """A new access token and a new refresh token for a valid refresh token.

        Raises ``Unauthorized`` (401) for an unknown, expired or revoked token, for an
        account disabled since, and for a token used before: that one revokes its
        whole family, since only a thief would use a replaced token.
        """
        if not isinstance(refresh_token, str) or not 20 <= len(refresh_token) <= 200:  # noqa: PLR2004
            raise Unauthorized("session_invalid")
        session = self.sessions.find(token_hash(refresh_token))
        now = self.clock()
        if session is None or session.revoked or session.expires_at <= now:
            raise Unauthorized("session_invalid")
        if session.used:
            self.sessions.revoke_family(session.family)
            raise Unauthorized("session_reused")
        principal = session.principal
        if principal.role in STAFF:
            account = self.staff.get(principal.id)
            if account is None or account.disabled:
                self.sessions.revoke_family(session.family)
                raise Unauthorized("session_invalid")
            principal = replace(account.principal, session=session.family)
        refresh = secrets.token_urlsafe(32)
        new = Session(token_hash(refresh), session.family, principal,
                      expires_at=now + timedelta(seconds=self.policy.refresh_seconds[
                          principal.role]))
        if not self.sessions.rotate(session, new):  # used concurrently: the same as reuse
            self.sessions.revoke_family(session.family)
            raise Unauthorized("session_reused")
        return self._tokens(principal, refresh, now)

    def logout(self, refresh_token: Any) -> None:
        """Revoke the sign-in a refresh token belongs to (unknown tokens: nothing to do)."""
        if isinstance(refresh_token, str) and refresh_token:
            session = self.sessions.find(token_hash(refresh_token))
            if session is not None:
                self.sessions.revoke_family(session.family)

    def revoke_account(self, principal_id: str) -> int:
        """Revoke every sign-in of an account (ops); return how many sessions."""
        return self.sessions.revoke_principal(principal_id)

