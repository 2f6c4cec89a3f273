"""``nagorik stats``: the ops figures of ``GET /ops/stats``, as tables in a terminal.

Read from the same counters, by the same code (``domain.stats``), straight from the
stage's tables and queues with the caller's AWS credentials (or ``--local``).
"""

from __future__ import annotations

import json
from typing import Any

import click

from ops.cli import Failure

BY_CHOICES = ("district", "service", "agency", "status", "centre", "channel")


def figures(start: str | None, end: str | None, by: str | None) -> dict[str, Any]:
    """The report ``GET /ops/stats`` answers, for an ops principal."""
    from chalicelib.catalog_files import CatalogMissing, load_catalog
    from chalicelib.domain.access import Principal, Role
    from chalicelib.domain.applications import utc_now
    from chalicelib.domain.errors import ValidationFailed
    from chalicelib.domain.stats import Stats
    from chalicelib.messaging import SqsQueues
    from chalicelib.runtime import names
    from chalicelib.settings import get_settings
    from chalicelib.store.stats import DynamoCounters

    settings = get_settings()
    try:
        catalog = load_catalog(settings.schemas_dir)
    except CatalogMissing as error:
        raise Failure(str(error)) from None
    stats = Stats(counters=DynamoCounters(), queues=SqsQueues(settings), names=names(catalog),
                  clock=utc_now)
    try:
        return stats.report(Principal(Role.OPS, "cli"), start, end, by)
    except ValidationFailed as error:
        problems = "; ".join(f"--{p.path}: {p.message.en}" for p in error.fields)
        raise Failure(problems or error.message.en) from None


def _table(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    click.echo(click.style(title, bold=True))
    if not rows:
        click.echo("  (none)\n")
        return
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for number, row in enumerate([header, *rows]):
        cells = [str(cell).rjust(width) if isinstance(cell, int) else str(cell).ljust(width)
                 for cell, width in zip(row, widths, strict=True)]
        line = "  " + "  ".join(cells).rstrip()
        click.echo(click.style(line, dim=True) if number == 0 else line)
    click.echo()


def _name(group: dict[str, Any]) -> str:
    return (group.get("name") or {}).get("en") or group["key"]


def _depth(value: int | None) -> Any:
    return "?" if value is None else value


def show(report: dict[str, Any]) -> None:
    """The report as tables: statuses, each grouping, queues, overdue, consents."""
    click.echo(f"Nagorik Sheba, {report['from']} to {report['to']} (Dhaka days)\n")
    _table("Moves into each status", ("status", "count"),
           [(status, count) for status, count in report["totals"].items()])
    for name, groups in report["groups"].items():
        if name == "status":
            continue
        statuses = ("submitted", "in_review", "approved", "rejected", "cancelled")
        _table(f"By {name}", (name, "key", *statuses),
               [(_name(group), group["key"], *(group["counts"].get(s, 0) for s in statuses))
                for group in groups])
    _table("Agency queues", ("agency", "waiting", "in flight", "dead letters"),
           [(queue["agency_id"], _depth(queue["waiting"]), _depth(queue["in_flight"]),
             _depth(queue["dead_letter"])) for queue in report["queues"]])
    _table("Overdue now", ("agency", "count"),
           [(item["key"], item["count"]) for item in report["overdue"]["by_agency"]]
           + [("all", report["overdue"]["total"])])
    click.echo(f"Consents recorded without a code: {report['consents_without_code']}")


@click.command("stats")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First Dhaka day (default today).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last Dhaka day (default: --from).")
@click.option("--by", metavar="DIMENSION[,...]",
              help=f"Group by one or more of: {', '.join(BY_CHOICES)} (comma-separated).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead.")
def stats(start: str | None, end: str | None, by: str | None, as_json: bool) -> None:
    """Counts by day, district, service, agency, status, centre or channel; queue and
    dead-letter depths; overdue applications; consents without a code (as GET /ops/stats)."""
    report = figures(start, end, by)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        show(report)
