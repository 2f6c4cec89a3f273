"""Demo staff for the local stack: an ops admin and an officer for every agency.

Made once per data folder (kept across restarts), with random passwords listed in
``<data dir>/demo-accounts.json`` so a developer can sign in as each role. Local only:
a deployed stage's first admin is made with ``nagorik users add`` (infra/README.md).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.agencies.registry import agencies
from chalicelib.domain.access import Role
from chalicelib.domain.auth import StaffAccount
from chalicelib.domain.errors import Conflict
from chalicelib.passwords import Argon2Passwords
from chalicelib.settings import Settings
from chalicelib.store.auth import DynamoStaff

ACCOUNTS_FILE = "demo-accounts.json"
OPS_PHONE = "+8801900000001"


def demo_accounts() -> list[dict[str, Any]]:
    """Who the demo staff are (phones in a block no one is given: 0190000xxxx)."""
    found = [{"id": "u-demo-ops", "role": Role.OPS.value, "name": "Demo ops admin",
              "phone": OPS_PHONE}]
    for number, agency in enumerate(agencies(), start=10):
        found.append({"id": f"u-demo-officer-{agency.id}", "role": Role.OFFICER.value,
                      "name": f"Demo officer ({agency.name.en})", "agency_id": agency.id,
                      "phone": f"+88019000000{number:02d}"})
    return found


def seed(settings: Settings, data_dir: Path) -> Path:
    """Create the demo accounts that do not exist yet; return the file that lists them."""
    path = data_dir / ACCOUNTS_FILE
    known = {entry["id"]: entry for entry in
             (json.loads(path.read_text(encoding="utf-8")) if path.exists() else [])}
    store, passwords, now = DynamoStaff(), Argon2Passwords(), datetime.now(UTC)
    listed = []
    for entry in demo_accounts():
        saved = known.get(entry["id"])
        password = saved["password"] if saved else secrets.token_urlsafe(9)
        existing = store.get(entry["id"])
        if existing is not None and saved is None:  # the list was lost: a new password
            store.set_password(entry["id"], passwords.hash(password))
        elif existing is None:
            account = StaffAccount(
                id=entry["id"], phone=entry["phone"], role=Role(entry["role"]),
                name=entry["name"], password_hash=passwords.hash(password),
                agency_id=entry.get("agency_id"), centre_id=entry.get("centre_id"))
            try:
                store.add(account, now=now)
            except Conflict:
                continue  # a person of the same number was added by hand: theirs it stays
        listed.append({**entry, "phone_local": "0" + entry["phone"][4:], "password": password})
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(listed, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
