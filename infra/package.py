"""Build a stage's deployable artifacts: ``build/<stage>/sam.json`` and ``deployment.zip``.

    .venv/bin/python infra/package.py --stage dev|staging|prod [--out DIR]

Generates the merge template from the code's definitions (``infra/cfn``), runs
``chalice package --merge-template`` in ``backend/`` with ``NAGORIK_STAGE`` set (the
workers' queue names are fixed when the app is imported), then checks the result:
every SQS and stream event source reports batch item failures, every function has its own role,
the zip holds the service schemas and nothing from tests/, pwa/ or infra/, and it
fits Lambda's size limits. Exits non-zero, saying why, when any check fails.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import py_compile
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

INFRA = Path(__file__).resolve().parent
ROOT = INFRA.parent
BACKEND = ROOT / "backend"
SCHEMAS = BACKEND / "chalicelib" / "schemas"
DEFAULT_REGION = "ap-south-1"

MIB = 1024 * 1024
# Lambda: 250 MB unzipped (function and layers together); 50 MB zipped is the limit for
# a direct upload only (CloudFormation deploys from S3), reported for information.
MAX_UNZIPPED_BYTES = 250 * MIB
DIRECT_UPLOAD_ZIPPED_BYTES = 50 * MIB
# Top-level paths that must never ship to Lambda.
FORBIDDEN_IN_ZIP = ("tests/", "pwa/", "infra/", "schemas/", "devtools/", "bench/", ".chalice/")


class PackageError(Exception):
    """The artifacts cannot be built or are not fit to deploy."""


def say(line: str) -> None:
    """One line of progress on stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def merge_template(stage: str) -> dict[str, Any]:
    """The merge template for ``stage``, from the code (imported here for that stage, with
    the environment its functions get, so settings read here are the deployed ones)."""
    for path in (BACKEND, INFRA):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from cfn.stage import load_stage, stage_environment

    os.environ.update(stage_environment(stage))
    os.environ["NAGORIK_STAGE"] = stage
    # Imported only now: the app registers its workers' queues when it is imported.
    from cfn import build_merge_template
    from cfn.inventory import inventory

    try:
        return build_merge_template(load_stage(stage), inventory(stage))
    except (KeyError, ValueError, RuntimeError) as error:
        raise PackageError(str(error).strip("'\"")) from error
    except ImportError as error:
        raise PackageError(f"the app does not import for stage {stage}: {error}") from error


def run_chalice(stage: str, template_path: Path, out: Path) -> None:
    """``chalice package`` for ``stage`` into ``out``."""
    chalice = Path(sys.executable).with_name("chalice")
    env = {**os.environ, "NAGORIK_STAGE": stage}
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION", DEFAULT_REGION))
    command = [str(chalice), "package", "--stage", stage,
               "--merge-template", str(template_path), str(out)]
    result = subprocess.run(  # noqa: S603 (a fixed command: our own venv's chalice)
        command, cwd=BACKEND, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise PackageError(f"chalice package failed:\n{result.stdout}{result.stderr}")


def check_template(template: dict[str, Any], merge: dict[str, Any]) -> None:
    """What the merge must have achieved in the final template."""
    resources = template["Resources"]
    problems = []
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        role = resource["Properties"].get("Role", {})
        role_id = role.get("Fn::GetAtt", [None])[0] if isinstance(role, dict) else None
        if role_id not in merge["Resources"]:
            problems.append(f"{logical_id} runs with a role the merge template did not set")
        for event_id, event in resource["Properties"].get("Events", {}).items():
            if event.get("Type") in ("SQS", "DynamoDB") and "ReportBatchItemFailures" not in event[
                "Properties"
            ].get("FunctionResponseTypes", []):
                problems.append(f"{logical_id}.{event_id} lacks ReportBatchItemFailures")
            if event.get("Type") is None:
                problems.append(f"{logical_id}.{event_id}: merged into no Chalice event")
    for logical_id in merge["Resources"]:
        if "Type" not in resources[logical_id]:
            problems.append(f"{logical_id}: the merge overrides a resource Chalice did not make")
    if problems:
        listing = "\n  ".join(problems)
        raise PackageError(f"the packaged template is not fit to deploy:\n  {listing}")


def check_zip(zip_path: Path) -> tuple[int, int]:
    """Zipped and unzipped sizes; ``PackageError`` for a wrong or oversized package."""
    with zipfile.ZipFile(zip_path) as archive:
        entries = archive.infolist()
    names = {entry.filename for entry in entries}
    shipped = sorted(name for name in names if name.startswith(FORBIDDEN_IN_ZIP))
    if shipped:
        raise PackageError(f"the zip contains files that must not ship: {shipped[:5]}")
    built = sorted(
        "chalicelib/schemas/" + path.relative_to(SCHEMAS).as_posix()
        for path in SCHEMAS.rglob("*") if path.is_file()
    )
    missing = [name for name in built if name not in names]
    if not built or missing:
        raise PackageError(f"the zip lacks the service schemas: {missing[:5] or 'none built'}")
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise PackageError(
            f"{unzipped / MIB:.1f} MiB unzipped: over Lambda's {MAX_UNZIPPED_BYTES // MIB} MiB"
        )
    return zip_path.stat().st_size, unzipped


def add_bytecode(zip_path: Path) -> int:
    """Compile every module in the zip into it, as ``unchecked-hash`` bytecode; returns how
    many. Lambda's ``/var/task`` is read-only, so a function that ships only sources
    compiles each module again on every cold start. ``unchecked-hash`` because the zip
    does not keep the sources' times exactly, and what ships never changes in place. Built
    by this interpreter, which must be the functions' runtime (``python3.13``)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(zip_path) as archive:
            modes = {entry.filename: entry.external_attr for entry in archive.infolist()}
            archive.extractall(root)
        ok = compileall.compile_dir(
            root, quiet=2, workers=0, force=True, stripdir=str(root), prependdir="/var/task",
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        if not ok:
            raise PackageError("a module in the package does not compile")
        compiled = 0
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(item for item in root.rglob("*") if item.is_file()):
                name = path.relative_to(root).as_posix()
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = modes.get(name, 0o644 << 16)
                archive.writestr(info, path.read_bytes())
                compiled += name.endswith(".pyc")
        return compiled


def package(stage: str, out: Path) -> Path:
    """Build and check ``stage``'s artifacts in ``out``; returns the SAM template's path."""
    if not (SCHEMAS / "index.json").is_file():
        raise PackageError(f"{SCHEMAS} is not built: run `make catalog` first")
    merge = merge_template(stage)
    out.mkdir(parents=True, exist_ok=True)
    merge_path = out / "merge-template.json"
    merge_path.write_text(json.dumps(merge, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    run_chalice(stage, merge_path, out)
    sam_path = out / "sam.json"
    check_template(json.loads(sam_path.read_text(encoding="utf-8")), merge)
    say(f"deployment.zip: {add_bytecode(out / 'deployment.zip')} modules compiled in")
    zipped, unzipped = check_zip(out / "deployment.zip")
    direct = "fits" if zipped <= DIRECT_UPLOAD_ZIPPED_BYTES else "exceeds"
    say(f"{sam_path.relative_to(ROOT) if sam_path.is_relative_to(ROOT) else sam_path}: "
        f"{len(json.loads(sam_path.read_text(encoding='utf-8'))['Resources'])} resources")
    say(f"deployment.zip: {zipped / MIB:.1f} MiB zipped ({direct} the 50 MiB direct-upload "
        f"limit), {unzipped / MIB:.1f} MiB unzipped (Lambda limit 250 MiB)")
    return sam_path


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, help="a stage of chalice.json")
    parser.add_argument("--out", type=Path, help="output directory (default: build/<stage>)")
    args = parser.parse_args(argv)
    out = (args.out or ROOT / "build" / args.stage).resolve()
    try:
        package(args.stage, out)
    except PackageError as error:
        sys.stderr.write(f"package: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
