"""Demo data for the local stack: one demo centre per district; an ops admin, an officer
for every agency and an entrepreneur for a few of the demo centres.

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

from chalicelib import geo
from chalicelib.agencies.registry import agencies
from chalicelib.domain.access import Role
from chalicelib.domain.auth import StaffAccount
from chalicelib.domain.centres import Centre, CentreType
from chalicelib.domain.errors import Conflict
from chalicelib.domain.messages import DEMO_CENTRE_ADDRESS, DEMO_CENTRE_HOURS, DEMO_CENTRE_NAME
from chalicelib.settings import Settings
from chalicelib.store.auth import DynamoStaff
from chalicelib.store.centres import DynamoCentres

ACCOUNTS_FILE = "demo-accounts.json"
OPS_PHONE = "+8801900000001"
# Districts whose demo centre has entrepreneurs (two, for two tablets): Dhaka,
# Chattogram, Rajshahi, Sylhet, Rangpur.
ENTREPRENEUR_DISTRICTS = ("47", "8", "15", "36", "59")


def _first(level: str, parent_id: str) -> geo.Area:
    return min((area for area in geo.level_areas(level).values() if area.parent_id == parent_id),
               key=lambda area: int(area.id))


def demo_centres() -> list[Centre]:
    """One demo union digital centre per district, in its first upazila's first union."""
    found = []
    for district in sorted(geo.level_areas("district").values(), key=lambda a: int(a.id)):
        upazila = _first("upazila", district.id)
        union = _first("union", upazila.id)
        names = {f"{level}_{lang}": getattr(area, f"name_{lang}")
                 for level, area in (("district", district), ("upazila", upazila),
                                     ("union", union)) for lang in ("bn", "en")}
        found.append(Centre(
            id=f"demo-{district.id}", type=CentreType.UDC,
            name=DEMO_CENTRE_NAME.format(**names), division_id=district.parent_id or "",
            district_id=district.id, upazila_id=upazila.id, union_id=union.id,
            address=DEMO_CENTRE_ADDRESS.format(**names), hours=DEMO_CENTRE_HOURS, demo=True,
        ))
    return found


def seed_centres() -> int:
    """Write the demo centres that do not exist yet; return how many were written."""
    store = DynamoCentres()
    written = 0
    for centre in demo_centres():
        if store.get(centre.id) is None:
            store.put(centre)
            written += 1
    return written


def demo_accounts() -> list[dict[str, Any]]:
    """Who the demo staff are (phones in a block no one is given: 0190000xxxx)."""
    found = [{"id": "u-demo-ops", "role": Role.OPS.value, "name": "Demo ops admin",
              "phone": OPS_PHONE}]
    for number, agency in enumerate(agencies(), start=10):
        found.append({"id": f"u-demo-officer-{agency.id}", "role": Role.OFFICER.value,
                      "name": f"Demo officer ({agency.name.en})", "agency_id": agency.id,
                      "phone": f"+88019000000{number:02d}"})
    for number, district in enumerate(ENTREPRENEUR_DISTRICTS):
        for tablet in (1, 2):
            found.append({
                "id": f"u-demo-entrepreneur-{district}-{tablet}", "role": Role.ENTREPRENEUR.value,
                "name": f"Demo entrepreneur {tablet} (demo-{district})",
                "centre_id": f"demo-{district}",
                "phone": f"+88019000001{number * 2 + tablet - 1:02d}"})
    return found


class DemoPasswords:
    """argon2id hashes at the library's lowest cost, for the demo accounts only.

    Their passwords sit in plain text beside the data (``demo-accounts.json``), so a
    costly hash guards nothing here; at the library's (RFC 9106) parameters the 35 of
    them took 7 s of every fresh local stack's start. Sign-in verifies a hash by the
    parameters it carries, so these verify as any other.
    """

    def __init__(self) -> None:
        from argon2 import PasswordHasher

        self.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

    def hash(self, password: str) -> str:
        """A new (cheap) argon2id hash of ``password``."""
        return str(self.hasher.hash(password))


def seed(settings: Settings, data_dir: Path) -> Path:
    """Create the demo centres and accounts that do not exist yet; return the file that
    lists the accounts."""
    seed_centres()
    path = data_dir / ACCOUNTS_FILE
    known = {entry["id"]: entry for entry in
             (json.loads(path.read_text(encoding="utf-8")) if path.exists() else [])}
    store, passwords, now = DynamoStaff(), DemoPasswords(), datetime.now(UTC)
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
