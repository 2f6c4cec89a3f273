"""Submit latency against moto server: the platform versus the bare AWS calls it must make.

Cold start: a fresh process that imports the API module and serves one
``POST /applications`` (an API Gateway event handed to the Chalice app, as Lambda
does), versus a fresh process that imports boto3, makes the DynamoDB and SQS clients
and does one PutItem and one SendMessage. Median of 5 alternating pairs; target
<= 1.25x.

Warm submit: the same request in a warm process versus a warm PutItem +
SendMessage, median of many alternating pairs; target <= 1.3x.

Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
PAIRS_COLD = 5
PAIRS_WARM = 60
FORM = json.loads(
    (ROOT / "schemas/examples/online-gd-lost-item/valid-lost-nid.json").read_text("utf-8")
)

APP_PROCESS = r"""
import json, sys, time, uuid
start = time.perf_counter()
from app import app
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
                       "stage": "api"},
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


def start_moto() -> tuple[object, str]:
    """Moto server on a free loopback port, with the stage's resources."""
    sys.path.insert(0, str(BACKEND))
    from devtools.stack import _quiet_libraries, _start_moto

    _quiet_libraries()
    server = _start_moto("127.0.0.1")
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
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
    """Median cold times of (platform, baseline) over alternating pairs."""
    form = json.dumps(FORM)
    platform, baseline = [], []
    for _ in range(PAIRS_COLD):
        platform.append(run(APP_PROCESS, form))
        baseline.append(run(BASELINE_PROCESS, table, queue_url, form))
    return statistics.median(platform), statistics.median(baseline)


def warm(table: str, queue_url: str) -> tuple[float, float, float]:
    """Median warm times of (platform, baseline, bare transaction), one process.

    The third figure is the platform's own writes made bare: one TransactWriteItems
    (application, idempotency claim, day counter) and one SendMessage, without the
    platform's code around them. The gap between it and the baseline is the
    transaction's (moto copies every table a transaction touches); the gap between
    the platform and it is the platform's code.
    """
    import boto3

    from app import app

    dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
    message = json.dumps(FORM)

    def platform_once() -> float:
        body = json.dumps({"service_id": "online-gd-lost-item", "service_version": 1,
                           "applicant": {"name": "Rahim", "phone": "01712345678"},
                           "form": FORM})
        event = {
            "resource": "/applications", "path": "/applications", "httpMethod": "POST",
            "headers": {"Content-Type": "application/json",
                        "Idempotency-Key": str(uuid.uuid4())},
            "multiValueHeaders": {}, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": None,
            "stageVariables": None, "isBase64Encoded": False, "body": body,
            "requestContext": {"resourcePath": "/applications", "httpMethod": "POST",
                               "requestId": str(uuid.uuid4())},
        }
        began = time.perf_counter()
        response = app(event, None)
        spent = time.perf_counter() - began
        assert response["statusCode"] == 201, response
        return spent

    from chalicelib.settings import get_settings

    settings = get_settings()

    def transaction_once() -> float:
        key = uuid.uuid4().hex
        began = time.perf_counter()
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table,
                     "Item": {"tracking_id": {"S": key}, "form": {"S": message}},
                     "ConditionExpression": "attribute_not_exists(tracking_id)"}},
            {"Put": {"TableName": settings.idempotency_table,
                     "Item": {"id": {"S": key}, "answer": {"S": message}},
                     "ConditionExpression": "attribute_not_exists(id)"}},
            {"Update": {"TableName": settings.counters_table,
                        "Key": {"day": {"S": "bench"}, "scope": {"S": key[:2]}},
                        "UpdateExpression": "ADD #n :one",
                        "ExpressionAttributeNames": {"#n": "count"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ])
        sqs.send_message(QueueUrl=queue_url, MessageBody=message)
        return time.perf_counter() - began

    def baseline_once() -> float:
        began = time.perf_counter()
        dynamodb.put_item(TableName=table, Item={"tracking_id": {"S": uuid.uuid4().hex},
                                                 "body": {"S": message}})
        sqs.send_message(QueueUrl=queue_url, MessageBody=message)
        return time.perf_counter() - began

    for _ in range(5):  # warm every path up
        platform_once()
        baseline_once()
        transaction_once()
    platform, baseline, transaction = [], [], []
    for _ in range(PAIRS_WARM):
        platform.append(platform_once())
        baseline.append(baseline_once())
        transaction.append(transaction_once())
    return statistics.median(platform), statistics.median(baseline), statistics.median(transaction)


def main() -> None:
    """Measure and print both ratios."""
    server, endpoint = start_moto()
    import boto3

    from chalicelib.settings import get_settings

    settings = get_settings()
    table = settings.applications_table
    queue_url = boto3.client("sqs").get_queue_url(QueueName=settings.queue_name("police"))[
        "QueueUrl"]
    try:
        cold_platform, cold_baseline = cold(table, queue_url)
        warm_platform, warm_baseline, warm_transaction = warm(table, queue_url)
    finally:
        server.stop()
    print(f"moto server at {endpoint}")
    print(f"cold start  platform {cold_platform * 1000:7.1f} ms   boto3 PutItem+SendMessage "
          f"{cold_baseline * 1000:7.1f} ms   ratio {cold_platform / cold_baseline:5.2f}x "
          f"(target <= 1.25x, median of {PAIRS_COLD} pairs)")
    print(f"warm submit platform {warm_platform * 1000:7.1f} ms   boto3 PutItem+SendMessage "
          f"{warm_baseline * 1000:7.1f} ms   ratio {warm_platform / warm_baseline:5.2f}x "
          f"(target <= 1.3x, median of {PAIRS_WARM} pairs)")
    print(f"  of which: the same writes made bare (TransactWriteItems + SendMessage) "
          f"{warm_transaction * 1000:.1f} ms = {warm_transaction / warm_baseline:.2f}x the "
          f"baseline; the platform's code adds {warm_platform / warm_transaction:.2f}x on top")


if __name__ == "__main__":
    main()
