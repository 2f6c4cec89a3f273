"""Signing in on DynamoDB: challenges, limits, sessions and staff accounts.

Every counter is one conditional update, so two requests at once cannot both take the
last allowed try; a refresh token is rotated in one transaction (the old one marked
used, the new one written), so it can be used once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import (
    PutError,
    PynamoDBException,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from ..domain.access import Principal, Role
from ..domain.auth import Challenge, Session, StaffAccount
from ..domain.errors import Conflict, ServiceUnavailable
from .models import (
    ChallengeModel,
    LimitModel,
    SessionModel,
    StaffModel,
    StaffPhoneModel,
    read,
)

EXPIRY_SLACK_SECONDS = 60  # DynamoDB deletes expired items late; reads check times


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _failed_condition(error: PynamoDBException) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoChallenges:
    """``Challenges`` on the challenges table."""

    def create(self, challenge: Challenge) -> None:
        try:
            ChallengeModel(
                id=challenge.id, phone=challenge.phone, purpose=challenge.purpose,
                code_digest=challenge.code_digest,
                expiration=_epoch(challenge.expires_at) + EXPIRY_SLACK_SECONDS,
            ).save(condition=ChallengeModel.id.does_not_exist())
        except PutError as error:
            raise ServiceUnavailable("service_unavailable") from error

    def get(self, challenge_id: str) -> Challenge | None:
        item = read(ChallengeModel, challenge_id)
        if item is None:
            return None
        return Challenge(
            id=item.id, phone=item.phone, purpose=item.purpose, code_digest=item.code_digest,
            expires_at=datetime.fromtimestamp(int(item.expiration) - EXPIRY_SLACK_SECONDS, UTC),
            attempts=int(item.attempts), used=bool(item.used),
        )

    def wrong_try(self, challenge_id: str) -> int:
        item = ChallengeModel(id=challenge_id)
        try:
            item.update(actions=[ChallengeModel.attempts.add(1)],
                        condition=ChallengeModel.id.exists())
        except UpdateError as error:
            if _failed_condition(error):
                return 1_000  # gone: as spent as a locked one
            raise ServiceUnavailable("service_unavailable") from error
        return int(item.attempts)

    def use(self, challenge_id: str) -> bool:
        try:
            ChallengeModel(id=challenge_id).update(
                actions=[ChallengeModel.used.set(1)],
                condition=ChallengeModel.id.exists() & (ChallengeModel.used == 0))
        except UpdateError as error:
            if _failed_condition(error):
                return False
            raise ServiceUnavailable("service_unavailable") from error
        return True


class DynamoLimits:
    """``Limits`` on the limits table: a window is one item, counted by conditional ADD."""

    def hit(self, key: str, *, limit: int, window_seconds: int, now: datetime) -> int:
        moment = _epoch(now)
        try:  # a live window with room left: count this use
            LimitModel(key=key).update(
                actions=[LimitModel.hits.add(1)],
                condition=(LimitModel.until > moment) & (LimitModel.hits < limit))
            return 0
        except UpdateError as error:
            if not _failed_condition(error):
                raise ServiceUnavailable("service_unavailable") from error
        until = moment + window_seconds
        try:  # no window yet, or an ended one: open a new window with this use
            LimitModel(key=key, hits=1, until=until,
                       expiration=until + EXPIRY_SLACK_SECONDS).save(
                condition=LimitModel.key.does_not_exist() | (LimitModel.until <= moment))
            return 0
        except PutError as error:
            if not _failed_condition(error):
                raise ServiceUnavailable("service_unavailable") from error
        return max(1, self._until(key) - moment)  # a live window, full

    def lock(self, key: str, *, seconds: int, now: datetime) -> None:
        until = _epoch(now) + seconds
        try:
            LimitModel(key=key, hits=0, until=until,
                       expiration=until + EXPIRY_SLACK_SECONDS).save()
        except PutError as error:
            raise ServiceUnavailable("service_unavailable") from error

    def locked_for(self, key: str, *, now: datetime) -> int:
        return max(0, self._until(key) - _epoch(now))

    @staticmethod
    def _until(key: str) -> int:
        row = read(LimitModel, key)
        return 0 if row is None else int(row.until)


def _principal_json(principal: Principal) -> dict[str, Any]:
    return {key: value for key, value in principal.claims().items() if key != "session"}


def _session(item: SessionModel) -> Session:
    claims = dict(item.principal)
    claims["session"] = item.family
    return Session(
        token_hash=item.token_hash, family=item.family,
        principal=Principal.from_claims(claims),
        expires_at=datetime.fromtimestamp(int(item.expiration), UTC),
        used=bool(item.used), revoked=bool(item.revoked),
    )


def _session_model(session: Session) -> SessionModel:
    return SessionModel(
        token_hash=session.token_hash, family=session.family,
        principal_id=session.principal.id, principal=_principal_json(session.principal),
        expiration=_epoch(session.expires_at),
    )


class DynamoSessions:
    """``Sessions`` on the sessions table (revocation by family and by account)."""

    def start(self, session: Session) -> None:
        try:
            _session_model(session).save(condition=SessionModel.token_hash.does_not_exist())
        except PutError as error:
            raise ServiceUnavailable("service_unavailable") from error

    def find(self, token_hash: str) -> Session | None:
        item = read(SessionModel, token_hash)
        return None if item is None else _session(item)

    def rotate(self, old: Session, new: Session) -> bool:
        connection = SessionModel._get_connection().connection
        try:
            with TransactWrite(connection=connection) as transaction:
                transaction.update(
                    SessionModel(token_hash=old.token_hash),
                    actions=[SessionModel.used.set(1)],
                    condition=(SessionModel.used == 0) & (SessionModel.revoked == 0))
                transaction.save(_session_model(new),
                                 condition=SessionModel.token_hash.does_not_exist())
        except TransactWriteError as error:
            codes = {reason.code for reason in (error.cancellation_reasons or []) if reason}
            if "ConditionalCheckFailed" in codes:
                return False
            raise ServiceUnavailable("service_unavailable") from error
        return True

    def revoke_family(self, family: str) -> int:
        return self._revoke(SessionModel.by_family.query(family))

    def revoke_principal(self, principal_id: str) -> int:
        return self._revoke(SessionModel.by_principal.query(principal_id))

    @staticmethod
    def _revoke(items: Any) -> int:
        revoked = 0
        try:
            for item in items:
                if not item.revoked:
                    item.update(actions=[SessionModel.revoked.set(1)])
                    revoked += 1
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
        return revoked


def _account(item: StaffModel) -> StaffAccount:
    return StaffAccount(
        id=item.id, phone=item.phone, role=Role(item.role), name=item.name,
        password_hash=item.password_hash, centre_id=item.centre_id, agency_id=item.agency_id,
        disabled=bool(item.disabled), failures=int(item.failures),
        locked_until=datetime.fromisoformat(item.locked_until) if item.locked_until else None,
    )


class DynamoStaff:
    """``StaffAccounts`` on the staff tables (an account and its phone, together)."""

    def by_phone(self, phone: str) -> StaffAccount | None:
        claim = read(StaffPhoneModel, phone)
        return None if claim is None else self.get(claim.staff_id)

    def get(self, account_id: str) -> StaffAccount | None:
        item = read(StaffModel, account_id)
        return None if item is None else _account(item)

    def failed(self, account: StaffAccount, *, now: datetime, lock_after: int,
               lock_seconds: int) -> StaffAccount:
        item = StaffModel(id=account.id)
        try:
            item.update(actions=[StaffModel.failures.add(1)])
            if int(item.failures) >= lock_after:
                until = (now + timedelta(seconds=lock_seconds)).isoformat()
                item.update(actions=[StaffModel.failures.set(0),
                                     StaffModel.locked_until.set(until)])
        except UpdateError as error:
            raise ServiceUnavailable("service_unavailable") from error
        return _account(item)

    def succeeded(self, account: StaffAccount) -> None:
        try:
            StaffModel(id=account.id).update(actions=[StaffModel.failures.set(0),
                                                      StaffModel.locked_until.remove()])
        except UpdateError as error:
            raise ServiceUnavailable("service_unavailable") from error

    # --- what ops do (nagorik users ...) ------------------------------------------------

    def add(self, account: StaffAccount, *, now: datetime) -> None:
        """Create an account; ``Conflict`` if another account has the phone."""
        item = StaffModel(
            id=account.id, phone=account.phone, role=account.role.value, name=account.name,
            password_hash=account.password_hash, centre_id=account.centre_id,
            agency_id=account.agency_id, created_at=now.isoformat(),
        )
        try:
            with TransactWrite(connection=StaffModel._get_connection().connection) as write:
                write.save(StaffPhoneModel(phone=account.phone, staff_id=account.id),
                           condition=StaffPhoneModel.phone.does_not_exist())
                write.save(item, condition=StaffModel.id.does_not_exist())
        except TransactWriteError as error:
            codes = {reason.code for reason in (error.cancellation_reasons or []) if reason}
            if "ConditionalCheckFailed" in codes:
                raise Conflict("phone_taken") from error
            raise ServiceUnavailable("service_unavailable") from error

    def set_disabled(self, account_id: str, disabled: bool) -> bool:
        """Disable or enable an account; ``False`` if there is no such account."""
        try:
            StaffModel(id=account_id).update(actions=[StaffModel.disabled.set(int(disabled))],
                                             condition=StaffModel.id.exists())
        except UpdateError as error:
            if _failed_condition(error):
                return False
            raise ServiceUnavailable("service_unavailable") from error
        return True

    def set_password(self, account_id: str, password_hash: str) -> bool:
        """Replace an account's password; ``False`` if there is no such account."""
        try:
            StaffModel(id=account_id).update(
                actions=[StaffModel.password_hash.set(password_hash), StaffModel.failures.set(0),
                         StaffModel.locked_until.remove()],
                condition=StaffModel.id.exists())
        except UpdateError as error:
            if _failed_condition(error):
                return False
            raise ServiceUnavailable("service_unavailable") from error
        return True

    def of_centre(self, centre_id: str) -> list[StaffAccount]:
        """A centre's entrepreneurs."""
        return [_account(item) for item in StaffModel.by_centre.query(centre_id)]

    def of_role(self, role: Role) -> list[StaffAccount]:
        """Every account of one role, oldest first."""
        return [_account(item) for item in StaffModel.by_role.query(role.value)]
