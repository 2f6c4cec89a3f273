"""Check every schema file and build the catalog the API and the web app read.

    python -m devtools.catalog_build [--source ../schemas] [--out DIR ...]

Checks (each failure names the file and the problem; any failure exits non-zero):
the meta-schema, file name = id, duplicate ids (services, categories, and the
documents, fees, sources and sections inside a service), known category and agency,
source ids that exist, compatible versions older than the current one, every
``$ref`` resolving, ``$ref`` siblings limited to ``x-`` annotations, a Bangla and
English label on every field (list rows included), labels for every option, known
clean-up rules, problem codes and formats, required fields that exist, the document
checklist matching the documents list, sections that exist, conditional fields
that exist, and fee rules, cross-field rules and time limits per option that name
rows, fields and options that exist (``devtools/rule_checks.py``).

Writes to each output directory:
``index.json`` (categories, every service's summary, the search vocabulary, an
ETag), ``services/<id>.json`` (the service with its form bundled: every ``$ref``
inlined, so a validator needs no resolver and the server and the browser validate the
very same document) and
``meta/submission.json`` / ``meta/decision.json`` (the API bodies, bundled).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7

from chalicelib import geo
from chalicelib.agencies.registry import agency_ids, get_agency
from chalicelib.domain.catalog import summary_of
from chalicelib.domain.messages import ERRORS, FIELD_ERRORS
from chalicelib.validation import FORMAT_CHECKS, NORMALISERS, form_schema_validator
from devtools.quick_checks import quick_check_source
from devtools.rule_checks import rule_problems

BASE_URI = "https://nagorik-sheba.invalid/schemas/"  # an identifier, never fetched
BACKEND = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = BACKEND.parent / "schemas"
DEFAULT_OUT = BACKEND / "chalicelib" / "schemas"
META_BODIES = ("submission", "decision", "response", "code-request", "code-check", "sign-in",
               "refresh", "callback")
CHOICE_WIDGETS = ("select", "radio")
MULTI_CHOICE_WIDGETS = ("checkbox",)
MAX_REF_DEPTH = 16


class BuildFailed(Exception):
    """The schemas have problems; ``problems`` lists each as ``file: what``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Sources:
    """Everything read from the schemas directory."""

    root: Path
    documents: dict[Path, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def name(self, path: Path) -> str:
        """A file's path as the problem list shows it."""
        return str(path.relative_to(self.root.parent)) if self.root.parent in path.parents \
            else str(path)

    def problem(self, path: Path, message: str) -> None:
        """Record a problem with a file."""
        self.problems.append(f"{self.name(path)}: {message}")

    def uri(self, path: Path) -> str:
        """The identifier a file is registered under."""
        return BASE_URI + path.relative_to(self.root).as_posix()


def read_sources(root: Path) -> Sources:
    """Parse every JSON file under ``root`` (examples excluded)."""
    sources = Sources(root)
    for path in sorted(root.rglob("*.json")):
        if "examples" in path.relative_to(root).parts:
            continue
        try:
            sources.documents[path] = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            sources.problem(path, f"not valid JSON: {error}")
    return sources


def registry_of(sources: Sources) -> Registry:
    """Every schema file registered by its identifier, as draft-07."""
    return Registry().with_resources(
        (sources.uri(path), Resource.from_contents(document, default_specification=DRAFT7))
        if not isinstance(document, dict) or "$schema" not in document
        or document["$schema"].startswith("http://json-schema.org/")
        else (sources.uri(path), DRAFT7.create_resource(document))
        for path, document in sources.documents.items()
    )


def bundle(node: Any, resolver: Any, where: str, problems: list[str], depth: int = 0) -> Any:
    """``node`` with every ``$ref`` replaced by its target (siblings kept on top)."""
    if isinstance(node, list):
        return [bundle(item, resolver, where, problems, depth) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" not in node or not isinstance(node["$ref"], str):
        return {key: bundle(value, resolver, where, problems, depth) for key, value in node.items()}
    reference = node["$ref"]
    siblings = {key: value for key, value in node.items() if key != "$ref"}
    foreign = sorted(key for key in siblings if not key.startswith("x-"))
    if foreign:
        problems.append(
            f"{where}: keywords beside $ref {reference!r} are ignored by draft-07: {foreign} "
            "(wrap the $ref in allOf or move them into the definition)"
        )
    target = _target(reference, resolver, where, problems, depth)
    if target is None:
        return siblings
    merged = {key: value for key, value in target.items() if key not in ("definitions", "$schema")}
    merged.update(bundle(siblings, resolver, where, problems, depth))
    return merged


def _target(
    reference: str, resolver: Any, where: str, problems: list[str], depth: int
) -> dict[str, Any] | None:
    """What a ``$ref`` points at, bundled; ``None`` (and a problem) when it cannot be used."""
    if depth > MAX_REF_DEPTH:
        problems.append(f"{where}: $ref {reference!r} nests too deeply (a cycle?)")
        return None
    try:
        resolved = resolver.lookup(reference)
    except Unresolvable as error:
        problems.append(f"{where}: $ref {reference!r} does not resolve ({error})")
        return None
    target = bundle(resolved.contents, resolved.resolver, where, problems, depth + 1)
    if not isinstance(target, dict):
        problems.append(f"{where}: $ref {reference!r} does not point at a schema")
        return None
    return target


def _fields(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every field, nested ones included; the rows of a list appear as ``list.*.field``."""
    for name, spec in (schema.get("properties") or {}).items():
        if isinstance(spec, dict):
            here = f"{path}.{name}" if path else name
            yield here, spec
            yield from _fields(spec, here)
            items = spec.get("items")
            if isinstance(items, dict) and "properties" in items:
                yield from _fields(items, f"{here}.*")


NAMED_SCHEMAS = ("properties", "definitions")  # keywords whose keys are names, not keywords
PLAIN_VALUES = ("x-ui", "x-options", "enum", "const", "required", "default", "examples")


def _keywords(node: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """Every ``(where, keyword, value)`` in a schema, for the vocabulary checks."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _keywords(item, f"{path}/{index}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        here = f"{path}/{key}" if path else key
        yield path, key, value
        if key in NAMED_SCHEMAS and isinstance(value, dict):
            for name, schema in value.items():
                yield from _keywords(schema, f"{here}/{name}")
        elif key not in PLAIN_VALUES:
            yield from _keywords(value, here)


def check_vocabulary(form: dict[str, Any]) -> list[str]:
    """Clean-up rules, problem codes and formats the server and the web app both know."""
    problems: list[str] = []
    known = {
        "x-normalise": set(NORMALISERS),
        "x-problem": set(FIELD_ERRORS),
        "format": set(FORMAT_CHECKS),
    }
    for where, keyword, value in _keywords(form):
        if keyword in known and value not in known[keyword]:
            problems.append(
                f"{where or '(form)'}: unknown {keyword} {value!r} "
                f"(known: {sorted(known[keyword])})"
            )
    return problems


def _check_required(schema: dict[str, Any], path: str, problems: list[str]) -> None:
    names = schema.get("properties") or {}
    for name in schema.get("required", []):
        if name not in names:
            where = f"field {path!r}" if path else "the form"
            problems.append(f"{where} requires {name!r}, which it does not have")
    for name, spec in names.items():
        if isinstance(spec, dict):
            here = f"{path}.{name}" if path else name
            _check_required(spec, here, problems)
            items = spec.get("items")
            if isinstance(items, dict) and "properties" in items:
                _check_required(items, f"{here}.*", problems)


def _duplicates(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    repeated: set[Any] = set()
    for value in values:
        (repeated if value in seen else seen).add(value)
    return sorted(repeated, key=str)


def check_document(document: dict[str, Any]) -> list[str]:
    """Problems with a service's metadata that the meta-schema cannot express."""
    problems: list[str] = []
    lists = {
        "documents": [doc["id"] for doc in document["documents"]],
        "fees": [fee["id"] for fee in document["fees"]["government"]],
        "sources": [source["id"] for source in document["sources"]],
        "form sections": [section["id"] for section in document["form"]["x-ui"]["sections"]],
    }
    for what, ids in lists.items():
        for duplicate in _duplicates(ids):
            problems.append(f"duplicate id {duplicate!r} in {what}")
    for older in document.get("compatible_versions", []):
        if older >= document["version"]:
            problems.append(
                f"compatible version {older} is not older than the current version "
                f"{document['version']}"
            )
    cited = [
        *document["fees"]["source_ids"],
        *document["sla"].get("source_ids", []),
        *document.get("benefit", {}).get("source_ids", []),
    ]
    for cited_id in cited:
        if cited_id not in lists["sources"]:
            problems.append(f"cites source {cited_id!r}, which 'sources' lacks")
    return problems


def _options_problems(path: str, spec: dict[str, Any], ui: dict[str, Any], values: list[Any],
                      kind: str) -> list[str]:
    options = {**spec.get("x-options", {}), **ui.get("options", {})}
    if not values:
        return [f"field {path!r} is a {kind} without an enum"]
    missing = [value for value in values if value not in options]
    return [f"field {path!r} has no label for options {missing}"] if missing else []


def _label_problems(path: str, ui: dict[str, Any], sections: set[str]) -> list[str]:
    problems = []
    label = ui["label"]
    if not any("\u0980" <= char <= "\u09ff" for char in label.get("bn", "")):
        problems.append(f"field {path!r} has no Bangla label")
    if not label.get("en"):
        problems.append(f"field {path!r} has no English label")
    if "." not in path and ui.get("section") not in sections:
        problems.append(
            f"field {path!r} is in section {ui.get('section')!r}, which is not defined"
        )
    return problems


def _widget_problems(
    path: str, spec: dict[str, Any], ui: dict[str, Any], in_address: bool, documents: list[str]
) -> list[str]:
    """What is wrong with how a field asks to be shown, given its schema."""
    widget = ui.get("widget")
    items: dict[str, Any] = spec["items"] if isinstance(spec.get("items"), dict) else {}
    values = spec.get("enum") or items.get("enum") or []
    if widget in MULTI_CHOICE_WIDGETS and spec.get("type") == "array":
        return _options_problems(path, spec, ui, values, f"multiple-choice {widget}")
    if widget in CHOICE_WIDGETS and not in_address:
        return _options_problems(path, spec, ui, values, widget)
    rows = items.get("properties")
    if widget == "district" and spec.get("x-geo-area") != "district":
        return [f"field {path!r} is a district list but not of the 'district' definition"]
    if widget == "list" and (spec.get("type") != "array" or not isinstance(rows, dict)):
        return [f"field {path!r} is a list but not an array of objects"]
    if widget == "documents" and sorted(items.get("enum", [])) != sorted(documents):
        return [
            f"field {path!r} lists documents {items.get('enum', [])}, but the service's "
            f"documents are {documents}"
        ]
    return []


def _conditional_problems(form: dict[str, Any]) -> list[str]:
    problems = []
    for clause in form.get("allOf", []):
        for key in ("if", "then", "else"):
            part = clause.get(key, {}) if isinstance(clause, dict) else {}
            for name in [*part.get("required", []), *part.get("properties", {})]:
                if name not in form.get("properties", {}):
                    problems.append(f"conditional refers to field {name!r}, which the form lacks")
    return problems


def _schemas(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema with a ``type``, wherever it sits (conditions and lists included)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _schemas(item, f"{path}/{index}")
    elif isinstance(node, dict):
        if "type" in node:
            yield path or "(form)", node
        for key, value in node.items():
            if key not in PLAIN_VALUES:
                yield from _schemas(value, f"{path}/{key}" if path else key)


def _kinds(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind}


def check_bounds(form: dict[str, Any]) -> list[str]:
    """Every number has a least and a greatest value, every list a longest length.

    A number field without bounds would store whatever a client sends (1e308), and a
    list without a limit lets one request carry tens of thousands of entries. A list
    of distinct choices from a fixed set is bounded by the set.
    """
    problems = []
    for where, schema in _schemas(form):
        kinds = _kinds(schema)
        fixed = "enum" in schema or "const" in schema
        if kinds & {"number", "integer"} and not fixed:
            low = "minimum" in schema or "exclusiveMinimum" in schema
            high = "maximum" in schema or "exclusiveMaximum" in schema
            if not (low and high):
                problems.append(f"{where}: a number needs both a minimum and a maximum")
        items = schema.get("items")
        distinct_choices = (schema.get("uniqueItems") and isinstance(items, dict)
                            and "enum" in items)
        if "array" in kinds and "maxItems" not in schema and not distinct_choices:
            problems.append(f"{where}: a list needs maxItems")
    return problems


def check_form(form: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """Problems a service form has that the meta-schema cannot see (after bundling)."""
    problems: list[str] = []
    try:
        form_schema_validator().check_schema(form)
    except SchemaError as error:
        problems.append(f"form is not a valid draft-07 schema: {error.message}")
    sections = {section["id"] for section in form.get("x-ui", {}).get("sections", [])}
    documents = [doc["id"] for doc in document.get("documents", [])]
    addresses: set[str] = set()
    for path, spec in _fields(form):
        ui = spec.get("x-ui")
        if not isinstance(ui, dict) or not isinstance(ui.get("label"), dict):
            problems.append(f"field {path!r} has no label")
            continue
        if ui.get("widget") == "address":
            addresses.add(path)
        in_address = path.rpartition(".")[0] in addresses
        problems += _label_problems(path, ui, sections)
        problems += _widget_problems(path, spec, ui, in_address, documents)
    problems += _conditional_problems(form)
    problems += check_bounds(form)
    _check_required(form, "", problems)
    problems += check_vocabulary(form)
    return problems


@dataclass
class Checker:
    """Checks service files one at a time against everything they must agree with."""

    sources: Sources
    registry: Registry
    meta: Draft7Validator
    category_ids: set[str]
    agency_ids: set[str]
    services: dict[str, dict[str, Any]] = field(default_factory=dict)

    def service(self, path: Path, document: Any) -> None:
        """Check one service file; keep it, bundled, when its metadata is sound."""
        errors = sorted(self.meta.iter_errors(document), key=lambda error: list(error.path))
        for error in errors:
            where = "/".join(map(str, error.absolute_path)) or "(top)"
            self.sources.problem(path, f"{where}: {error.message}")
        if errors or not isinstance(document, dict):
            return
        for problem in self._identity_problems(path, document):
            self.sources.problem(path, problem)
        bundle_problems: list[str] = []
        resolver = self.registry.resolver(base_uri=self.sources.uri(path))
        form = bundle(document["form"], resolver, "form", bundle_problems)
        checks = [*check_form(form, document), *rule_problems(document, form)]
        for problem in [*bundle_problems, *checks]:
            self.sources.problem(path, problem)
        bundled = {key: value for key, value in document.items() if key != "$schema"}
        bundled["form"] = form
        agency = get_agency(document["agency"])
        bundled["agency_name"] = agency.name._asdict() if agency else None
        self.services[document["id"]] = bundled

    def _identity_problems(self, path: Path, document: dict[str, Any]) -> list[str]:
        service_id = document["id"]
        problems = []
        if path.stem != service_id:
            problems.append(f"id {service_id!r} does not match the file name")
        if service_id in self.services:
            problems.append(f"duplicate service id {service_id!r}")
        if document["category"] not in self.category_ids:
            problems.append(f"unknown category {document['category']!r}")
        if document["agency"] not in self.agency_ids:
            problems.append(
                f"unknown agency {document['agency']!r} (agencies.json has "
                f"{sorted(self.agency_ids)})"
            )
        return [*problems, *check_document(document)]

    def meta_bodies(self, source: Path) -> dict[str, Any]:
        """The API body schemas, bundled."""
        bodies = {}
        for name in META_BODIES:
            body_path = source / "meta" / f"{name}.schema.json"
            if body_path not in self.sources.documents:
                self.sources.problem(body_path, "missing")
                continue
            problems: list[str] = []
            resolver = self.registry.resolver(base_uri=self.sources.uri(body_path))
            bodies[name] = bundle(self.sources.documents[body_path], resolver, name, problems)
            problems += check_bounds(bodies[name])
            for problem in problems:
                self.sources.problem(body_path, problem)
        return bodies


def search_vocabulary(sources: Sources, path: Path) -> dict[str, Any]:
    """``schemas/search.json`` without its description (none: an empty vocabulary)."""
    raw = sources.documents.get(path, {})
    if not isinstance(raw, dict):
        sources.problem(path, "must be a JSON object")
        return {}
    fillers = raw.get("fillers", {})
    groups = raw.get("equivalents", [])
    if not (isinstance(fillers, dict) and all(
            isinstance(words, list) and all(isinstance(w, str) for w in words)
            for words in fillers.values())):
        sources.problem(path, "'fillers' must map a language to a list of words")
    if not (isinstance(groups, list) and all(
            isinstance(group, list) and len(group) > 1 and all(isinstance(w, str) for w in group)
            for group in groups)):
        sources.problem(path, "'equivalents' must be a list of groups of two or more spellings")
    return {"fillers": fillers, "equivalents": groups}


def build(source: Path = DEFAULT_SOURCE) -> dict[str, Any]:
    """Check everything; return ``{"index", "services", "meta"}`` ready to write.

    Raises ``BuildFailed`` listing every problem found, each as ``file: what``.
    """
    sources = read_sources(source)
    meta_path = source / "meta" / "service.schema.json"
    categories_path = source / "categories.json"
    meta = sources.documents.get(meta_path)
    if meta is None:
        sources.problem(meta_path, "missing")
        raise BuildFailed(sources.problems)
    categories = (sources.documents.get(categories_path) or {}).get("categories", [])
    for duplicate in _duplicates([category["id"] for category in categories]):
        sources.problem(categories_path, f"duplicate category id {duplicate!r}")
    checker = Checker(
        sources, registry_of(sources), Draft7Validator(meta),
        {category["id"] for category in categories}, set(agency_ids()),
    )
    for path, document in sources.documents.items():
        if path.parent == source / "services":
            checker.service(path, document)
    meta_bodies = checker.meta_bodies(source)
    if sources.problems:
        raise BuildFailed(sources.problems)
    ordered = sorted(checker.services.values(), key=lambda doc: doc["id"])
    index: dict[str, Any] = {
        "categories": sorted(categories, key=lambda category: category["order"]),
        "services": [summary_of(document) for document in ordered],
        # the search's fillers and equivalent spellings, for the server and the web app
        "search": search_vocabulary(sources, source / "search.json"),
    }
    digest = hashlib.sha256(
        json.dumps([index, ordered, meta_bodies], sort_keys=True).encode()
    ).hexdigest()
    index["etag"] = digest[:20]
    meta_bodies["messages"] = {  # the server's sentences, for the web app to show offline
        "errors": {code: text._asdict() for code, text in ERRORS.items()},
        "fields": {code: text._asdict() for code, text in FIELD_ERRORS.items()},
    }
    checks = {service_id: quick_check_source(document["form"])
              for service_id, document in checker.services.items()}
    checks.update({f"meta-{name}": quick_check_source(body) for name, body in meta_bodies.items()
                   if name != "messages"})
    return {"index": index, "services": checker.services, "meta": meta_bodies, "checks": checks}


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def write(catalog: dict[str, Any], out: Path) -> bool:
    """Replace ``out`` with the built catalog, unless it holds this very build already;
    whether it wrote.

    Under a lock, and only when something changed: processes that build the catalog at
    once (two test processes, ``make dev`` started by a test) never see it half-written,
    and a reader never finds it gone.
    """
    import fcntl

    digest = hashlib.sha256(
        json.dumps(catalog, sort_keys=True, default=str).encode()).hexdigest()
    marker = out / ".digest"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.with_name(out.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and marker.read_text() == digest:
            return False
        _replace(catalog, out)
        marker.write_text(digest)
    return True


def _replace(catalog: dict[str, Any], out: Path) -> None:
    staging = out.with_name(out.name + ".tmp")
    if staging.exists():
        shutil.rmtree(staging)
    _write_json(staging / "index.json", catalog["index"])
    for name, source in catalog.get("checks", {}).items():
        path = staging / "checks" / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for service_id, document in catalog["services"].items():
        _write_json(staging / "services" / f"{service_id}.json", document)
    for name, schema in catalog["meta"].items():
        _write_json(staging / "meta" / f"{name}.json", schema)
    _write_json(staging / "geo.json", geo.parents_index())  # the server's address checks
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)


def main(argv: list[str] | None = None) -> int:
    """Command line: check, then write to every ``--out`` (default: chalicelib/schemas)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, action="append")
    parser.add_argument(
        "--geo-out", type=Path, action="append", default=[],
        help="also write the administrative areas (geo.compact()) for the web app here",
    )
    args = parser.parse_args(argv)
    try:
        catalog = build(args.source)
    except BuildFailed as failure:
        print(f"The schemas have {len(failure.problems)} problem(s):", file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for out in args.out or [DEFAULT_OUT]:
        write(catalog, out)
    for geo_out in args.geo_out:
        _write_json(geo_out, geo.compact())
    count = len(catalog["services"])
    written = ", ".join(map(str, args.out or [DEFAULT_OUT]))
    print(f"catalog: {count} services checked and written to {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
