"""The deployment package: what ships to Lambda, and what must not."""

from __future__ import annotations

import zipfile

import pytest

from tests.infra.conftest import ROOT, Packaged

SCHEMAS = ROOT / "backend" / "chalicelib" / "schemas"
MIB = 1024 * 1024


def test_zip_ships_the_service_schemas_and_no_project_tooling(stage: Packaged) -> None:
    # GIVEN the stage's deployment.zip
    with zipfile.ZipFile(stage.zip) as archive:
        names = set(archive.namelist())
        unzipped = sum(entry.file_size for entry in archive.infolist())
    # THEN the app and every built schema are inside (the API reads them at run time)
    schemas = {
        "chalicelib/schemas/" + path.relative_to(SCHEMAS).as_posix()
        for path in SCHEMAS.rglob("*.json")
    }
    assert {"app.py", "chalicelib/schemas/index.json"} <= names
    assert any(name.startswith("chalicelib/schemas/services/") for name in schemas)
    assert schemas <= names
    # AND nothing from tests/, pwa/, infra/, the schema sources or the dev tools
    tooling = ("tests/", "pwa/", "infra/", "schemas/", "devtools/", "bench/", "node_modules/")
    assert sorted(name for name in names if name.startswith(tooling)) == []
    # AND it fits Lambda's limit of 250 MB unzipped
    assert unzipped < 250 * MIB


def test_make_package_prints_the_package_size(stage: Packaged) -> None:
    # GIVEN what `make package` printed WHEN the build succeeded
    size = f"{stage.zip.stat().st_size / MIB:.1f} MiB zipped"
    # THEN the zip's real size is in it, for whoever reads the build log
    assert size in stage.stdout


def test_packaging_refuses_a_worker_without_partial_batch_responses() -> None:
    from package import PackageError, check_template

    # GIVEN a packaged template whose SQS event lost ReportBatchItemFailures
    template = {"Resources": {
        "DispatchPolice": {"Type": "AWS::Serverless::Function", "Properties": {
            "Role": {"Fn::GetAtt": ["DispatchPoliceRole", "Arn"]},
            "Events": {"DispatchPoliceSqsEventSource": {
                "Type": "SQS", "Properties": {"Queue": "arn", "BatchSize": 10},
            }},
        }},
        "DispatchPoliceRole": {"Type": "AWS::IAM::Role", "Properties": {}},
    }}
    merge = {"Resources": {"DispatchPoliceRole": {}}}
    # THEN the build stops, naming the function
    with pytest.raises(PackageError, match=r"DispatchPolice.*ReportBatchItemFailures"):
        check_template(template, merge)


def test_packaging_refuses_a_function_left_on_a_role_it_did_not_set() -> None:
    from package import PackageError, check_template

    template = {"Resources": {
        "NewJob": {"Type": "AWS::Serverless::Function", "Properties": {
            "Role": {"Fn::GetAtt": ["NewJobRole", "Arn"]},
        }},
        "NewJobRole": {"Type": "AWS::IAM::Role", "Properties": {}},
    }}
    with pytest.raises(PackageError, match="NewJob runs with a role"):
        check_template(template, {"Resources": {}})



def test_zip_ships_every_module_compiled_so_a_cold_start_does_not_compile(stage: Packaged) -> None:
    import importlib.util

    # GIVEN the stage's deployment.zip
    with zipfile.ZipFile(stage.zip) as archive:
        names = set(archive.namelist())
        app_pyc = archive.read(importlib.util.cache_from_source("app.py"))
    # THEN every module has its bytecode beside it, for this runtime's interpreter
    sources = sorted(name for name in names if name.endswith(".py"))
    assert len(sources) > 100
    assert [name for name in sources if importlib.util.cache_from_source(name) not in names] == []
    # AND it is valid without the sources' times (the zip does not keep them exactly):
    # an unchecked hash-based file (flags 0b01), made by this Python
    assert app_pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(app_pyc[4:8], "little") == 0b01
