"""Submit latency against moto server: the platform versus the bare AWS calls it must make.

* Round trips: the AWS calls one warm ``POST /applications`` makes (target: 1, the
  transaction; nothing on the request path talks to SQS).
* Warm submit, the platform's own cost: the same request in a warm process versus the
  very ``TransactWriteItems`` it sent, replayed bare with fresh keys through a client
  configured as the platform's (target <= 1.05x).
* Warm submit against the usual baseline: one PutItem + one SendMessage
  (target <= 1.3x).
* Cold start: a fresh process that imports the API module and serves one submission
  (an API Gateway event handed to the Chalice app, as Lambda does), versus a fresh
  process that imports boto3 and does one PutItem and one SendMessage (target <= 1.25x);
  both from compiled bytecode, as the deployment package ships it.
* Scaling: the warm submit with 1 k, 10 k and 50 k applications already stored
  (target: flat).

Medians of alternating pairs, measured side by side in one run. Figures are printed,
never asserted.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
PAIRS_COLD = 5
PAIRS_WARM = 60
PAIRS_SCALING = 30
TABLE_SIZES = (1_000, 10_000, 50_000)
FORM = json.loads(
    (ROOT / "schemas/examples/online-gd-lost-item/valid-lost-nid.json").read_text("utf-8")
)

APP_PROCESS = r"""
import json, sys, time, uuid
start = time.perf_counter()
from app import app
from chalicelib.domain.access import citizen_id
body = json.dumps({"service_id": "online-gd-lost-item", "service_version": 1,
                   "applicant": {"name": "Rahim", "phone": "01712345678"},
                   "form": json.loads(sys.argv[1])})
event = {
    "resource": "/applications", "path": "/applications", "httpMethod": "POST",
    "headers": {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
    "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": None, "stageVariables": None, "isBase64Encoded": False, "body": body,
    "requestContext": {"resourcePath": "/applications", "httpMethod": "POST",
                       "requestId": str(uuid.uuid4()), "path": "/api/applications",
                       "stage": "api",
                       "authorizer": {"sub": citizen_id("+8801712345678", b"bench"),
                                      "role": "citizen", "phone": "+8801712345678"}},
}
response = app(event, None)
assert response["statusCode"] == 201, response
print(time.perf_counter() - start)
"""

BASELINE_PROCESS = r"""
import sys, time, uuid
start = time.perf_counter()
import boto3
dynamodb = boto3.client("dynamodb")
sqs = boto3.client("sqs")
dynamodb.put_item(TableName=sys.argv[1], Item={"tracking_id": {"S": uuid.uuid4().hex},
                                               "body": {"S": sys.argv[3]}})
sqs.send_message(QueueUrl=sys.argv[2], MessageBody=sys.argv[3])
print(time.perf_counter() - start)
"""


MOTO_PROCESS = r"""
import sys
from devtools.stack import _quiet_libraries, _start_moto
_quiet_libraries()
server = _start_moto("127.0.0.1")
host, port = server.get_host_and_port()
print(f"http://{host}:{port}", flush=True)
sys.stdin.read()  # serves until the bench closes this pipe
server.stop()
"""


class MotoProcess:
    """Moto server (with the embedded stack's fixes) in a process of its own, as AWS is a
    service of its own: in the bench's process, its threads would take the interpreter
    lock from the code being timed whenever that code let go of it (a random number, a
    socket read), and a submission would be charged for the server's work."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", MOTO_PROCESS], cwd=BACKEND, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(BACKEND)})
        assert self.process.stdout is not None
        self.endpoint = self.process.stdout.readline().strip()
        if not self.endpoint.startswith("http://"):
            self.stop()
            raise RuntimeError("moto server did not start")

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_moto(in_process: bool = False) -> tuple[Any, str]:
    """Moto server on a free loopback port, in its own process (or in this one, for a
    bench that writes into its tables directly), the stage's resources created."""
    sys.path.insert(0, str(BACKEND))
    if in_process:
        from devtools.stack import _quiet_libraries, _start_moto

        _quiet_libraries()
        server = _start_moto("127.0.0.1")
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
    else:
        server = MotoProcess()
        endpoint = server.endpoint
    os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="bench",
                      NAGORIK_QUEUE_URL_PREFIX=f"{endpoint}/123456789012/",
                      AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="ap-south-1",
                      AWS_REGION="ap-south-1", NAGORIK_STAGE="dev",
                      NAGORIK_SIMULATOR_LATENCY_MS="0", LOG_LEVEL="WARNING",
                      POWERTOOLS_METRICS_DISABLED="true")
    from chalicelib.settings import get_settings
    from devtools.resources import ensure_all

    ensure_all(get_settings())
    return server, endpoint


def run(script: str, *args: str) -> float:
    """Wall time of a fresh interpreter running ``script`` (start to exit)."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, *args], cwd=BACKEND, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(BACKEND)})
    return time.perf_counter() - began


def cold(table: str, queue_url: str) -> tuple[float, float]:
    """Median cold times of (platform, baseline) over alternating pairs. The platform's
    modules are compiled first, as the deployment package ships them (infra/package.py),
    and as boto3's were when pip installed it."""
    import compileall

    compileall.compile_dir(BACKEND / "chalicelib", quiet=1)
    compileall.compile_file(BACKEND / "app.py", quiet=1)
    form = json.dumps(FORM)
    platform, baseline = [], []
    for _ in range(PAIRS_COLD):
        platform.append(run(APP_PROCESS, form))
        baseline.append(run(BASELINE_PROCESS, table, queue_url, form))
    return statistics.median(platform), statistics.median(baseline)


def submission_event() -> dict[str, Any]:
    from chalicelib.domain.access import citizen_id

    citizen = {"sub": citizen_id("+8801712345678", b"bench"), "role": "citizen",
               "phone": "+8801712345678"}
    body = json.dumps({"service_id": "online-gd-lost-item", "service_version": 1,
                       "applicant": {"name": "Rahim", "phone": "01712345678"}, "form": FORM})
    return {
        "resource": "/applications", "path": "/applications", "httpMethod": "POST",
        "headers": {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
        "multiValueHeaders": {}, "queryStringParameters": None,
        "multiValueQueryStringParameters": None, "pathParameters": None,
        "stageVariables": None, "isBase64Encoded": False, "body": body,
        # the citizen as the (cached) authorizer hands it on: verifying the token is the
        # authorizer's own function, not the submit handler's work
        "requestContext": {"resourcePath": "/applications", "httpMethod": "POST",
                           "requestId": str(uuid.uuid4()), "authorizer": citizen},
    }


class Recorder:
    """Counts the AWS calls made in this process while ``on``, and keeps the last
    transaction sent then (off while timing: its copy is no work of the platform's)."""

    def __init__(self) -> None:
        import botocore.client

        self.calls: list[str] = []
        self.transaction: dict[str, Any] | None = None
        self.on = False
        original = botocore.client.BaseClient._make_api_call
        recorder = self

        def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if recorder.on:
                recorder.calls.append(operation)
                if operation == "TransactWriteItems":
                    recorder.transaction = copy.deepcopy(params)
            return original(client, operation, params)

        botocore.client.BaseClient._make_api_call = recording  # type: ignore[method-assign]


def fresh_keys(transaction: dict[str, Any]) -> dict[str, Any]:
    """The recorded transaction with new values for every key it creates (so each replay
    writes new items, as a new submission would) and a client token of its own."""
    replay = copy.deepcopy(transaction)
    suffix = uuid.uuid4().hex
    if "ClientRequestToken" in replay:
        replay["ClientRequestToken"] = suffix
    for entry in replay["TransactItems"]:
        if "Put" in entry:
            item = entry["Put"]["Item"]
            for key in ("tracking_id", "id"):
                if key in item:
                    item[key] = {"S": item[key]["S"] + suffix}
    return replay


def timed(work: Callable[[], Any]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def warm(table: str, queue_url: str, recorder: Recorder) -> dict[str, float]:
    """Median warm times of the platform, the same transaction bare, and the baseline.

    The bare transaction goes through a client configured as the platform's own
    (PynamoDB's: no client-side parameter validation), with its fresh keys made before
    the clock starts, so the ratio is the platform's work and nothing else."""
    import boto3
    import botocore.config

    from app import app

    dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
    bare_client = boto3.client("dynamodb",
                               config=botocore.config.Config(parameter_validation=False))
    message = json.dumps(FORM)

    def platform_once(event: dict[str, Any]) -> None:
        response = app(event, None)
        assert response["statusCode"] == 201, response

    def bare_once(replay: dict[str, Any]) -> None:
        bare_client.transact_write_items(**replay)

    def baseline_once() -> None:
        dynamodb.put_item(TableName=table, Item={"tracking_id": {"S": uuid.uuid4().hex},
                                                 "body": {"S": message}})
        sqs.send_message(QueueUrl=queue_url, MessageBody=message)

    recorder.on = True
    platform_once(submission_event())
    recorder.on = False
    assert recorder.transaction is not None
    for _ in range(5):  # warm every path up: clients, catalog, holiday list
        platform_once(submission_event())
        bare_once(fresh_keys(recorder.transaction))
        baseline_once()
    recorder.calls.clear()
    recorder.on = True
    platform_once(submission_event())
    recorder.on = False
    trips = len(recorder.calls)
    operations = sorted(set(recorder.calls))
    platform, bare, baseline = [], [], []
    for _ in range(PAIRS_WARM):
        event, replay = submission_event(), fresh_keys(recorder.transaction)
        platform.append(timed(lambda: platform_once(event)))  # noqa: B023 (called at once)
        bare.append(timed(lambda: bare_once(replay)))  # noqa: B023
        baseline.append(timed(baseline_once))
    return {"trips": trips, "operations": operations, "platform": statistics.median(platform),
            "bare": statistics.median(bare), "baseline": statistics.median(baseline)}


def fill(table: str, count: int) -> None:
    """Store applications until the table holds ``count`` (like-sized items with their
    index attributes), through BatchWriteItem."""
    import boto3

    dynamodb = boto3.client("dynamodb")
    have = dynamodb.describe_table(TableName=table)["Table"].get("ItemCount", 0)
    body = json.dumps(FORM)
    for start in range(int(have), count, 25):
        rows = [{"PutRequest": {"Item": {
            "tracking_id": {"S": f"fill{start + n:012d}"}, "form": {"S": body},
            "applicant_phone": {"S": f"+8801{(start + n) % 10**9:09d}"},
            "created_at": {"S": f"2026-11-{(start + n) % 28 + 1:02d}T10:00:00+06:00"},
            "agency_status": {"S": "police#in_review"},
            "updated_at": {"S": "2026-11-30T10:00:00+06:00"},
        }}} for n in range(min(25, count - start))]
        pending: dict[str, Any] = {table: rows}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get(
                "UnprocessedItems", {})


def scaling(table: str) -> list[tuple[int, float]]:
    """Median warm submit at each table size."""
    from app import app

    found = []
    for size in TABLE_SIZES:
        fill(table, size)
        times = []
        for _ in range(PAIRS_SCALING):
            event = submission_event()
            times.append(timed(lambda: app(event, None)))  # noqa: B023 (called at once)
        found.append((size, statistics.median(times)))
    return found


def main() -> None:
    """Measure and print every figure."""
    server, endpoint = start_moto()
    recorder = Recorder()
    import boto3

    from chalicelib.settings import get_settings

    settings = get_settings()
    table = settings.applications_table
    queue_url = boto3.client("sqs").get_queue_url(QueueName=settings.queue_name("police"))[
        "QueueUrl"]
    try:
        cold_platform, cold_baseline = cold(table, queue_url)
        figures = warm(table, queue_url, recorder)
        grown = scaling(table)
    finally:
        server.stop()
    ms = 1000
    print(f"moto server at {endpoint} (with the embedded stack's fixes, in its own process)")
    print(f"round trips per warm submit: {figures['trips']} ({', '.join(figures['operations'])})"
          " (target 1)")
    print(f"warm submit platform {figures['platform'] * ms:7.2f} ms   the same "
          f"TransactWriteItems bare {figures['bare'] * ms:7.2f} ms   ratio "
          f"{figures['platform'] / figures['bare']:5.2f}x (target <= 1.05x, median of "
          f"{PAIRS_WARM} pairs)")
    print(f"warm submit platform {figures['platform'] * ms:7.2f} ms   PutItem+SendMessage "
          f"{figures['baseline'] * ms:7.2f} ms   ratio "
          f"{figures['platform'] / figures['baseline']:5.2f}x (target <= 1.3x)")
    print(f"cold start  platform {cold_platform * ms:7.1f} ms   boto3 PutItem+SendMessage "
          f"{cold_baseline * ms:7.1f} ms   ratio {cold_platform / cold_baseline:5.2f}x "
          f"(target <= 1.25x, median of {PAIRS_COLD} pairs)")
    first = grown[0][1]
    sizes = "   ".join(f"{size:>6,} stored: {spent * ms:6.2f} ms ({spent / first:4.2f}x)"
                       for size, spent in grown)
    print(f"scaling (warm submit by table size): {sizes} (target: flat)")


if __name__ == "__main__":
    main()
