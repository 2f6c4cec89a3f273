"""``nagorik users``: staff accounts (entrepreneurs, officers, ops admins).

This is how ops make the first admin of a new stage (infra/README.md says when).
"""

from __future__ import annotations

import secrets
import sys
from datetime import UTC, datetime

import click

from ops.cli import Failure

ROLES = ("entrepreneur", "officer", "ops")


def _store() -> object:
    from chalicelib.store.auth import DynamoStaff

    return DynamoStaff()


def _phone(text: str) -> str:
    from chalicelib.domain.phone import normalise_mobile

    phone = normalise_mobile(text)
    if phone is None:
        raise Failure(f"{text!r} is not a Bangladeshi mobile number (01XXXXXXXXX)")
    return phone


@click.group()
def users() -> None:
    """Staff accounts: add, list, disable, enable, reset a password, sign out everywhere."""


@users.command("add")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--phone", required=True, help="The mobile number the person signs in with.")
@click.option("--name", required=True, help="The person's name, as colleagues know it.")
@click.option("--agency", "agency_id", help="An officer's agency (an id of agencies.json).")
@click.option("--centre", "centre_id", help="An entrepreneur's centre id.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of making one.")
def add(*, role: str, phone: str, name: str, agency_id: str | None, centre_id: str | None,
        password_stdin: bool) -> None:
    """Create an account; print its one-time password unless one is given on stdin."""
    from chalicelib.agencies.registry import get_agency
    from chalicelib.domain.access import Role
    from chalicelib.domain.auth import StaffAccount
    from chalicelib.domain.errors import Conflict
    from chalicelib.passwords import Argon2Passwords

    if role == "officer" and (not agency_id or get_agency(agency_id) is None):
        raise Failure("an officer needs --agency with an agency id from agencies.json")
    if role == "entrepreneur" and not centre_id:
        raise Failure("an entrepreneur needs --centre")
    if role != "officer" and agency_id:
        raise Failure("only officers belong to an agency")
    if role != "entrepreneur" and centre_id:
        raise Failure("only entrepreneurs belong to a centre")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
    if len(password) < 10:  # noqa: PLR2004
        raise Failure("a password needs at least 10 characters")
    account = StaffAccount(
        id="u-" + secrets.token_hex(8), phone=_phone(phone), role=Role(role), name=name.strip(),
        password_hash=Argon2Passwords().hash(password), agency_id=agency_id,
        centre_id=centre_id)
    try:
        _store().add(account, now=datetime.now(UTC))  # type: ignore[attr-defined]
    except Conflict:
        raise Failure(f"an account already signs in with {phone}") from None
    click.echo(f"added {account.id} ({role}) for {account.phone}")
    if not password_stdin:
        click.echo(f"one-time password: {password}")
        click.echo("give it to the person in private; they sign in with it at once")


@users.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only this role.")
def list_users(role: str | None) -> None:
    """Every account (id, role, phone, name, agency or centre, state)."""
    from chalicelib.domain.access import Role

    found = 0
    for kind in [role] if role else list(ROLES):
        for account in _store().of_role(Role(kind)):  # type: ignore[attr-defined]
            state = "disabled" if account.disabled else "active"
            where = account.agency_id or account.centre_id or "-"
            click.echo(f"{account.id}\t{kind}\t{account.phone}\t{where}\t{state}\t{account.name}")
            found += 1
    if not found:
        click.echo("no accounts")


def _account_id(identifier: str) -> str:
    if identifier.startswith("u-"):
        return identifier
    account = _store().by_phone(_phone(identifier))  # type: ignore[attr-defined]
    if account is None:
        raise Failure(f"no account signs in with {identifier}")
    return str(account.id)


@users.command("disable")
@click.argument("account")
def disable(account: str) -> None:
    """Stop an account signing in (by id or phone), and end every sign-in it has."""
    account_id = _account_id(account)
    if not _store().set_disabled(account_id, True):  # type: ignore[attr-defined]
        raise Failure(f"no account {account_id}")
    ended = _revoke(account_id)
    click.echo(f"disabled {account_id}; ended {ended} session(s)")


@users.command("enable")
@click.argument("account")
def enable(account: str) -> None:
    """Let a disabled account sign in again (by id or phone)."""
    account_id = _account_id(account)
    if not _store().set_disabled(account_id, False):  # type: ignore[attr-defined]
        raise Failure(f"no account {account_id}")
    click.echo(f"enabled {account_id}")


@users.command("reset-password")
@click.argument("account")
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
def reset_password(account: str, password_stdin: bool) -> None:
    """Give an account a new password (printed unless read from stdin); end its sign-ins."""
    from chalicelib.passwords import Argon2Passwords

    account_id = _account_id(account)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
    if len(password) < 10:  # noqa: PLR2004
        raise Failure("a password needs at least 10 characters")
    if not _store().set_password(account_id, Argon2Passwords().hash(password)):  # type: ignore[attr-defined]
        raise Failure(f"no account {account_id}")
    _revoke(account_id)
    click.echo(f"new password for {account_id}")
    if not password_stdin:
        click.echo(f"one-time password: {password}")


@users.command("sign-out")
@click.argument("account")
def sign_out(account: str) -> None:
    """End every sign-in of an account (a lost tablet, a leaked password)."""
    account_id = _account_id(account)
    click.echo(f"ended {_revoke(account_id)} session(s) of {account_id}")


def _revoke(account_id: str) -> int:
    from chalicelib.store.auth import DynamoSessions

    return DynamoSessions().revoke_principal(account_id)
