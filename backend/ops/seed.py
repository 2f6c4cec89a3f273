"""``nagorik seed``: demo applications of a chosen size, spread over the last days, the 64
districts, every service and every path through the lifecycle, so the dashboard and the
benchmarks have something real to show.

The applications are the items the store writes (``store.applications.to_model``) and
their counts are the rows the store's transactions add (``domain.counters.scopes_for``),
summed per row over the whole batch and written once per row: reading the rows first
and putting the sums makes 100,000 applications take minutes rather than hours, and is
safe only while nothing else writes those counters, so ``seed`` is for demo and bench
stages and refuses ``prod``. It is the one writer of past days' counters, so it then
forgets those days' summaries (``domain.stats``) and makes them again from the rows, so
that no reader of the dashboard has to.
Seeded applications have no outbox record: no agency and no citizen ever hears of them.
Each is marked as demo data (``actor`` ``seed``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from ops.cli import Failure

# Where the moves of an application stop, and how often (weights).
PATHS: tuple[tuple[tuple[str, ...], int], ...] = (
    ((), 8),
    (("queued",), 4),
    (("queued", "forwarded", "in_review"), 30),
    (("queued", "forwarded", "in_review", "needs_info"), 6),
    (("queued", "forwarded", "in_review", "needs_info", "resubmitted"), 4),
    (("queued", "forwarded", "in_review", "approved"), 28),
    (("queued", "forwarded", "in_review", "approved", "delivered"), 10),
    (("queued", "forwarded", "in_review", "rejected"), 6),
    (("cancelled",), 4),
)
ASSISTED_SHARE = 0.3
CENTRES_PER_DISTRICT = 4
BATCH = 25


@dataclass(frozen=True)
class Seeded:
    """What a seed run wrote."""

    applications: int
    counter_rows: int
    days: tuple[str, ...] = ()  # the Dhaka days written, oldest first


def demo_application(rng: random.Random, now: datetime, days: int, services: list[Any], *,
                     districts: list[int], weights: list[float]) -> Any:
    """One random application, moved along a random path, with its whole history."""
    from chalicelib.domain import tracking
    from chalicelib.domain.bangla import dhaka_date
    from chalicelib.domain.lifecycle import Application, Channel, Status

    created = now - timedelta(seconds=rng.uniform(0, days * 86400))
    district = rng.choices(districts, weights)[0]
    service = rng.choice(services)
    assisted = rng.random() < ASSISTED_SHARE
    application = Application.submit(
        actor="seed", tracking_id=tracking.new_tracking_id(district, dhaka_date(created),
                                                           randbelow=rng.randrange),
        service_id=service.id, service_version=service.version, agency_id=service.agency,
        applicant_name="ডেমো আবেদনকারী", applicant_phone=f"+8801999{rng.randrange(10**6):06d}",
        form={}, channel=Channel.ASSISTED if assisted else Channel.SELF, created_at=created,
        district_id=district,
        centre_id=f"demo-{district:02d}-{rng.randrange(CENTRES_PER_DISTRICT) + 1}"
        if assisted else None,
        consent=("no_code" if rng.random() < 0.1 else "code") if assisted else None)  # noqa: PLR2004
    steps = rng.choices([path for path, _ in PATHS], [weight for _, weight in PATHS])[0]
    at = created
    for step in steps:
        at = min(now, at + timedelta(minutes=rng.uniform(1, 48 * 60)))
        application.move_to(Status(step), at=at, actor="seed", channel=Channel.SYSTEM)
    application.version = 1
    return application


def _existing(day: str, scopes: Iterable[str]) -> dict[str, int]:
    from chalicelib.store.models import CounterModel

    found: dict[str, int] = {}
    for family in sorted({scope.split("#", 1)[0] for scope in scopes}):
        for row in CounterModel.query(day, CounterModel.scope.startswith(family + "#")):
            found[row.scope] = int(row.total)
    return found


def seed(count: int, *, days: int, rng: random.Random,
         progress: Callable[[int], None] = lambda n: None) -> Seeded:
    """Write ``count`` demo applications and their counts; ``progress(n)`` after each batch."""
    from chalicelib.catalog_files import load_catalog
    from chalicelib.domain.bangla import dhaka_date
    from chalicelib.domain.counters import scopes_for
    from chalicelib.settings import get_settings
    from chalicelib.store.applications import to_model
    from chalicelib.store.models import ApplicationModel, CounterModel
    from chalicelib.store.stats import DynamoCounters

    catalog = load_catalog(get_settings().schemas_dir)
    services = [catalog.entry(service_id) for service_id in sorted(catalog.entries)]
    districts = list(range(1, 65))
    weights = [rng.uniform(0.3, 3.0) for _ in districts]
    now = datetime.now(UTC)
    totals: dict[tuple[str, str], int] = {}
    written = 0
    while written < count:
        batch = [demo_application(rng, now, days, services, districts=districts, weights=weights)
                 for _ in range(min(BATCH, count - written))]
        with ApplicationModel.batch_write() as writer:
            for application in batch:
                writer.save(to_model(application))
                for entry in application.history:
                    for scope in scopes_for(application, entry.status):
                        key = (dhaka_date(entry.at).isoformat(), scope)
                        totals[key] = totals.get(key, 0) + 1
        written += len(batch)
        progress(len(batch))
    by_day: dict[str, dict[str, int]] = {}
    for (day, scope), value in totals.items():
        by_day.setdefault(day, {})[scope] = value
    for day, rows in by_day.items():
        before = _existing(day, rows)
        with CounterModel.batch_write() as writer:
            for scope, value in rows.items():
                writer.save(CounterModel(day=day, scope=scope, total=before.get(scope, 0) + value))
    DynamoCounters.forget_summaries(sorted(by_day))
    return Seeded(written, len(totals), tuple(sorted(by_day)))


def summarise(days: Iterable[str], progress: Callable[[int], None] = lambda n: None) -> None:
    """Make the summaries of the days written (``Stats.count``), a day at a time."""
    from datetime import date

    from chalicelib.runtime import runtime

    stats = runtime().stats
    for day in days:
        stats.count([date.fromisoformat(day)])
        progress(1)


@click.command("seed")
@click.option("--applications", "count", type=click.IntRange(1, 1_000_000), default=10_000,
              show_default=True, help="How many demo applications to write.")
@click.option("--days", type=click.IntRange(1, 90), default=30, show_default=True,
              help="Spread them over this many days up to now (Dhaka).")
@click.option("--random-seed", type=int, default=None,
              help="The same number makes the same data (default: different each run).")
@click.pass_obj
def seed_command(settings: Any, count: int, days: int, random_seed: int | None) -> None:
    """Write demo applications (and their counts) for the dashboard and the benchmarks.

    Not for prod: the applications are made up, and their counts are written as sums,
    which is exact only while nothing else writes the counters.
    """
    if settings.stage == "prod":
        raise Failure("seed writes made-up applications: it refuses the prod stage")
    rng = random.Random(random_seed)  # noqa: S311 (demo data, not secrets)
    with click.progressbar(length=count, label=f"seeding {settings.stage}",
                           show_pos=True) as bar:
        done = seed(count, days=days, rng=rng, progress=bar.update)
    with click.progressbar(length=len(done.days), label="summarising the days written",
                           show_pos=True) as bar:
        summarise(done.days, progress=bar.update)
    click.echo(f"wrote {done.applications} applications over {days} day(s) and "
               f"{done.counter_rows} counter rows")
