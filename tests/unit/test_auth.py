"""Signing in, with in-memory fakes: codes and their limits, lockouts, staff passwords,
refresh tokens that rotate and whose reuse ends the whole sign-in."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.access import Role, citizen_id
from chalicelib.domain.auth import AuthPolicy, SignIn, StaffAccount
from chalicelib.domain.errors import TooManyRequests, Unauthorized, ValidationFailed
from tests.fakes import (
    FakeChallenges,
    FakeLimits,
    FakePasswords,
    FakeSender,
    FakeSessions,
    FakeStaff,
    FakeTokens,
)

PHONE = "01712345678"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def parts() -> dict:
    return {"challenges": FakeChallenges(), "limits": FakeLimits(), "sessions": FakeSessions(),
            "staff": FakeStaff(), "sender": FakeSender(), "passwords": FakePasswords()}


@pytest.fixture
def sign_in(parts: dict, clock: Clock) -> SignIn:
    return SignIn(tokens=FakeTokens(), pepper=lambda: b"pepper", clock=clock, **parts)


def code_for(sign_in: SignIn, phone: str = PHONE) -> tuple[str, str]:
    sent = sign_in.request_code(phone, address="203.0.113.9")
    return sent.challenge_id, sign_in.sender.last_code  # type: ignore[attr-defined]


def test_a_citizen_signs_in_with_the_code_in_bangla_digits(sign_in: SignIn) -> None:
    challenge, code = code_for(sign_in)
    bangla = code.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))

    tokens = sign_in.verify_code(challenge, bangla)

    assert tokens.principal.role is Role.CITIZEN
    assert tokens.principal.phone == "+8801712345678"
    assert tokens.principal.id == citizen_id("+8801712345678", b"pepper")
    assert tokens.access_token.startswith("access:citizen:") and tokens.expires_in == 900


def test_codes_are_kept_only_as_an_hmac(sign_in: SignIn, parts: dict) -> None:
    challenge, code = code_for(sign_in)
    stored = parts["challenges"].items[challenge]
    assert code not in stored.code_digest and len(stored.code_digest) == 64


def test_the_answer_is_the_same_for_a_phone_never_seen(sign_in: SignIn) -> None:
    first = sign_in.request_code(PHONE, address="a")
    other = sign_in.request_code("01812345678", address="a")
    assert (first.expires_in, first.resend_after) == (other.expires_in, other.resend_after)
    assert len(first.challenge_id) == len(other.challenge_id)


def test_a_code_works_once_and_not_after_five_minutes(sign_in: SignIn, clock: Clock) -> None:
    challenge, code = code_for(sign_in)
    sign_in.verify_code(challenge, code)
    with pytest.raises(Unauthorized):
        sign_in.verify_code(challenge, code)
    clock.advance(seconds=61)
    late, late_code = code_for(sign_in)
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(Unauthorized) as refused:
        sign_in.verify_code(late, late_code)
    assert refused.value.code == "code_invalid"


def test_five_wrong_codes_lock_the_phone_for_fifteen_minutes(
    sign_in: SignIn, clock: Clock
) -> None:
    challenge, code = code_for(sign_in)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(Unauthorized) as refused:
            sign_in.verify_code(challenge, wrong)
        assert refused.value.values["left"] == left
    with pytest.raises(TooManyRequests) as locked:
        sign_in.verify_code(challenge, wrong)
    assert locked.value.retry_after == 15 * 60
    # THEN even the right code, and a new one, are refused until the lock ends
    with pytest.raises(TooManyRequests):
        sign_in.verify_code(challenge, code)
    with pytest.raises(TooManyRequests):
        sign_in.request_code(PHONE, address="a")
    clock.advance(minutes=15, seconds=1)
    challenge, code = code_for(sign_in)
    assert sign_in.verify_code(challenge, code).principal.role is Role.CITIZEN


def test_a_minute_between_codes_and_five_an_hour(sign_in: SignIn, clock: Clock) -> None:
    sign_in.request_code(PHONE, address="a")
    with pytest.raises(TooManyRequests) as wait:
        sign_in.request_code(PHONE, address="a")
    assert wait.value.code == "code_wait" and 0 < wait.value.retry_after <= 60
    for _ in range(4):
        clock.advance(seconds=61)
        sign_in.request_code(PHONE, address="a")
    clock.advance(seconds=61)
    with pytest.raises(TooManyRequests) as hourly:
        sign_in.request_code(PHONE, address="a")
    assert hourly.value.code == "code_limit"


def test_one_address_is_limited_too(parts: dict, clock: Clock) -> None:
    sign_in = SignIn(tokens=FakeTokens(), pepper=lambda: b"p", clock=clock,
                     policy=AuthPolicy(sends_per_address_per_hour=3), **parts)
    for number in range(3):
        sign_in.request_code(f"0171234567{number}", address="198.51.100.1")
    with pytest.raises(TooManyRequests) as refused:
        sign_in.request_code("01712345679", address="198.51.100.1")
    assert refused.value.code == "too_many_requests"
    sign_in.request_code("01712345679", address="198.51.100.2")  # another address is fine


def test_phone_numbers_and_codes_are_checked_by_field(sign_in: SignIn) -> None:
    with pytest.raises(ValidationFailed) as phone:
        sign_in.request_code("12345", address="a")
    assert [p.path for p in phone.value.fields] == ["phone"]
    challenge, _ = code_for(sign_in)
    with pytest.raises(ValidationFailed) as code:
        sign_in.verify_code(challenge, "12a456")
    assert [(p.path, p.code) for p in code.value.fields] == [("code", "otp_code")]


def test_the_limits_key_phones_and_addresses_only_by_hmac(sign_in: SignIn, parts: dict) -> None:
    sign_in.request_code(PHONE, address="203.0.113.9")
    keys = " ".join(parts["limits"].windows)
    assert "1712345678" not in keys and "203.0.113.9" not in keys


# --- staff ----------------------------------------------------------------------------

OFFICER = StaffAccount(id="u-1", phone="+8801900000010", role=Role.OFFICER, name="Officer",
                       password_hash="hashed:correct horse", agency_id="police")


def test_staff_sign_in_by_password_and_unknown_phones_look_the_same(
    sign_in: SignIn, parts: dict
) -> None:
    parts["staff"].items[OFFICER.id] = OFFICER
    tokens = sign_in.login("01900000010", "correct horse")
    assert (tokens.principal.role, tokens.principal.agency_id) == (Role.OFFICER, "police")
    with pytest.raises(Unauthorized) as unknown:
        sign_in.login("01900000099", "correct horse")
    with pytest.raises(Unauthorized) as wrong:
        sign_in.login("01900000010", "wrong")
    assert unknown.value.code == wrong.value.code == "sign_in_failed"
    assert parts["passwords"].dummies == 1  # an unknown phone still costs a verification


def test_five_failed_passwords_lock_the_account(
    sign_in: SignIn, parts: dict, clock: Clock
) -> None:
    parts["staff"].items[OFFICER.id] = OFFICER
    for _ in range(4):
        with pytest.raises(Unauthorized):
            sign_in.login("01900000010", "wrong")
    with pytest.raises(TooManyRequests):
        sign_in.login("01900000010", "wrong")
    with pytest.raises(TooManyRequests):
        sign_in.login("01900000010", "correct horse")
    clock.advance(minutes=15, seconds=1)
    assert sign_in.login("01900000010", "correct horse").principal.id == "u-1"


def test_a_disabled_account_cannot_sign_in_or_refresh(sign_in: SignIn, parts: dict) -> None:
    parts["staff"].items[OFFICER.id] = OFFICER
    tokens = sign_in.login("01900000010", "correct horse")
    parts["staff"].items[OFFICER.id] = replace(OFFICER, disabled=True)
    with pytest.raises(Unauthorized):
        sign_in.login("01900000010", "correct horse")
    with pytest.raises(Unauthorized):
        sign_in.refresh(tokens.refresh_token)


# --- sessions ---------------------------------------------------------------------------


def test_a_refresh_replaces_the_refresh_token(sign_in: SignIn) -> None:
    challenge, code = code_for(sign_in)
    first = sign_in.verify_code(challenge, code)
    second = sign_in.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.principal == first.principal
    third = sign_in.refresh(second.refresh_token)
    assert third.principal.session == first.principal.session


def test_reusing_a_replaced_refresh_token_ends_the_whole_sign_in(sign_in: SignIn) -> None:
    challenge, code = code_for(sign_in)
    stolen = sign_in.verify_code(challenge, code)
    current = sign_in.refresh(stolen.refresh_token)  # the owner refreshes
    with pytest.raises(Unauthorized) as reused:
        sign_in.refresh(stolen.refresh_token)  # the thief replays the old one
    assert reused.value.code == "session_reused"
    with pytest.raises(Unauthorized):  # and the owner's newer token died with the family
        sign_in.refresh(current.refresh_token)


def test_signing_out_ends_the_sign_in_and_another_one_goes_on(sign_in: SignIn,
                                                              clock: Clock) -> None:
    challenge, code = code_for(sign_in)
    phone_one = sign_in.verify_code(challenge, code)
    clock.advance(seconds=61)
    challenge, code = code_for(sign_in)
    phone_two = sign_in.verify_code(challenge, code)
    sign_in.logout(phone_one.refresh_token)
    with pytest.raises(Unauthorized):
        sign_in.refresh(phone_one.refresh_token)
    assert sign_in.refresh(phone_two.refresh_token).principal.phone == "+8801712345678"


def test_an_expired_refresh_token_is_refused(sign_in: SignIn, clock: Clock) -> None:
    challenge, code = code_for(sign_in)
    tokens = sign_in.verify_code(challenge, code)
    clock.advance(days=31)
    with pytest.raises(Unauthorized):
        sign_in.refresh(tokens.refresh_token)


def test_ops_end_every_sign_in_of_an_account(sign_in: SignIn, parts: dict) -> None:
    parts["staff"].items[OFFICER.id] = OFFICER
    tablet = sign_in.login("01900000010", "correct horse")
    desktop = sign_in.login("01900000010", "correct horse")
    assert sign_in.revoke_account("u-1") == 2
    for tokens in (tablet, desktop):
        with pytest.raises(Unauthorized):
            sign_in.refresh(tokens.refresh_token)


def test_a_citizen_id_cannot_be_turned_back_into_the_phone_without_the_pepper() -> None:
    # an id is stable for one phone under one pepper, and another pepper gives another id:
    # trying every mobile number against the id is no use without the secret
    phone = "+8801712345678"
    assert citizen_id(phone, b"pepper") == citizen_id(phone, b"pepper")
    assert citizen_id(phone, b"pepper") != citizen_id(phone, b"other pepper")
    assert citizen_id(phone, b"pepper") != citizen_id("+8801712345679", b"pepper")
    unkeyed = "c-" + hashlib.sha256(f"nagorik-citizen:{phone}".encode()).hexdigest()[:20]
    assert citizen_id(phone, b"pepper") != unkeyed
