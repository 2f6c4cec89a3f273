"""The ops figures' read time does not grow with the number of applications.

``GET /ops/stats`` (an API Gateway event handed to the Chalice app, as Lambda does, with
the ops principal the authorizer hands on) with 1 k, 10 k and 100 k applications stored
(``Storage``: ``nagorik seed``'s demo applications and the counter rows their moves add),
over four ranges:

- the dashboard's 30 Dhaka days to today, by district and by service: the 29 finished
  days' summaries and today's live one, in one batch read;
- the 30 finished days to yesterday, by district: summaries only;
- today alone, by district: today's live summary.

Every request reads summaries only, as on a stage where the minute job (``count_stats``)
runs: the bench runs the job's count once after each addition (the clock is pinned, so
its live summaries stay the freshest). The job's own count of today's rows, off the
request path, is timed apart: it is bounded by the families' values x statuses x
shards, not by the applications, but fills up towards that bound as today's moves grow
(3 % of the applications are today's here). So is the seed's making of the summaries
of the days it wrote.

Each range is timed through the endpoint (counts and the 48 SQS queue-depth calls) and
as the counts alone (the use-case with ``queues=False``), with the rows and summaries
one request reads. The clock of the stats and of the demo data is pinned to the moment
the bench starts, so a Dhaka midnight during the run changes nothing. Medians over
repeated requests against one moto server in one run; the machine's load average is
printed with them. Figures are printed, never asserted.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench_submit import start_moto

REQUESTS = 21
SIZES = (1_000, 10_000, 100_000)
DAYS = 30


def stats_event(query: dict[str, str]) -> dict[str, Any]:
    return {
        "resource": "/ops/stats", "path": "/ops/stats", "httpMethod": "GET",
        "headers": {"Accept": "application/json"}, "multiValueHeaders": {},
        # Chalice reads the multi-value form (as API Gateway sends both)
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {key: [value] for key, value in query.items()},
        "pathParameters": None, "stageVariables": None, "isBase64Encoded": False,
        "body": None,
        "requestContext": {"resourcePath": "/ops/stats", "httpMethod": "GET",
                           "requestId": str(uuid.uuid4()),
                           "authorizer": {"sub": "u-bench-ops", "role": "ops",
                                          "phone": "+8801900000001"}},
    }


class Reads:
    """The stats' ``Counters``, counting what each request reads."""

    def __init__(self, counters: Any) -> None:
        self.counters = counters
        self.rows_read = 0
        self.summaries_read = 0

    def rows(self, day: date, family: str) -> list[tuple[str, int]]:
        found = list(self.counters.rows(day, family))
        self.rows_read += len(found)
        return found

    def summaries(self, wanted: Sequence[tuple[date, str]]) -> dict:
        found = self.counters.summaries(wanted)
        self.summaries_read += len(found)
        return found

    def keep_summary(self, day: date, family: str, counts: Any) -> Any:
        return self.counters.keep_summary(day, family, counts)

    def keep_live_summary(self, day: date, family: str, counts: Any, counted_at: Any) -> None:
        self.counters.keep_live_summary(day, family, counts, counted_at)

    def overdue(self) -> Any:
        return self.counters.overdue()


def ranges(today: date) -> dict[str, dict[str, str]]:
    start = today - timedelta(days=DAYS - 1)
    yesterday = today - timedelta(days=1)
    return {
        f"{DAYS} days to today, by district": {"from": start.isoformat(),
                                               "to": today.isoformat(), "by": "district"},
        f"{DAYS} days to today, by service": {"from": start.isoformat(),
                                              "to": today.isoformat(), "by": "service"},
        f"{DAYS} finished days, by district": {
            "from": (yesterday - timedelta(days=DAYS - 1)).isoformat(),
            "to": yesterday.isoformat(), "by": "district"},
        "today alone, by district": {"from": today.isoformat(), "to": today.isoformat(),
                                     "by": "district"},
    }


def request(app: Any, query: dict[str, str]) -> float:
    began = time.perf_counter()
    response = app(stats_event(query), None)
    spent = time.perf_counter() - began
    if response["statusCode"] != 200:
        raise RuntimeError(f"/ops/stats answered {response['statusCode']}")
    return spent


class Storage:
    """Stores demo applications (``nagorik seed``'s own: every path through the lifecycle,
    the 64 districts, every service) straight into the in-process moto server's tables:
    each application the item the store writes, each counter row the sum of the moves the
    store's transactions would have added to it, as the seed writes them, but without
    moto's HTTP front (100 k applications through it take over an hour on a busy 2-core
    machine). Then the summaries of the days written are forgotten, as the seed does."""

    def __init__(self, now: datetime, rng: random.Random) -> None:
        from chalicelib.catalog_files import load_catalog
        from chalicelib.settings import get_settings

        self.now, self.rng = now, rng
        catalog = load_catalog(get_settings().schemas_dir)
        self.services = [catalog.entry(service_id) for service_id in sorted(catalog.entries)]
        self.districts = list(range(1, 65))
        self.weights = [rng.uniform(0.3, 3.0) for _ in self.districts]
        self.totals: dict[tuple[str, str], int] = {}

    def add(self, count: int) -> set[tuple[str, str]]:
        """Store ``count`` more applications; the counter rows they touched."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        from chalicelib.domain.bangla import dhaka_date
        from chalicelib.domain.counters import scopes_for
        from chalicelib.settings import get_settings
        from chalicelib.store.applications import to_model
        from chalicelib.store.models import CounterModel
        from chalicelib.store.stats import DynamoCounters
        from ops.seed import demo_application

        settings = get_settings()
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region]
        touched: set[tuple[str, str]] = set()
        for _ in range(count):
            application = demo_application(self.rng, self.now, DAYS, self.services,
                                           districts=self.districts, weights=self.weights)
            backend.put_item(settings.applications_table, to_model(application).serialize())
            for entry in application.history:
                for scope in scopes_for(application, entry.status):
                    key = (dhaka_date(entry.at).isoformat(), scope)
                    self.totals[key] = self.totals.get(key, 0) + 1
                    touched.add(key)
        for day, scope in touched:
            row = CounterModel(day=day, scope=scope, total=self.totals[day, scope])
            backend.put_item(settings.counters_table, row.serialize())
        DynamoCounters.forget_summaries(sorted({day for day, _ in touched}))
        return touched


def measure(app: Any, stats: Any, reads: Reads, query: dict[str, str]) -> dict[str, float]:
    """The median time of ``query`` through the endpoint and of its counts alone (the
    use-case without the queue depths, 48 SQS calls whatever is stored), and what one
    request of it reads."""
    from chalicelib.domain.access import Principal, Role

    ops = Principal(Role.OPS, "u-bench-ops")
    endpoint = [request(app, query) for _ in range(REQUESTS)]
    counts = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        stats.report(ops, query["from"], query["to"], query["by"], queues=False)
        counts.append(time.perf_counter() - began)
    reads.rows_read = reads.summaries_read = 0
    request(app, query)
    return {"endpoint": statistics.median(endpoint), "counts": statistics.median(counts),
            "rows": reads.rows_read, "summaries": reads.summaries_read}


def job(stats: Any, reads: Reads) -> dict[str, float]:
    """The median time of the minute job's count of today, and the rows it reads."""
    spent = []
    for _ in range(REQUESTS):
        reads.rows_read = 0
        began = time.perf_counter()
        stats.count_live()
        spent.append(time.perf_counter() - began)
    return {"job": statistics.median(spent), "rows": reads.rows_read}


def table(sizes: Sequence[int], figures: dict[int, dict[str, dict[str, float]]],
          jobs: dict[int, dict[str, float]], made: dict[int, float], today: date) -> None:
    small = sizes[0]
    print(f"\nGET /ops/stats: median of {REQUESTS} requests, ms (ratios to {small:,})")
    print(f"{'applications stored':44}" + "".join(f"{size:>12,}" for size in sizes)
          + "".join(f"{f'{size:,}/{small:,}':>16}" for size in sizes[1:]))

    def line(label: str, values: list[float]) -> None:
        cells = "".join(f"{value * 1000:>12.1f}" for value in values)
        ratios = "".join(f"{value / values[0]:>15.2f}x" for value in values[1:])
        print(f"  {label:42}{cells}{ratios}")

    for name in ranges(today):
        print(name)
        for part, label in (("endpoint", "endpoint (counts + queue depths)"),
                            ("counts", "counts alone (no queue depths)")):
            line(label, [figures[size][name][part] for size in sizes])
        for part, label in (("rows", "counter rows read"),
                            ("summaries", "summaries read (finished or live)")):
            cells = "".join(f"{int(figures[size][name][part]):>12,}" for size in sizes)
            print(f"  {label:42}{cells}")
    print("off the request path")
    line("the minute job's count of today's rows", [jobs[size]["job"] for size in sizes])
    cells = "".join(f"{int(jobs[size]['rows']):>12,}" for size in sizes)
    print(f"  {'  counter rows it reads':42}{cells}")
    cells = "".join(f"{made[size] * 1000:>12.1f}" for size in sizes)
    print(f"  {'the seed making the 30 days summaries':42}{cells}")


def main(sizes: Sequence[int] = SIZES) -> None:
    """Seed, measure, seed more, measure again; print the figures side by side."""
    server, _ = start_moto(in_process=True)  # Storage writes into its tables
    try:
        import ops.cli  # noqa: F401 (the command registers its groups, seed among them)
        from app import app
        from chalicelib.domain.bangla import dhaka_date
        from chalicelib.runtime import runtime
        now = datetime.now(UTC)
        stats = runtime().stats
        stats.clock = lambda: now
        reads = Reads(stats.counters)
        stats.counters = reads
        today = dhaka_date(now)
        print(f"clock pinned at {now:%Y-%m-%d %H:%M} UTC (Dhaka day {today})", flush=True)
        storage = Storage(now, random.Random(20261201))
        stored = 0
        figures: dict[int, dict[str, dict[str, float]]] = {}
        jobs: dict[int, dict[str, float]] = {}
        made: dict[int, float] = {}
        for size in sizes:
            began = time.perf_counter()
            touched = storage.add(size - stored)
            print(f"stored {size - stored:,} applications ({len(touched):,} counter rows "
                  f"written) in {time.perf_counter() - began:.0f} s", flush=True)
            stored = size
            began = time.perf_counter()
            stats.count(sorted({date.fromisoformat(day) for day, _ in touched}))
            made[size] = time.perf_counter() - began
            jobs[size] = job(stats, reads)
            figures[size] = {name: measure(app, stats, reads, query)
                             for name, query in ranges(today).items()}
            print(f"measured at {size:,} (load average {os.getloadavg()[0]:.1f}): summaries "
                  f"made in {made[size] * 1000:.0f} ms; job {jobs[size]['job'] * 1000:.0f} ms; "
                  + "; ".join(
                      f"{name}: {found['endpoint'] * 1000:.0f} ms endpoint, "
                      f"{found['counts'] * 1000:.0f} ms counts, {int(found['rows'])} rows, "
                      f"{int(found['summaries'])} summaries"
                      for name, found in figures[size].items()), flush=True)
        table(sizes, figures, jobs, made, today)
    finally:
        server.stop()


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or SIZES)
