"""The catalog build refuses broken schemas, naming the file and the problem.

Each test works on a temporary copy of ``schemas/``, breaks one thing the way a
person editing a service file might, and checks what the build says (and that
``make catalog`` would exit non-zero). The real schemas must build cleanly.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools import catalog_build
from devtools.catalog_build import BuildFailed, build, write
from tests.helpers import ROOT

SERVICES = ROOT / "schemas" / "services"
Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A private copy of schemas/ to break."""
    copy = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", copy, ignore=shutil.ignore_patterns("examples"))
    return copy


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def edit_service(source: Path, service_id: str, change: Edit) -> str:
    """Change one service file in place; return its name as problems show it."""
    path = source / "services" / f"{service_id}.json"
    document = read(path)
    change(document)
    save(path, document)
    return f"schemas/services/{service_id}.json"


def problems_of(source: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(source)
    return failed.value.problems


def test_the_real_schemas_build_into_a_bundled_catalog(tmp_path: Path) -> None:
    # GIVEN the schemas as committed WHEN built and written
    catalog = build()
    write(catalog, tmp_path / "out")

    # THEN every service file is in the index, and each written form is self-contained
    ids = {path.stem for path in SERVICES.glob("*.json")}
    index = read(tmp_path / "out" / "index.json")
    assert {service["id"] for service in index["services"]} == ids
    assert len(ids) >= 30
    assert index["etag"]
    for service_id in ids:
        text = (tmp_path / "out" / "services" / f"{service_id}.json").read_text(encoding="utf-8")
        assert '"$ref"' not in text, f"{service_id} still has a $ref after bundling"


def test_every_category_has_services() -> None:
    index = build()["index"]
    used = {service["category"] for service in index["services"]}
    assert used == {category["id"] for category in index["categories"]}


def test_a_meta_schema_violation_names_the_file_and_the_missing_key(source: Path) -> None:
    name = edit_service(source, "nid-reissue", lambda doc: doc.pop("fees"))

    problems = problems_of(source)

    assert any(p.startswith(f"{name}: ") and "'fees' is a required property" in p for p in problems)


def test_a_wrong_type_in_the_metadata_is_refused(source: Path) -> None:
    name = edit_service(source, "soil-test", lambda doc: doc["sla"].update(working_days="seven"))

    problems = problems_of(source)

    assert any(p.startswith(f"{name}: sla/working_days") for p in problems), problems


def test_an_unresolved_ref_names_the_file_and_the_reference(source: Path) -> None:
    def point_nowhere(doc: dict[str, Any]) -> None:
        doc["form"]["properties"]["nid"]["$ref"] = "../defs/bd.json#/definitions/voter_id"

    name = edit_service(source, "nid-correction", point_nowhere)

    problems = problems_of(source)

    assert any(
        p.startswith(f"{name}: ") and "voter_id" in p and "does not resolve" in p for p in problems
    ), problems


def test_a_ref_to_a_missing_file_is_refused(source: Path) -> None:
    def other_file(doc: dict[str, Any]) -> None:
        doc["form"]["properties"]["nid"]["$ref"] = "../defs/bd-old.json#/definitions/nid"

    name = edit_service(source, "nid-correction", other_file)

    assert any(p.startswith(f"{name}: ") and "does not resolve" in p for p in problems_of(source))


def test_duplicate_service_ids_are_refused(source: Path) -> None:
    # GIVEN a second file that claims an id already taken
    shutil.copy(source / "services" / "police-clearance.json", source / "services" / "pcc.json")

    problems = problems_of(source)

    assert any("duplicate service id 'police-clearance'" in p for p in problems), problems
    assert any(p.startswith("schemas/services/pcc.json: ") for p in problems)


def test_duplicate_document_ids_inside_a_service_are_refused(source: Path) -> None:
    name = edit_service(
        source, "land-mutation", lambda doc: doc["documents"].append(dict(doc["documents"][0]))
    )

    assert any(
        p.startswith(f"{name}: ") and "duplicate id 'deed' in documents" in p
        for p in problems_of(source)
    )


def test_a_field_without_a_bangla_label_is_refused(source: Path) -> None:
    def english_only(doc: dict[str, Any]) -> None:
        doc["form"]["properties"]["cause_of_death"]["x-ui"]["label"]["bn"] = "Cause of death"

    name = edit_service(source, "death-registration", english_only)

    problems = problems_of(source)

    assert any(
        p.startswith(f"{name}: ") and "cause_of_death" in p and "label" in p for p in problems
    ), problems


def test_a_shared_definition_without_a_bangla_label_is_named_in_every_service_using_it(
    source: Path,
) -> None:
    # GIVEN the address definition's district label loses its Bangla (the meta-schema
    # cannot see inside definitions; the check runs on the bundled forms)
    defs_path = source / "defs" / "bd.json"
    defs = read(defs_path)
    defs["definitions"]["address"]["properties"]["district"]["x-ui"]["label"]["bn"] = "District"
    save(defs_path, defs)

    problems = problems_of(source)

    assert any(
        p.startswith("schemas/services/birth-registration-new.json: ")
        and "field 'permanent_address.district' has no Bangla label" in p
        for p in problems
    ), problems


def test_a_list_row_without_a_bangla_label_is_refused(source: Path) -> None:
    def unlabelled_row(doc: dict[str, Any]) -> None:
        row = doc["form"]["properties"]["heirs"]["items"]["properties"]["age"]
        row["x-ui"]["label"] = {"bn": "Age", "en": "Age"}

    name = edit_service(source, "warish-certificate", unlabelled_row)

    assert any(p.startswith(f"{name}: ") and "heirs" in p for p in problems_of(source))


def test_options_without_labels_are_refused(source: Path) -> None:
    def new_option(doc: dict[str, Any]) -> None:
        doc["form"]["properties"]["delivery_mode"]["enum"].append("EMAIL")

    name = edit_service(source, "khatian-certified-copy", new_option)

    expected = f"{name}: field 'delivery_mode' has no label for options ['EMAIL']"
    assert expected in problems_of(source)


def test_the_document_checklist_must_match_the_documents_list(source: Path) -> None:
    def forget_one(doc: dict[str, Any]) -> None:
        doc["form"]["properties"]["documents"]["items"]["enum"].remove("challan")

    name = edit_service(source, "police-clearance", forget_one)

    assert any(
        p.startswith(f"{name}: field 'documents' lists documents") for p in problems_of(source)
    )


def test_unknown_clean_up_rules_and_problem_codes_are_refused(source: Path) -> None:
    def unknown_words(doc: dict[str, Any]) -> None:
        field = doc["form"]["properties"]["khatian_number"]
        field["x-normalise"] = "bangla-digits"
        field["x-problem"] = "khatian"

    name = edit_service(source, "land-mutation", unknown_words)

    problems = problems_of(source)

    mine = [p for p in problems if p.startswith(f"{name}: ")]
    assert any("unknown x-normalise 'bangla-digits'" in p for p in mine), problems
    assert any("unknown x-problem 'khatian'" in p for p in mine), problems


def test_an_unknown_format_is_refused(source: Path) -> None:
    def new_format(doc: dict[str, Any]) -> None:
        doc["form"]["properties"]["holding_number"] = {
            "type": "string", "format": "bd-holding",
            "x-ui": {"label": {"bn": "হোল্ডিং নম্বর", "en": "Holding number"}, "order": 11,
                     "section": "residence", "widget": "text"},
        }

    name = edit_service(source, "citizenship-certificate", new_format)

    problems = problems_of(source)
    assert any(p.startswith(f"{name}: ") and "unknown format 'bd-holding'" in p for p in problems)


def test_a_required_field_the_form_lacks_is_refused(source: Path) -> None:
    name = edit_service(source, "soil-test", lambda doc: doc["form"]["required"].append("crop"))

    assert f"{name}: the form requires 'crop', which it does not have" in problems_of(source)


def test_a_compatible_version_must_be_older_than_the_current_one(source: Path) -> None:
    name = edit_service(source, "farmer-card", lambda doc: doc.update(compatible_versions=[1, 2]))

    problems = problems_of(source)

    assert any(p.startswith(f"{name}: compatible version 1 is not older") for p in problems)
    assert any(p.startswith(f"{name}: compatible version 2 is not older") for p in problems)


def test_an_unknown_agency_or_category_is_refused(source: Path) -> None:
    def elsewhere(doc: dict[str, Any]) -> None:
        doc["agency"] = "ministry-of-magic"
        doc["category"] = "wizardry"

    name = edit_service(source, "vaccination-certificate", elsewhere)

    problems = problems_of(source)

    assert any(p.startswith(f"{name}: unknown agency 'ministry-of-magic'") for p in problems)
    assert f"{name}: unknown category 'wizardry'" in problems


def test_a_cited_source_must_exist(source: Path) -> None:
    name = edit_service(
        source, "old-age-allowance", lambda doc: doc["benefit"]["source_ids"].append("rumour")
    )

    assert f"{name}: cites source 'rumour', which 'sources' lacks" in problems_of(source)


def test_a_list_must_be_an_array_of_objects(source: Path) -> None:
    def flatten(doc: dict[str, Any]) -> None:
        passengers = doc["form"]["properties"]["passengers"]
        passengers["items"] = {"type": "string"}

    name = edit_service(source, "train-ticket-intercity", flatten)

    expected = f"{name}: field 'passengers' is a list but not an array of objects"
    assert expected in problems_of(source)


def test_a_file_that_is_not_json_is_named(source: Path) -> None:
    (source / "services" / "half-written.json").write_text('{"id": "half', encoding="utf-8")

    problems = problems_of(source)
    assert any(p.startswith("schemas/services/half-written.json: not valid JSON") for p in problems)


def test_the_command_line_exits_non_zero_and_lists_the_problems(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_service(source, "nid-reissue", lambda doc: doc.pop("fees"))
    out = tmp_path / "out"

    code = catalog_build.main(["--source", str(source), "--out", str(out)])

    assert code == 1
    assert "schemas/services/nid-reissue.json" in capsys.readouterr().err
    assert not out.exists()  # nothing half-written


def test_a_number_without_bounds_and_a_list_without_a_limit_are_refused(source: Path) -> None:
    def unbounded(doc: dict[str, Any]) -> None:
        del doc["form"]["properties"]["birth_order"]["maximum"]
        doc["form"]["properties"]["nicknames"] = {
            "type": "array", "items": {"type": "string", "maxLength": 40},
            "x-ui": {"label": {"bn": "ডাকনাম", "en": "Nicknames"}, "order": 19,
                     "section": "person", "widget": "list"},
        }

    name = edit_service(source, "birth-registration-new", unbounded)

    problems = problems_of(source)
    assert (f"{name}: properties/birth_order: a number needs both a minimum and a maximum"
            in problems)
    assert f"{name}: properties/nicknames: a list needs maxItems" in problems
