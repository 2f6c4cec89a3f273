"""The soak: many clients submitting through a lossy proxy to the local stack, then a count.

    python -m devtools.soak [--clients 50] [--applications 5000] [--drop 0.2]
                            [--agency-failures 0.2] [--settle 180]

Starts the embedded stack on free ports with simulated agencies that fail a share of
forwards, puts a proxy in front of its API that drops a share of responses after the
API acted on the request (the client sees a broken connection), and has every client
retry with the same ``Idempotency-Key`` until it gets an answer. Then it counts what
is stored, in the table itself (one Query per client's phone), not what the clients
were told, and waits for every application to reach the agency or a dead-letter queue.

Prints throughput, latency percentiles (first attempt to answer), accepted keys,
stored applications, duplicates, lost, and where every application ended. Exits 1
when anything was lost or duplicated, or an application is neither with its agency
nor in a dead-letter queue (with the reason the agency gave).
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from devtools.launch import ROOT, RunningStack, running_stack, sign_in_citizen

SERVICE = "online-gd-lost-item"
FORM = json.loads((ROOT / "schemas" / "examples" / SERVICE / "valid-lost-nid.json")
                  .read_text(encoding="utf-8"))
ATTEMPT_TIMEOUT = 30.0
DONE = {"in_review"}  # where a forwarded application of a simulated agency ends


class DroppingProxy(http.server.ThreadingHTTPServer):
    """Forwards each request to the API; drops the response of a share of them."""

    daemon_threads = True

    def __init__(self, upstream: str, drop: float, seed: int = 7) -> None:
        self.upstream = urlsplit(upstream)
        self.drop = drop
        self.chance = random.Random(seed)  # noqa: S311 - which answers to drop, not a secret
        self.lock = threading.Lock()
        self.dropped = 0
        super().__init__(("127.0.0.1", 0), _ProxyHandler)

    @property
    def url(self) -> str:
        """The proxy's own address."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def should_drop(self) -> bool:
        with self.lock:
            dropped = self.chance.random() < self.drop
            self.dropped += dropped
            return dropped


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    server: DroppingProxy

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        upstream = self.server.upstream
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port,
                                                timeout=ATTEMPT_TIMEOUT)
        headers = {key: value for key, value in self.headers.items()
                   if key.lower() not in ("host", "connection")}
        connection.request("POST", self.path, body=body, headers=headers)
        answer = connection.getresponse()
        payload = answer.read()
        connection.close()
        if self.server.should_drop():  # the API has acted; the client never hears of it
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@dataclass
class Outcome:
    """What the clients saw."""

    accepted: dict[str, str] = field(default_factory=dict)  # key -> tracking id
    latencies: list[float] = field(default_factory=list)
    attempts: int = 0
    refused: list[tuple[str, int, str]] = field(default_factory=list)


def phone_of(client: int) -> str:
    return f"0171{client:07d}"


def submit(proxy: str, key: str, phone: str, token: str) -> tuple[int, dict[str, Any] | None]:
    """One attempt; ``(0, None)`` when the connection broke or timed out."""
    body = json.dumps({"service_id": SERVICE, "service_version": 1,
                       "applicant": {"name": "সোক পরীক্ষা", "phone": phone},
                       "form": {**FORM, "details": f"soak {key}"}}).encode()
    parts = urlsplit(proxy)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=ATTEMPT_TIMEOUT)
    try:
        connection.request("POST", "/applications", body=body, headers={
            "Content-Type": "application/json", "Idempotency-Key": key,
            "Authorization": f"Bearer {token}"})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"null")
    except (OSError, http.client.HTTPException, ValueError):
        return 0, None
    finally:
        connection.close()


def run_clients(proxy: str, clients: int, applications: int, outcome: Outcome,
                tokens: list[str]) -> float:
    """Every client submits its share, each until answered; returns the elapsed seconds.
    ``tokens``: each client's access token (its citizen signed in before the clock starts)."""
    lock = threading.Lock()
    counter = iter(range(applications))

    def client(number: int) -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            key = f"soak-{number:03d}-{index:06d}"
            started = time.perf_counter()
            for attempt in range(20):
                status, answer = submit(proxy, key, phone_of(number), tokens[number])
                with lock:
                    outcome.attempts += 1
                if status in (200, 201) and answer:
                    with lock:
                        outcome.accepted[key] = answer["tracking_id"]
                        outcome.latencies.append(time.perf_counter() - started)
                    break
                if status and status < 500 and status != 409:  # noqa: PLR2004
                    with lock:
                        outcome.refused.append((key, status, json.dumps(answer)[:200]))
                    break
                time.sleep(min(2.0, 0.05 * 2 ** attempt))

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def stored(aws: str, stage_table: str, clients: int) -> dict[str, list[dict[str, Any]]]:
    """Applications in the table, by the key written in each one's form."""
    dynamodb = local_client("dynamodb", aws)
    found: dict[str, list[dict[str, Any]]] = {}
    for number in range(clients):
        pages = dynamodb.get_paginator("query").paginate(
            TableName=stage_table, IndexName="by-applicant",
            KeyConditionExpression="applicant_phone = :phone",
            ExpressionAttributeValues={":phone": {"S": "+88" + phone_of(number)}})
        for page in pages:
            for item in page["Items"]:
                form = json.loads(item["form"]["S"])
                found.setdefault(form["details"].removeprefix("soak "), []).append(item)
    return found


def local_client(service: str, aws: str) -> Any:
    """A client of the local stack's moto (any credentials do)."""
    import boto3

    return boto3.client(service, endpoint_url=aws, region_name="ap-south-1",
                        aws_access_key_id="local", aws_secret_access_key="local")  # noqa: S106


def dead_letters(aws: str, settings: Any) -> set[str]:
    """Tracking ids waiting in any agency's dead-letter queue."""
    from chalicelib.agencies.registry import agency_ids

    sqs = local_client("sqs", aws)
    found: set[str] = set()
    for agency in agency_ids():
        url = sqs.get_queue_url(QueueName=settings.dead_letter_queue_name(agency))["QueueUrl"]
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                        VisibilityTimeout=60).get("Messages", [])
            if not batch:
                break
            found.update(json.loads(message["Body"])["tracking_id"] for message in batch)
    return found


@dataclass
class Report:
    """What the soak found."""

    lines: list[str]
    lost: int
    duplicated: int
    unsettled: int

    @property
    def passed(self) -> bool:
        """No loss, no duplicate, every application settled."""
        return self.lost == self.duplicated == self.unsettled == 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def settle(stack: RunningStack, clients: int, seconds: float,
           ) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """Wait until every stored application is with its agency or in a dead-letter queue."""
    from chalicelib.settings import Settings

    settings = Settings(stage="dev")
    deadline = time.monotonic() + seconds
    parked: set[str] = set()
    while True:
        found = stored(stack.aws, settings.applications_table, clients)
        parked |= dead_letters(stack.aws, settings)
        waiting = [item for items in found.values() for item in items
                   if item["status"]["S"] not in DONE and item["tracking_id"]["S"] not in parked]
        if not waiting or time.monotonic() > deadline:
            return found, parked
        time.sleep(2)


def soak(*, clients: int, applications: int, drop: float, agency_failures: float,
         settle_seconds: float, data_dir: Path) -> Report:
    """Run the whole soak; return its report."""
    env = {"NAGORIK_SIMULATOR_FAILURE_RATE": str(agency_failures),
           "NAGORIK_SIMULATOR_LATENCY_MS": "5", "NAGORIK_RETRY_BASE_SECONDS": "1",
           "NAGORIK_RETRY_MAX_SECONDS": "4", "LOG_LEVEL": "WARNING",
           # a failing agency's circuit opens as in a stage, but for as long as the longest
           # retry: the soak counts loss, and the fault tests the circuit's long waits
           "NAGORIK_CIRCUIT_OPEN_SECONDS": "4"}
    with running_stack(data_dir, **env) as stack, serving(DroppingProxy(stack.api, drop)) as proxy:
        outcome = Outcome()
        tokens = [sign_in_citizen(stack.api, stack.web, phone_of(number))["access_token"]
                  for number in range(clients)]
        elapsed = run_clients(proxy.url, clients, applications, outcome, tokens)
        found, parked = settle(stack, clients, settle_seconds)
    return report(outcome, elapsed, found, parked,
                  dropped=proxy.dropped, applications=applications, clients=clients)


@contextmanager
def serving(proxy: DroppingProxy) -> Iterator[DroppingProxy]:
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()


def report(outcome: Outcome, elapsed: float, found: dict[str, list[dict[str, Any]]],
           parked: set[str], *, dropped: int, applications: int, clients: int) -> Report:
    """Count and describe what happened."""
    accepted = set(outcome.accepted)
    duplicated = sum(len(items) - 1 for items in found.values() if len(items) > 1)
    lost = len(accepted - set(found))
    ends = Counter()
    unsettled = []
    for items in found.values():
        for item in items:
            tracking_id = item["tracking_id"]["S"]
            status = item["status"]["S"]
            if status in DONE:
                ends[status] += 1
            elif tracking_id in parked:
                reason = json.loads(item.get("dispatch_failure", {}).get("S") or "{}").get(
                    "reason", "no reason recorded")
                ends[f"dead-letter queue ({reason})"] += 1
            else:
                unsettled.append(f"{tracking_id} ({status})")
    latencies = outcome.latencies
    lines = [
        f"{clients} clients, {applications} applications, {outcome.attempts} attempts, "
        f"{dropped} responses dropped by the proxy",
        f"throughput {len(accepted) / elapsed:.1f} accepted/s over {elapsed:.1f} s; latency "
        f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 "
        f"{percentile(latencies, 0.95) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f}"
        f" ms (first attempt to answer, retries included)",
        f"accepted keys {len(accepted)}; stored applications {sum(map(len, found.values()))} "
        f"(counted in the table); duplicated {duplicated}; lost {lost}; refused "
        f"{len(outcome.refused)}",
        "where they ended: " + ", ".join(f"{name} {count}" for name, count in ends.most_common()),
    ]
    if unsettled:
        lines.append(f"neither with the agency nor in a dead-letter queue: {len(unsettled)}: "
                     + ", ".join(unsettled[:10]))
    for key, status, body in outcome.refused[:5]:
        lines.append(f"refused {key}: {status} {body}")
    if latencies:
        lines.append(f"mean latency {statistics.mean(latencies) * 1000:.0f} ms")
    return Report(lines, lost, duplicated, len(unsettled) + len(outcome.refused))


def main(argv: list[str] | None = None) -> int:
    """Command line: run, print, exit 1 on any loss, duplicate or unsettled application."""
    parser = argparse.ArgumentParser(description="Soak the local stack through a lossy proxy.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--drop", type=float, default=0.2, help="share of responses dropped")
    parser.add_argument("--agency-failures", type=float, default=0.2,
                        help="share of forwards the simulated agencies fail")
    parser.add_argument("--settle", type=float, default=300,
                        help="seconds to wait for the workers to finish")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nagorik-soak-") as data:
        result = soak(clients=args.clients, applications=args.applications, drop=args.drop,
                      agency_failures=args.agency_failures, settle_seconds=args.settle,
                      data_dir=Path(data))
    print("\n".join(result.lines))
    print("PASS" if result.passed else "FAIL")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
