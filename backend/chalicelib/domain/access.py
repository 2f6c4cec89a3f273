"""Who is calling, and what they may see and do: decided here, per object, for every route.

A ``Principal`` comes from the verified access token (never from the request body) and
goes from the route to the use-case. ``application_for`` is the one check every
use-case on an application makes: it answers with the application or with the same
``NotFound`` an unknown id gets, so nobody learns that someone else's application
exists. ``require`` refuses a role that may not do a thing at all (403).

    citizen       their own applications (the applicant's phone is theirs)
    entrepreneur  their centre's applications
    officer       their agency's applications
    ops           aggregates and accounts; no application's contents
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import Forbidden, NotFound
from .lifecycle import Application


class Role(StrEnum):
    """The four kinds of people the platform serves."""

    CITIZEN = "citizen"
    ENTREPRENEUR = "entrepreneur"
    OFFICER = "officer"
    OPS = "ops"


STAFF = frozenset({Role.ENTREPRENEUR, Role.OFFICER, Role.OPS})


@dataclass(frozen=True)
class Principal:
    """A signed-in caller: role, stable id and what binds them (phone, centre, agency)."""

    role: Role
    id: str
    phone: str | None = None  # E.164; a citizen's identity, a staff member's sign-in
    centre_id: str | None = None  # an entrepreneur's centre
    agency_id: str | None = None  # an officer's agency
    session: str | None = None  # the sign-in (refresh token family) it came from

    @property
    def actor(self) -> str:
        """How history entries name this caller: ``role:id`` (never a phone number)."""
        return f"{self.role.value}:{self.id}"

    def claims(self) -> dict[str, Any]:
        """What an access token carries about this principal."""
        found: dict[str, Any] = {"sub": self.id, "role": self.role.value}
        for name in ("phone", "centre_id", "agency_id", "session"):
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        return found

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        """The principal a verified token names; ``ValueError`` for a malformed one."""
        role = Role(str(claims["role"]))
        principal = cls(
            role=role, id=str(claims["sub"]), phone=claims.get("phone"),
            centre_id=claims.get("centre_id"), agency_id=claims.get("agency_id"),
            session=claims.get("session"),
        )
        if (role is Role.CITIZEN and not principal.phone) or (
                role is Role.ENTREPRENEUR and not principal.centre_id) or (
                role is Role.OFFICER and not principal.agency_id):
            raise ValueError(f"a {role.value} token without what binds it")
        return principal


def citizen_id(phone: str, key: bytes) -> str:
    """A citizen's stable id from their (E.164) phone: tokens, history entries and logs name
    it, not the phone. An HMAC under the platform's secret pepper (``key``): a plain hash of
    a phone number is undone by trying every number there is (about a billion mobile
    numbers, minutes of work), so it would be the phone itself by another name."""
    return "c-" + hmac.new(key, f"nagorik-citizen:{phone}".encode(), "sha256").hexdigest()[:20]


def require(principal: Principal, *roles: Role) -> Principal:
    """The principal, if its role is one of ``roles``; ``Forbidden`` (403) otherwise."""
    if principal.role not in roles:
        raise Forbidden("forbidden")
    return principal


def may_see(principal: Principal, application: Application) -> bool:
    """Whether this caller may see (and, by role, act on) this application."""
    match principal.role:
        case Role.CITIZEN:
            return application.applicant_phone == principal.phone
        case Role.ENTREPRENEUR:
            return application.centre_id is not None and application.centre_id == (
                principal.centre_id)
        case Role.OFFICER:
            return application.agency_id == principal.agency_id
        case _:
            return False


def application_for(principal: Principal, application: Application | None) -> Application:
    """The application if this caller may see it; otherwise the ``NotFound`` an unknown id
    gets (a foreign application answers like one that does not exist)."""
    if application is None or not may_see(principal, application):
        raise NotFound("application_not_found")
    return application
