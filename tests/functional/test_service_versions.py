"""Form versions, and a new service with no code change.

A submission records the service id and the version of the form it was filled in.
When a form changes, its version goes up: answers to an older form that the new one
still accepts (``compatible_versions``) go through; any other old form gets 409
``service_version_outdated``, telling the app to reload the form. And adding a service
is adding one schema file: built, served and accepted by the unchanged code.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.catalog_build import build, write
from tests.functional.conftest import pending_outbox, reset_caches
from tests.helpers import ROOT, example, get_json, post_json, submission

GD = "online-gd-lost-item"
Change = Callable[[Path], None]


@pytest.fixture
def catalog_from(citizen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Rebuild the catalog from a changed copy of schemas/ and point the API at it; the
    client it gives is signed in as the examples' citizen."""
    client = citizen

    def rebuild(change: Change) -> Any:
        source = tmp_path / "schemas"
        shutil.copytree(ROOT / "schemas", source, ignore=shutil.ignore_patterns("examples"))
        change(source)
        write(build(source), tmp_path / "catalog")
        monkeypatch.setenv("NAGORIK_SCHEMAS_DIR", str(tmp_path / "catalog"))
        reset_caches()
        return client

    yield rebuild
    reset_caches()


def edit(source: Path, service_id: str, **changes: Any) -> None:
    path = source / "services" / f"{service_id}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document.update(changes)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def submit(client: Any, service_id: str, form: dict[str, Any], version: int, key: str) -> Any:
    body = submission(service_id, form, version=version)
    return post_json(client, "/applications", body, **{"Idempotency-Key": key})


def queued(agency_id: str) -> list[dict[str, Any]]:
    """What the outbox will tell the agency (the messages its stream has yet to send)."""
    return [message.body for record in pending_outbox() for message in record.messages
            if message.agency_id == agency_id]


@pytest.fixture
def gd_at_version_3(catalog_from) -> Any:
    """The online GD form at version 3, still accepting answers to version 2."""
    return catalog_from(lambda source: edit(source, GD, version=3, compatible_versions=[2]))


def test_the_catalog_shows_the_current_version(gd_at_version_3) -> None:
    response = get_json(gd_at_version_3, f"/services/{GD}")

    assert response.json["version"] == 3
    assert response.json["compatible_versions"] == [2]


def test_an_outdated_form_is_refused_with_409_and_asked_to_reload(gd_at_version_3) -> None:
    response = submit(gd_at_version_3, GD, example(GD, "valid-lost-nid"), 1, "ver-00000001")

    assert response.status_code == 409
    body = response.json
    assert body["code"] == "service_version_outdated"
    assert "নতুন করে খুলে" in body["message_bn"]
    assert "Reload the form" in body["message_en"]
    assert queued("police") == []


def test_a_compatible_older_form_is_accepted_and_keeps_its_version(gd_at_version_3) -> None:
    response = submit(gd_at_version_3, GD, example(GD, "valid-lost-nid"), 2, "ver-00000002")

    assert response.status_code == 201
    tracking_id = response.json["tracking_id"]
    assert queued("police") == [{"tracking_id": tracking_id, "step": "forward"}]
    from chalicelib.store.models import ApplicationModel

    assert ApplicationModel.get(tracking_id).service_version == 2


def test_the_current_form_is_accepted(gd_at_version_3) -> None:
    response = submit(gd_at_version_3, GD, example(GD, "valid-lost-phone"), 3, "ver-00000003")

    assert response.status_code == 201


def test_a_version_newer_than_the_catalog_is_refused(gd_at_version_3) -> None:
    response = submit(gd_at_version_3, GD, example(GD, "valid-lost-nid"), 4, "ver-00000004")

    assert response.status_code == 409
    assert response.json["code"] == "service_version_outdated"


def test_an_older_form_is_still_checked_against_the_current_rules(gd_at_version_3) -> None:
    broken = {**example(GD, "valid-lost-nid"), "nid": "12"}

    response = submit(gd_at_version_3, GD, broken, 2, "ver-00000005")

    assert response.status_code == 422
    assert [p["path"] for p in response.json["fields"]] == ["form.nid"]


# --- adding a service is adding one schema file ---------------------------------------

DUPLICATE_BIRTH_CERTIFICATE: dict[str, Any] = {
    "$schema": "../meta/service.schema.json",
    "id": "birth-registration-reprint",
    "version": 1,
    "category": "registration",
    "agency": "birth-death-registration",
    "title": {"bn": "জন্ম নিবন্ধন সনদের অনুলিপি", "en": "Duplicate birth registration certificate"},
    "summary": {
        "bn": "অনলাইন জন্ম নিবন্ধন সনদের আরেকটি কপি, বাংলা বা ইংরেজিতে।",
        "en": "Another copy of an online birth registration certificate, in Bangla or English.",
    },
    "keywords": {"bn": ["সনদের কপি"], "en": ["duplicate certificate"]},
    "eligibility": [
        {"bn": "যার অনলাইন জন্ম নিবন্ধন আছে।", "en": "Anyone with an online birth registration."},
    ],
    "documents": [],
    "fees": {
        "government": [
            {"id": "copy", "label": {"bn": "অনুলিপি", "en": "Duplicate copy"}, "amount_bdt": 50},
        ],
        "service_charge": {"amount_bdt": None, "cap_bdt": None, "confirmed": False},
        "payment": {"methods": ["cash_at_office"]},
        "as_of": "2017-12-19",
        "source_ids": ["lgd-fee-notice-2017"],
        "confirmed": True,
    },
    "sla": {"working_days": None, "confirmed": False},
    "channels": ["self", "assisted"],
    "output": {
        "kind": "copy",
        "name": {"bn": "জন্ম নিবন্ধন সনদ", "en": "Birth registration certificate"},
    },
    "sources": [{"id": "lgd-fee-notice-2017", "kind": "news", "date": "2017-12-19",
                 "title": "The Financial Express: Govt lessens fees to register births, deaths"}],
    "form": {
        "type": "object",
        "additionalProperties": False,
        "x-ui": {"sections": [{"id": "main", "title": {"bn": "সনদ", "en": "Certificate"}}]},
        "required": ["brn", "date_of_birth", "language", "office_address"],
        "properties": {
            "brn": {"$ref": "../defs/bd.json#/definitions/brn",
                    "x-ui": {"label": {"bn": "জন্ম নিবন্ধন নম্বর", "en": "Birth registration number"},
                             "order": 1, "section": "main", "widget": "nid"}},
            "date_of_birth": {"$ref": "../defs/bd.json#/definitions/past_date",
                              "x-ui": {"label": {"bn": "জন্ম তারিখ", "en": "Date of birth"},
                                       "order": 2, "section": "main", "widget": "date"}},
            "language": {"type": "string", "enum": ["BN", "EN"],
                         "x-ui": {"label": {"bn": "সনদের ভাষা", "en": "Language"}, "order": 3,
                                  "section": "main", "widget": "radio",
                                  "options": {"BN": {"bn": "বাংলা", "en": "Bangla"},
                                              "EN": {"bn": "ইংরেজি", "en": "English"}}}},
            "office_address": {"$ref": "../defs/bd.json#/definitions/address",
                               "x-ui": {"label": {"bn": "নিবন্ধকের কার্যালয়ের এলাকা",
                                                  "en": "Registrar's area"},
                                        "order": 4, "section": "main", "widget": "address"}},
        },
    },
}

DUPLICATE_FORM = {
    "brn": "২০১৫১২৩৪৫৬৭৮৯০১২৩",
    "date_of_birth": "2015-06-18",
    "language": "EN",
    "office_address": {"division": "3", "district": "25", "area": "কুষ্টিয়া পৌরসভা"},
}


@pytest.fixture
def with_new_service(catalog_from) -> Any:
    def add_one_file(source: Path) -> None:
        path = source / "services" / f"{DUPLICATE_BIRTH_CERTIFICATE['id']}.json"
        text = json.dumps(DUPLICATE_BIRTH_CERTIFICATE, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")

    return catalog_from(add_one_file)


def test_a_new_schema_file_is_listed_searchable_and_served(with_new_service) -> None:
    client = with_new_service

    found = get_json(client, "/services?q=অনুলিপি")
    one = get_json(client, "/services/birth-registration-reprint")

    assert [s["id"] for s in found.json["services"]] == ["birth-registration-reprint"]
    assert one.status_code == 200
    assert one.json["agency_name"]["en"].startswith("Office of the Registrar General")
    counts = {c["id"]: c["services"] for c in get_json(client, "/categories").json["categories"]}
    before = [path for path in (ROOT / "schemas" / "services").glob("*.json")
              if json.loads(path.read_text(encoding="utf-8"))["category"] == "registration"]
    assert counts["registration"] == len(before) + 1


def test_a_new_schema_file_takes_applications_with_no_code_change(with_new_service) -> None:
    client = with_new_service

    response = submit(client, "birth-registration-reprint", DUPLICATE_FORM, 1, "new-00000001")

    assert response.status_code == 201, response.json
    assert response.json["tracking_id"].startswith("25")  # Kushtia, from the form's address
    assert queued("birth-death-registration") == [
        {"tracking_id": response.json["tracking_id"], "step": "forward"}]


def test_the_new_form_is_validated_like_any_other(with_new_service) -> None:
    broken = {**DUPLICATE_FORM, "language": "FR", "brn": "123"}

    response = submit(with_new_service, "birth-registration-reprint", broken, 1, "new-00000002")

    assert response.status_code == 422
    assert {(p["path"], p["code"]) for p in response.json["fields"]} == {
        ("form.brn", "brn"), ("form.language", "enum"),
    }
