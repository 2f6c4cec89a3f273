"""In-memory fakes of the domain's ports, for testing use-cases in milliseconds.

Each keeps the promise its port makes (conditional writes, pages with cursors,
consistent reads) so a use-case tested against it behaves as against DynamoDB; the
functional tier checks the real stores against moto.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.errors import ServiceUnavailable
from chalicelib.domain.outbox import OutboxMessage, OutboxPage, OutboxRecord


class FakeOutboxStore:
    """``OutboxStore`` in a dict. Its cursor is the last key of the page, as DynamoDB's
    LastEvaluatedKey is, so records forwarded meanwhile do not shift the next page."""

    def __init__(self) -> None:
        self.records: dict[str, OutboxRecord] = {}

    def add(self, record: OutboxRecord) -> None:
        assert record.id not in self.records, "an outbox id is written once"
        self.records[record.id] = record

    def get(self, record_id: str) -> OutboxRecord | None:
        return self.records.get(record_id)

    def mark_forwarded(self, record: OutboxRecord, at: datetime) -> bool:
        current = self.records.get(record.id)
        if current is None or current.forwarded_at is not None:
            return False
        self.records[record.id] = replace(current, forwarded_at=at)
        return True

    def pending(self, bucket: str, *, created_before: datetime, limit: int,
                cursor: str | None) -> OutboxPage:
        found = sorted(
            (r for r in self.records.values()
             if r.forwarded_at is None and r.bucket == bucket and r.created_at < created_before),
            key=lambda r: (r.created_at, r.id),
        )
        if cursor is not None:
            after = tuple(cursor.split("|", 1))
            found = [r for r in found if (r.created_at.isoformat(), r.id) > after]
        page = found[:limit]
        last = page[-1] if page and len(found) > limit else None
        return OutboxPage(page, f"{last.created_at.isoformat()}|{last.id}" if last else None)


class FakeQueues:
    """``MessageQueues`` that keeps what was sent; ``down`` makes every send fail."""

    def __init__(self) -> None:
        self.sent: list[OutboxMessage] = []
        self.down = False
        self.refuse: set[str] = set()  # tracking ids whose messages cannot be sent

    def send(self, message: OutboxMessage) -> None:
        if self.down or message.body.get("tracking_id") in self.refuse:
            raise ServiceUnavailable("service_unavailable")
        self.sent.append(message)


# --- signing in ---------------------------------------------------------------------

from chalicelib.domain.access import Principal  # noqa: E402
from chalicelib.domain.auth import Challenge, Session, StaffAccount  # noqa: E402


class FakeChallenges:
    """``Challenges`` in a dict."""

    def __init__(self) -> None:
        self.items: dict[str, Challenge] = {}

    def create(self, challenge: Challenge) -> None:
        self.items[challenge.id] = challenge

    def get(self, challenge_id: str) -> Challenge | None:
        return self.items.get(challenge_id)

    def wrong_try(self, challenge_id: str) -> int:
        challenge = self.items[challenge_id]
        self.items[challenge_id] = replace(challenge, attempts=challenge.attempts + 1)
        return challenge.attempts + 1

    def use(self, challenge_id: str) -> bool:
        challenge = self.items.get(challenge_id)
        if challenge is None or challenge.used:
            return False
        self.items[challenge_id] = replace(challenge, used=True)
        return True


class FakeLimits:
    """``Limits`` in a dict of (count, until epoch seconds)."""

    def __init__(self) -> None:
        self.windows: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, *, limit: int, window_seconds: int, now: datetime) -> int:
        moment = int(now.timestamp())
        count, until = self.windows.get(key, (0, 0))
        if until <= moment:
            self.windows[key] = (1, moment + window_seconds)
            return 0
        if count < limit:
            self.windows[key] = (count + 1, until)
            return 0
        return until - moment

    def lock(self, key: str, *, seconds: int, now: datetime) -> None:
        self.windows[key] = (0, int(now.timestamp()) + seconds)

    def locked_for(self, key: str, *, now: datetime) -> int:
        return max(0, self.windows.get(key, (0, 0))[1] - int(now.timestamp()))


class FakeSessions:
    """``Sessions`` in a dict, by token hash."""

    def __init__(self) -> None:
        self.items: dict[str, Session] = {}

    def start(self, session: Session) -> None:
        self.items[session.token_hash] = session

    def find(self, token_hash: str) -> Session | None:
        return self.items.get(token_hash)

    def rotate(self, old: Session, new: Session) -> bool:
        current = self.items[old.token_hash]
        if current.used or current.revoked:
            return False
        self.items[old.token_hash] = replace(current, used=True)
        self.items[new.token_hash] = new
        return True

    def revoke_family(self, family: str) -> int:
        return self._revoke(lambda session: session.family == family)

    def revoke_principal(self, principal_id: str) -> int:
        return self._revoke(lambda session: session.principal.id == principal_id)

    def _revoke(self, which: Any) -> int:
        hits = [key for key, session in self.items.items() if which(session)
                and not session.revoked]
        for key in hits:
            self.items[key] = replace(self.items[key], revoked=True)
        return len(hits)


class FakeStaff:
    """``StaffAccounts`` in a dict."""

    def __init__(self, *accounts: StaffAccount) -> None:
        self.items = {account.id: account for account in accounts}

    def by_phone(self, phone: str) -> StaffAccount | None:
        return next((a for a in self.items.values() if a.phone == phone), None)

    def get(self, account_id: str) -> StaffAccount | None:
        return self.items.get(account_id)

    def failed(self, account: StaffAccount, *, now: datetime, lock_after: int,
               lock_seconds: int) -> StaffAccount:
        failures = self.items[account.id].failures + 1
        updated = replace(self.items[account.id], failures=failures)
        if failures >= lock_after:
            updated = replace(updated, failures=0,
                              locked_until=now + timedelta(seconds=lock_seconds))
        self.items[account.id] = updated
        return updated

    def succeeded(self, account: StaffAccount) -> None:
        self.items[account.id] = replace(self.items[account.id], failures=0, locked_until=None)


class FakeTokens:
    """A ``TokenIssuer`` that writes the principal into a readable string."""

    def issue(self, principal: Principal, *, now: datetime, seconds: int) -> str:
        return f"access:{principal.role.value}:{principal.id}:{int(now.timestamp()) + seconds}"


class FakePasswords:
    """``Passwords`` where a hash is ``hashed:<password>``."""

    def __init__(self) -> None:
        self.dummies = 0

    @staticmethod
    def hash(password: str) -> str:
        return f"hashed:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"hashed:{password}"

    def dummy_verify(self, password: str) -> None:
        self.dummies += 1


class FakeSender:
    """A ``CodeSender`` that keeps what it sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send_code(self, phone: str, code: str, purpose: str) -> None:
        self.sent.append((phone, code, purpose))

    @property
    def last_code(self) -> str:
        return self.sent[-1][1]


# --- agencies -----------------------------------------------------------------------

from chalicelib.domain.circuit import CircuitState  # noqa: E402


class FakeCircuits:
    """``CircuitStore`` in a dict, with the same conditional claim of the open period."""

    def __init__(self) -> None:
        self.items: dict[str, CircuitState] = {}

    def get(self, name: str) -> CircuitState:
        return self.items.get(name, CircuitState())

    def failed(self, name: str) -> int:
        state = self.get(name)
        self.items[name] = replace(state, failures=state.failures + 1)
        return state.failures + 1

    def open_until(self, name: str, until: int, *, unless_after: int) -> bool:
        state = self.get(name)
        if state.open_until > unless_after:
            return False
        self.items[name] = replace(state, open_until=until)
        return True

    def reset(self, name: str) -> None:
        self.items[name] = CircuitState()
# --- centres ------------------------------------------------------------------------

from chalicelib.domain.centres import Centre, CentrePage, CentreType  # noqa: E402


class FakeCentres:
    """``CentreStore`` in a dict; pages ordered as the store's indexes order them, the
    cursor the last id of a page."""

    def __init__(self) -> None:
        self.items: dict[str, Centre] = {}
        self.writes = 0

    def put(self, centre: Centre) -> bool:
        self.writes += 1
        new = centre.id not in self.items
        self.items[centre.id] = centre
        return new

    def get(self, centre_id: str) -> Centre | None:
        return self.items.get(centre_id)

    def in_area(self, district_id: str, *, upazila_id: str | None, type: CentreType | None,
                limit: int, cursor: str | None) -> CentrePage:
        found = sorted(
            (c for c in self.items.values() if c.district_id == district_id
             and upazila_id in (None, c.upazila_id) and type in (None, c.type)),
            key=lambda c: (c.upazila_id, c.type.value, c.id))
        if cursor is not None:
            ids = [c.id for c in found]
            found = found[ids.index(cursor) + 1:] if cursor in ids else []
        page = found[:limit]
        return CentrePage(page, page[-1].id if len(found) > limit else None)


from collections.abc import Sequence  # noqa: E402
from datetime import date  # noqa: E402

from chalicelib.domain.stats import Summary, Tally  # noqa: E402


class FakeCounters:
    """``Counters`` in dicts: rows by ``(day, scope)``, summaries by ``(day, family)``.
    It counts its reads (``row_reads``, ``summary_reads``), and ``race`` names summaries
    another reader keeps between a reader's batch read and its own write."""

    def __init__(self) -> None:
        self.counts: dict[tuple[date, str], int] = {}
        self.kept: dict[tuple[date, str], Tally] = {}
        self.live: dict[tuple[date, str], tuple[Tally, datetime]] = {}
        self.overdue_rows: dict[str, int] = {}
        self.row_reads: list[tuple[date, str]] = []
        self.summary_reads = 0
        self.race: dict[tuple[date, str], Tally] = {}

    def add(self, day: date, scope: str, increment: int = 1) -> None:
        self.counts[day, scope] = self.counts.get((day, scope), 0) + increment

    def rows(self, day: date, family: str) -> list[tuple[str, int]]:
        self.row_reads.append((day, family))
        return [(scope, count) for (row_day, scope), count in sorted(self.counts.items())
                if row_day == day and scope.startswith(family + "#")]

    def summaries(self, wanted: Sequence[tuple[date, str]]) -> dict[tuple[date, str], Summary]:
        self.summary_reads += 1
        found = {key: Summary(self.kept[key]) for key in wanted if key in self.kept}
        found.update({key: Summary(counts, at) for key in wanted
                      if key in self.live and key not in found
                      for counts, at in [self.live[key]]})
        return found

    def keep_summary(self, day: date, family: str, counts: Tally) -> Tally:
        if (day, family) in self.race:
            self.kept.setdefault((day, family), self.race.pop((day, family)))
        self.kept.setdefault((day, family), counts)
        self.live.pop((day, family), None)
        return self.kept[day, family]

    def keep_live_summary(self, day: date, family: str, counts: Tally,
                          counted_at: datetime) -> None:
        if (day, family) not in self.kept:
            self.live[day, family] = (counts, counted_at)

    def overdue(self) -> list[tuple[str, int]]:
        return sorted(self.overdue_rows.items())
