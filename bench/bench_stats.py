"""The ops figures' read time does not grow with the number of applications.

``GET /ops/stats`` (an API Gateway event handed to the Chalice app, as Lambda does, with
the ops principal the authorizer hands on) over the last 30 Dhaka days, grouped by
district and by service, with 1 k applications stored, then with 100 k (``nagorik seed``'s
own writer adds the other 99 k and their counters). The figures read pre-aggregated
counters, never the applications: the target is flat (100 k / 1 k close to 1.0x).

Medians over repeated requests against the same moto server in one run. Figures are
printed, never asserted.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bench_submit import start_moto

REQUESTS = 40
SIZES = (1_000, 100_000)
DAYS = 30


def stats_event(query: dict[str, str]) -> dict[str, Any]:
    return {
        "resource": "/ops/stats", "path": "/ops/stats", "httpMethod": "GET",
        "headers": {"Accept": "application/json"}, "multiValueHeaders": {},
        "queryStringParameters": query, "multiValueQueryStringParameters": None,
        "pathParameters": None, "stageVariables": None, "isBase64Encoded": False,
        "body": None,
        "requestContext": {"resourcePath": "/ops/stats", "httpMethod": "GET",
                           "requestId": str(uuid.uuid4()),
                           "authorizer": {"sub": "u-bench-ops", "role": "ops",
                                          "phone": "+8801900000001"}},
    }


def read_time(app: Any, by: str) -> float:
    today = datetime.now(UTC).date()
    query = {"from": (today - timedelta(days=DAYS - 1)).isoformat(), "to": today.isoformat(),
             "by": by}
    times = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        response = app(stats_event(query), None)
        times.append(time.perf_counter() - began)
        if response["statusCode"] != 200:
            raise RuntimeError(f"/ops/stats answered {response['statusCode']}")
    return statistics.median(times)


def main() -> None:
    """Seed, measure, seed more, measure again; print the figures."""
    server, _ = start_moto()
    try:
        import ops.cli  # noqa: F401 (the command registers its groups, seed among them)
        from app import app
        from ops.seed import seed

        rng = random.Random(20261201)
        stored, figures = 0, {}
        for size in SIZES:
            began = time.perf_counter()
            seed(size - stored, days=DAYS, rng=rng)
            print(f"seeded {size - stored:,} applications in {time.perf_counter() - began:.0f} s",
                  flush=True)
            stored = size
            figures[size] = {by: read_time(app, by) for by in ("district", "service")}
        small, large = SIZES
        for by in ("district", "service"):
            print(f"GET /ops/stats?by={by} over {DAYS} days: "
                  f"{figures[small][by] * 1000:.1f} ms at {small:,} applications, "
                  f"{figures[large][by] * 1000:.1f} ms at {large:,}: "
                  f"{figures[large][by] / figures[small][by]:.2f}x (target: flat)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
