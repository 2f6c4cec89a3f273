"""Agency workers: partial batch responses, backoff, and poison messages kept in the DLQ."""

from __future__ import annotations

import json
import threading

import boto3
import pytest

from chalicelib.agencies.simulator import SimulatedAgency
from chalicelib.domain.errors import AgencyError
from chalicelib.messaging import backoff_seconds
from chalicelib.settings import get_settings
from chalicelib.workers import dispatch
from devtools.poller import QueuePoller
from tests.grants import dynamodb_actions, refused
from tests.helpers import example, get_json, post_json, submission

GD = "online-gd-lost-item"


def submit(client, key: str) -> str:
    body = submission(GD, example(GD, "valid-lost-nid"))
    return post_json(client, "/applications", body, **{"Idempotency-Key": key}).json["tracking_id"]


def status_of(client, tracking_id: str) -> str:
    return get_json(client, f"/applications/{tracking_id}?phone=01712345678").json["status"]


def sqs_event(client, bodies: list[str]) -> dict:
    """A Lambda SQS event whose messages have distinct ids (Chalice's generator repeats one)."""
    event = client.events.generate_sqs_event(
        queue_name=get_settings().queue_name("police"), message_bodies=bodies)
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"message-{index}"
        record["attributes"]["ApproximateReceiveCount"] = "1"
    return event


class FlakyAgency:
    """Accepts every application except the ones it is told to fail."""

    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.forwarded: list[str] = []

    def forward(self, application):
        if application.tracking_id in self.failing:
            raise AgencyError("agency timed out", retryable=True)
        self.forwarded.append(application.tracking_id)
        return SimulatedAgency("police", latency_ms=0, failure_rate=0).forward(application)


@pytest.fixture
def agency(monkeypatch) -> FlakyAgency:
    flaky = FlakyAgency(set())
    dispatch.adapter_for.cache_clear()
    monkeypatch.setattr(dispatch, "adapter_for", lambda agency_id: flaky)
    return flaky


def test_only_failed_records_are_reported_back(client, agency, citizen) -> None:
    ok_first, failing, ok_last = (submit(citizen, f"w-0000000{i}") for i in range(3))
    agency.failing.add(failing)
    bodies = [json.dumps({"tracking_id": tid}) for tid in (ok_first, failing, ok_last)]
    bodies.append("not json at all")

    with dynamodb_actions() as asked:
        result = client.lambda_.invoke("dispatch_police", sqs_event(client, bodies)).payload

    # every DynamoDB call it made is one an agency worker's role allows (moto allows all)
    assert asked and refused("dispatch_police", asked) == set()
    # the unreadable message is moved to the dead-letter queue by the worker itself
    assert result == {"batchItemFailures": [{"itemIdentifier": "message-1"}]}
    assert dead_letters("police") == ["not json at all"]
    assert [status_of(client, tid) for tid in (ok_first, failing, ok_last)] == [
        "in_review", "queued", "in_review"]
    assert agency.forwarded == [ok_first, ok_last]


def test_a_batch_where_everything_fails_is_reported_not_raised(client, agency, citizen) -> None:
    tracking_id = submit(citizen, "w-00000010")
    agency.failing.add(tracking_id)

    result = client.lambda_.invoke(
        "dispatch_police", sqs_event(client, [json.dumps({"tracking_id": tracking_id})])).payload

    assert result == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}


def test_a_redelivered_message_does_nothing_twice(client, agency, citizen) -> None:
    tracking_id = submit(citizen, "w-00000020")
    event = sqs_event(client, [json.dumps({"tracking_id": tracking_id})])

    first = client.lambda_.invoke("dispatch_police", event).payload
    again = client.lambda_.invoke("dispatch_police", event).payload

    assert first == again == {"batchItemFailures": []}
    assert agency.forwarded == [tracking_id]
    history = get_json(client, f"/applications/{tracking_id}?phone=01712345678").json["history"]
    assert [step["status"] for step in history].count("forwarded") == 1


def test_a_retryable_failure_comes_back_later_with_exponential_backoff(agency) -> None:
    settings = get_settings()
    assert [backoff_seconds(n, settings.retry_base_seconds, settings.retry_max_seconds)
            for n in (1, 2, 3, 10)] == [30, 60, 120, 900]


def drain(queue_name: str, stop_after: int = 40) -> QueuePoller:
    """Run the local poller (Lambda's semantics) until the queue is empty."""
    from app import app

    handler = app.handler_map["dispatch_police"]
    poller = QueuePoller(queue_name, handler, "dispatch_police", get_settings().region,
                         threading.Event())
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    for _ in range(stop_after):
        if poller.poll_once(sqs, url, arn) == 0:
            break
    return poller


def dead_letters(agency_id: str) -> list[str]:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=get_settings().dead_letter_queue_name(agency_id))["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [message["Body"] for message in messages]


def test_an_agency_that_keeps_failing_within_the_retry_window_sends_nothing_to_the_dlq(
        client, agency, outbox, monkeypatch, citizen) -> None:
    monkeypatch.setenv("NAGORIK_RETRY_BASE_SECONDS", "0")  # no waiting in a test
    from chalicelib.settings import reset_settings

    reset_settings()
    tracking_id = submit(citizen, "w-00000031")
    outbox()
    agency.failing.add(tracking_id)

    poller = drain(get_settings().queue_name("police"), stop_after=12)

    assert poller.invocations == 12  # every receive retried: the receive count decides nothing
    assert dead_letters("police") == []
    assert status_of(client, tracking_id) == "queued"


def test_an_application_the_agency_never_takes_ends_in_the_dlq_and_is_not_lost(
    client, agency, outbox, monkeypatch
, citizen) -> None:
    monkeypatch.setenv("NAGORIK_RETRY_BASE_SECONDS", "0")  # no waiting in a test
    monkeypatch.setenv("NAGORIK_RETRY_WINDOW_HOURS", "0")  # its window is over at once
    from chalicelib.settings import reset_settings

    reset_settings()
    tracking_id = submit(citizen, "w-00000030")
    outbox()  # the stream hands the application to the agency's queue
    agency.failing.add(tracking_id)

    drain(get_settings().queue_name("police"))

    assert [json.loads(body) for body in dead_letters("police")] == [
        {"tracking_id": tracking_id, "step": "forward"}]
    assert status_of(client, tracking_id) == "queued"  # still stored, still trackable


def test_a_poison_message_reaches_the_dlq_promptly_and_stays_there(client, agency) -> None:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=get_settings().queue_name("police"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody='{"tracking_id": "0000000000000000"}')

    drain(get_settings().queue_name("police"))

    assert dead_letters("police") == ['{"tracking_id": "0000000000000000"}']


def test_the_office_deadline_is_set_when_the_office_receives_it(client, agency, citizen) -> None:
    from datetime import date, datetime

    from chalicelib.domain.bangla import add_working_days, dhaka_date
    from chalicelib.runtime import runtime

    body = submission("birth-registration-new", example("birth-registration-new", "valid-newborn"))
    tracking_id = post_json(citizen, "/applications", body,
                            **{"Idempotency-Key": "w-00000050"}).json["tracking_id"]
    event = client.events.generate_sqs_event(
        queue_name=get_settings().queue_name("birth-death-registration"),
        message_bodies=[json.dumps({"tracking_id": tracking_id})])
    client.lambda_.invoke("dispatch_birth_death_registration", event)

    answer = get_json(client, f"/applications/{tracking_id}?phone=01712345678").json
    forwarded = next(step for step in answer["history"] if step["status"] == "forwarded")
    received = dhaka_date(datetime.fromisoformat(forwarded["at"]))
    expected = add_working_days(received, 7, runtime().applications.holidays())
    assert answer["due_by"]["date"] == expected.isoformat()
    assert date.fromisoformat(answer["due_by"]["date"]).weekday() not in (4, 5)
    assert answer["sla_working_days"] == 7


def test_the_deadline_skips_the_public_holidays_listed_in_ssm(client, agency, citizen) -> None:
    """The holiday list is read through the real parameter path (Powertools, SSM on moto)."""
    from datetime import date, datetime, timedelta

    from chalicelib.aws import client as aws_client
    from chalicelib.domain.bangla import add_working_days, dhaka_date, is_working_day, now_dhaka
    from chalicelib.settings import HOLIDAYS_PARAMETER

    # GIVEN ops listed the next three working days as public holidays
    day, closed = now_dhaka().date(), []
    while len(closed) < 3:
        day += timedelta(days=1)
        if is_working_day(day):
            closed.append(day)
    aws_client("ssm").put_parameter(
        Name=get_settings().parameter(HOLIDAYS_PARAMETER), Overwrite=True, Type="String",
        Value=json.dumps([holiday.isoformat() for holiday in closed]))

    # WHEN the office receives an application with a 7-working-day limit
    body = submission("birth-registration-new", example("birth-registration-new", "valid-newborn"))
    tracking_id = post_json(citizen, "/applications", body,
                            **{"Idempotency-Key": "w-00000051"}).json["tracking_id"]
    event = client.events.generate_sqs_event(
        queue_name=get_settings().queue_name("birth-death-registration"),
        message_bodies=[json.dumps({"tracking_id": tracking_id})])
    client.lambda_.invoke("dispatch_birth_death_registration", event)

    # THEN the deadline counts none of the holidays as a working day
    answer = get_json(client, f"/applications/{tracking_id}?phone=01712345678").json
    forwarded = next(step for step in answer["history"] if step["status"] == "forwarded")
    received = dhaka_date(datetime.fromisoformat(forwarded["at"]))
    due = date.fromisoformat(answer["due_by"]["date"])
    assert due == add_working_days(received, 7, closed)
    assert due > add_working_days(received, 7)
    assert due not in closed
