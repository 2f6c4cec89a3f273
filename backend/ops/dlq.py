"""``nagorik dlq``: what waits in the agencies' dead-letter queues, and sending it back.

    nagorik dlq list [--agency ID] [--json]
    nagorik dlq redrive [--agency ID] [--ids ID ...]

``list`` shows each message with its application (tracking id and status), why the
worker gave up, the first failure and the receive count. ``redrive`` sends messages
back to their agency's queue as new messages (their receive count starts again), where
they are processed like any other: an application still ``submitted`` or ``queued``
moves on, one already past it is left alone. ``--ids`` takes message ids or tracking
ids. Nothing personal is printed: tracking ids and statuses only.
"""

from __future__ import annotations

import json
from typing import Any

import click

from ops.cli import Failure


def _agencies(agency: str | None) -> list[str]:
    from chalicelib.agencies.registry import agency_ids

    known = agency_ids()
    if agency is None:
        return known
    if agency not in known:
        raise Failure(f"--agency: no agency {agency!r} (see agencies.json)")
    return [agency]


def letters(agency: str | None) -> list[Any]:
    """Every dead letter of one agency or all of them."""
    from chalicelib.messaging import SqsQueues
    from chalicelib.settings import get_settings

    queues = SqsQueues(get_settings())
    return [letter for agency_id in _agencies(agency) for letter in queues.dead_letters(agency_id)]


def _row(letter: Any) -> dict[str, Any]:
    from chalicelib.domain import tracking
    from chalicelib.store.applications import DynamoApplicationStore

    canonical = tracking.parse(letter.tracking_id or "")
    application = DynamoApplicationStore().get(canonical) if canonical else None
    failure = (application.dispatch_failure if application else None) or {}
    return {
        "agency": letter.agency_id,
        "message_id": letter.message_id,
        "tracking_id": letter.tracking_id,
        "status": application.status.value if application else None,
        "reason": letter.reason or failure.get("reason"),
        "first_failed_at": failure.get("first_at") or letter.first_failed_at,
        "receive_count": letter.receive_count or failure.get("attempts"),
    }


@click.group()
def dlq() -> None:
    """The agencies' dead-letter queues."""


@dlq.command("list")
@click.option("--agency", default=None, help="Only this agency's dead-letter queue.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
def list_command(agency: str | None, as_json: bool) -> None:
    """Each dead letter: agency, message, application, status, reason, first failure, receives."""
    rows = [_row(letter) for letter in letters(agency)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no dead letters")
        return
    for row in rows:
        click.echo(f"{row['agency']}  {row['message_id']}  {row['tracking_id'] or '-'}  "
                   f"{row['status'] or 'unknown application'}  "
                   f"first failed {row['first_failed_at'] or '-'}  "
                   f"receives {row['receive_count'] or '-'}  {row['reason'] or '-'}")
    click.echo(f"{len(rows)} dead letter(s)")


@dlq.command("redrive")
@click.option("--agency", default=None, help="Only this agency's dead-letter queue.")
@click.option("--ids", multiple=True,
              help="Message ids or tracking ids to send back (repeat, or separate by commas); "
                   "all of them if omitted.")
def redrive_command(agency: str | None, ids: tuple[str, ...]) -> None:
    """Send dead letters back to their agency's queue, to be processed normally."""
    from chalicelib.messaging import SqsQueues
    from chalicelib.settings import get_settings

    wanted = {part.strip() for value in ids for part in value.split(",") if part.strip()}
    found = letters(agency)
    chosen = [letter for letter in found
              if not wanted or letter.message_id in wanted or letter.tracking_id in wanted]
    missing = wanted - {letter.message_id for letter in chosen} - {
        letter.tracking_id for letter in chosen}
    if missing:
        raise Failure(f"--ids: not in the dead-letter queue: {', '.join(sorted(missing))}")
    queues = SqsQueues(get_settings())
    with click.progressbar(chosen, label="redriving", show_pos=True) as bar:
        for letter in bar:
            queues.redrive(letter)
    click.echo(f"redrove {len(chosen)} message(s)")
