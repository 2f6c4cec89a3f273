"""Agencies fail; nothing is lost. The REST adapter and the agency worker against a real
fake agency on loopback (``fake_agency``), with AWS as a moto server on loopback.

Every loop below is bounded by a number of polls, never by the clock; the assertions are
counts (arrivals, transitions, dead letters, calls), never times.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib.domain.access import Principal, Role, citizen_id
from chalicelib.domain.errors import Conflict, NotFound
from tests.helpers import example, submission
from tests.integration.fake_agency import FakeAgency

SECRET = "whsec_" + "ZmFrZS1wb2xpY2UtYWdlbmN5LXNpZ25pbmcta2V5"
GD = "online-gd-lost-item"
CITIZEN = Principal(Role.CITIZEN, citizen_id("+8801712345678", b"test-pepper"),
                    phone="+8801712345678")
OFFICER = Principal(Role.OFFICER, "u-police-1", agency_id="police")


class World:
    """The moto server, the fake agency, and the police worker fed as Lambda feeds it."""

    def __init__(self, agency: FakeAgency) -> None:
        import boto3

        from app import app
        from chalicelib.settings import get_settings
        from devtools.poller import QueuePoller

        self.agency = agency
        self.settings = get_settings()
        self.sqs = boto3.client("sqs")
        self.url = self.sqs.get_queue_url(
            QueueName=self.settings.queue_name("police"))["QueueUrl"]
        self.arn = self.sqs.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.poller = QueuePoller(self.settings.queue_name("police"),
                                  app.handler_map["dispatch_police"], "dispatch_police",
                                  self.settings.region, threading.Event())
        self.keys = 0

    def apply(self, count: int = 1) -> list[str]:
        """New applications to the police, their messages on the police queue."""
        from chalicelib.runtime import runtime

        found = []
        for _ in range(count):
            self.keys += 1
            made = runtime().applications.submit(
                submission(GD, example(GD, "valid-lost-nid")), key=f"faults-{self.keys:04d}",
                principal=CITIZEN)
            tracking_id = made.application.tracking_id
            self.sqs.send_message(QueueUrl=self.url, MessageBody=json.dumps(
                {"tracking_id": tracking_id, "step": "forward"}))
            found.append(tracking_id)
        return found

    def poll(self, rounds: int = 1) -> None:
        for _ in range(rounds):
            self.poller.poll_once(self.sqs, self.url, self.arn)

    def drive(self, done: Callable[[], bool], rounds: int = 60) -> bool:
        """Poll until ``done`` (at most ``rounds`` polls); whether it got there."""
        for _ in range(rounds):
            if done():
                return True
            self.poll()
        return done()

    @staticmethod
    def application(tracking_id: str) -> Any:
        from chalicelib.runtime import runtime

        return runtime().applications.store.get(tracking_id)

    def statuses(self, tracking_ids: list[str]) -> list[str]:
        return [self.application(t).status.value for t in tracking_ids]

    def forwarded_moves(self, tracking_id: str) -> int:
        return [e.status.value for e in self.application(tracking_id).history].count("forwarded")

    def dead_letters(self) -> list[Any]:
        from chalicelib.messaging import SqsQueues

        return SqsQueues(self.settings).dead_letters("police")


@pytest.fixture
def world(tmp_path, monkeypatch) -> Iterator[World]:
    from moto.server import ThreadedMotoServer

    from chalicelib import parameters
    from chalicelib.settings import get_settings
    from devtools.resources import ensure_all
    from devtools.stack import free_port
    from tests.functional.conftest import reset_caches

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    agency = FakeAgency(SECRET).start()
    agencies = tmp_path / "agencies.json"
    agencies.write_text(json.dumps({"police": {"adapter": "rest", "url": agency.url,
                                               "secret": SECRET}}))
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint, "NAGORIK_AGENCIES_FILE": str(agencies),
        "NAGORIK_RETRY_BASE_SECONDS": "0", "NAGORIK_QUEUE_VISIBILITY_SECONDS": "1",
        "NAGORIK_CIRCUIT_FAILURES": "3", "NAGORIK_CIRCUIT_OPEN_SECONDS": "1",
        "NAGORIK_AGENCY_CONNECT_TIMEOUT_SECONDS": "1",
        "NAGORIK_AGENCY_READ_TIMEOUT_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    reset_caches()
    parameters.reset_parameters()
    ensure_all(get_settings())
    try:
        yield World(agency)
    finally:
        agency.stop()
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset",
                                                      method="POST"))
        server.stop()
        reset_caches()
        parameters.reset_parameters()


def test_an_agency_down_then_up_gets_everything_exactly_once(world: World) -> None:
    # GIVEN an agency whose first two answers are 500s, then one that never comes
    world.agency.plan.extend([("status", 500), ("status", 500), "drop"])
    tracking_ids = world.apply(4)

    assert world.drive(lambda: world.statuses(tracking_ids) == ["forwarded"] * 4)

    # THEN each arrived once, with one reference and one forwarded move each
    assert sorted(world.agency.held) == sorted(tracking_ids)
    assert {world.application(t).agency_ref for t in tracking_ids} == set(
        world.agency.held.values())
    assert [world.forwarded_moves(t) for t in tracking_ids] == [1, 1, 1, 1]
    assert world.dead_letters() == []


def test_slow_answers_429s_and_double_answers_are_survived(world: World) -> None:
    world.agency.plan.extend([("slow", 2), ("status", 429, 0), "twice"])
    tracking_ids = world.apply(3)

    assert world.drive(lambda: world.statuses(tracking_ids) == ["forwarded"] * 3)
    assert [world.forwarded_moves(t) for t in tracking_ids] == [1, 1, 1]
    assert len(world.agency.held) == 3
    assert world.dead_letters() == []


def test_a_long_outage_opens_the_circuit_and_everything_arrives_once_after(
        world: World, monkeypatch) -> None:
    from chalicelib.settings import reset_settings
    from chalicelib.workers import dispatch

    monkeypatch.setenv("NAGORIK_CIRCUIT_OPEN_SECONDS", "4")
    reset_settings()
    dispatch.circuits.cache_clear()
    # GIVEN an agency that is down
    world.agency.down = True
    tracking_ids = world.apply(5)
    received_before = world.poller.invocations

    world.poll(10)

    # THEN after the circuit opened the worker stopped calling: far fewer calls than
    # deliveries while it was down, none of them burned into the dead-letter queue
    calls_while_down = len(world.agency.requests)
    deliveries = world.poller.invocations - received_before
    assert calls_while_down < 3 + 4  # the failures that opened it, and a few probes
    assert world.dead_letters() == []
    assert world.statuses(tracking_ids) == ["queued"] * 5

    # WHEN it is back, everything arrives, once
    world.agency.down = False
    assert world.drive(lambda: world.statuses(tracking_ids) == ["forwarded"] * 5, rounds=40)
    assert sorted(world.agency.held) == sorted(tracking_ids)
    assert [world.forwarded_moves(t) for t in tracking_ids] == [1] * 5
    assert world.dead_letters() == []
    assert deliveries >= 1


def test_an_acceptance_whose_answer_is_lost_ends_with_one_forward_and_one_reference(
        world: World) -> None:
    # GIVEN an agency that takes the application and then never answers
    world.agency.plan.append("accept-silently")
    (tracking_id,) = world.apply(1)

    assert world.drive(lambda: world.statuses([tracking_id]) == ["forwarded"])

    # THEN the retry carried the same webhook-id, the agency said it already had it (409),
    # and the application has the one reference and one forwarded move
    ids = {webhook_id for webhook_id, tracked in world.agency.requests if tracked == tracking_id}
    assert ids == {f"{tracking_id}.forward"}
    assert len(world.agency.requests) >= 2
    assert world.application(tracking_id).agency_ref == world.agency.held[tracking_id]
    assert world.forwarded_moves(tracking_id) == 1


def test_a_worker_that_dies_after_the_agency_accepted_still_forwards_once(
        world: World, monkeypatch) -> None:
    from chalicelib.workers import dispatch

    real = dispatch.Guarded.forward
    crashes = []

    def dies_once(self, application):
        receipt = real(self, application)
        if not crashes:
            crashes.append(application.tracking_id)
            raise RuntimeError("the worker's process ended here")
        return receipt

    monkeypatch.setattr(dispatch.Guarded, "forward", dies_once)
    (tracking_id,) = world.apply(1)

    assert world.drive(lambda: world.statuses([tracking_id]) == ["forwarded"])

    assert crashes == [tracking_id]
    assert list(world.agency.held) == [tracking_id]
    assert world.application(tracking_id).agency_ref == world.agency.held[tracking_id]
    assert world.forwarded_moves(tracking_id) == 1


def test_a_poison_message_reaches_the_dlq_is_visible_to_ops_and_proceeds_when_redriven(
        world: World) -> None:
    from click.testing import CliRunner

    from ops.cli import main

    good, refused = world.apply(2)
    world.agency.refusing.add(refused)
    world.sqs.send_message(QueueUrl=world.url, MessageBody="{not json")

    assert world.drive(lambda: len(world.dead_letters()) == 2)

    # THEN the refused one is stuck, in plain view: queued, with the agency's refusal
    assert world.statuses([good, refused]) == ["forwarded", "queued"]
    stuck = world.application(refused)
    assert "refused" in stuck.dispatch_failure["reason"]
    runner = CliRunner()
    listed = json.loads(runner.invoke(main, ["dlq", "list", "--json"],
                                      catch_exceptions=False).output)
    assert {row["tracking_id"]: row["status"] for row in listed} == {refused: "queued",
                                                                     None: None}
    # WHEN the cause is fixed and ops redrive it
    world.agency.refusing.clear()
    redriven = runner.invoke(main, ["dlq", "redrive", "--ids", refused],
                             catch_exceptions=False)
    assert redriven.exit_code == 0, redriven.output
    assert world.drive(lambda: world.statuses([refused]) == ["forwarded"])
    # THEN it proceeded, and only the unreadable message is left for ops
    assert [letter.body for letter in world.dead_letters()] == ["{not json"]


def _under_review(world: World) -> str:
    from chalicelib.domain.callbacks import AgencyCallbacks
    from chalicelib.runtime import runtime

    (tracking_id,) = world.apply(1)
    assert world.drive(lambda: world.statuses([tracking_id]) == ["forwarded"])
    AgencyCallbacks(runtime().applications).receive(
        "police", f"{tracking_id}.review", {"tracking_id": tracking_id, "event": "in_review"})
    return tracking_id


def test_two_officers_deciding_at_once_one_wins_the_other_gets_409(world: World) -> None:
    from chalicelib.runtime import runtime

    tracking_id = _under_review(world)
    version = world.application(tracking_id).version
    barrier, outcomes = threading.Barrier(2), []

    def decide(decision: dict[str, str], officer: str) -> None:
        barrier.wait()
        try:
            runtime().applications.decide(
                tracking_id, decision, expected_version=version,
                principal=Principal(Role.OFFICER, officer, agency_id="police"))
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")

    threads = [threading.Thread(target=decide, args=({"decision": "approve"}, "u-1")),
               threading.Thread(target=decide, args=({"decision": "reject",
                                                      "reason": "ছবি অস্পষ্ট"}, "u-2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["409", "won"]
    decided = [e for e in world.application(tracking_id).history
               if e.status.value in ("approved", "rejected")]
    assert len(decided) == 1


def test_an_officer_of_another_agency_gets_404(world: World) -> None:
    from chalicelib.runtime import runtime

    tracking_id = _under_review(world)
    land = Principal(Role.OFFICER, "u-land-1", agency_id="land")
    with pytest.raises(NotFound):
        runtime().applications.for_principal(tracking_id, land)
    with pytest.raises(NotFound):
        runtime().applications.decide(tracking_id, {"decision": "approve"}, principal=land)
    assert world.application(tracking_id).status.value == "in_review"


@pytest.fixture
def api(world: World) -> Iterator[str]:
    """The platform's API over loopback HTTP (chalice local, as ``make dev`` serves it), on
    the world's moto: the agency's callbacks reach it as they would a stage."""
    from chalice.cli.factory import CLIFactory

    from devtools.stack import BACKEND, free_port

    factory = CLIFactory(project_dir=str(BACKEND))
    config = factory.create_config_obj(chalice_stage_name="dev")
    port = free_port()
    server = factory.create_local_server(config.chalice_app, config, "127.0.0.1", port)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _call_back(api: str, body: bytes, headers: dict[str, str],
               agency: str = "police") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{api}/agencies/{agency}/callbacks", data=body, method="POST",
        headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_forged_stale_and_replayed_callbacks_over_http_change_nothing(
        world: World, api: str) -> None:
    import time

    from chalicelib.agencies import webhooks

    # GIVEN an application the police hold, and what its history says
    (tracking_id,) = world.apply(1)
    assert world.drive(lambda: world.statuses([tracking_id]) == ["forwarded"])
    body = json.dumps({"tracking_id": tracking_id, "event": "in_review"}).encode()
    now = int(time.time())
    other = "whsec_" + "b3RoZXItYWdlbmN5LXNpZ25pbmcta2V5LWZvcmdlZA=="

    # WHEN forged and stale callbacks arrive over HTTP
    forgeries = {
        "wrong secret": (body, webhooks.headers(other, "evt-f1", now, body)),
        "stale": (body, webhooks.headers(SECRET, "evt-f2", now - 6 * 60, body)),
        "altered body": (body.replace(b"in_review", b"delivered"),
                         webhooks.headers(SECRET, "evt-f3", now, body)),
        "unsigned": (body, {}),
    }
    before = [e.status.value for e in world.application(tracking_id).history]
    for name, (sent, headers) in forgeries.items():
        status, refusal = _call_back(api, sent, headers)
        # THEN each is a bilingual 401 and the history has not moved
        assert (status, refusal["code"]) == (401, "callback_unauthorized"), name
        assert refusal["message_bn"] and refusal["message_en"]
    assert [e.status.value for e in world.application(tracking_id).history] == before

    # WHEN the genuine callback comes, then comes again with its webhook-id (a replay)
    genuine = webhooks.headers(SECRET, "evt-g1", now, body)
    first = _call_back(api, body, genuine)
    replayed = _call_back(api, body, genuine)

    # THEN it moved the application once, and the replay got the same answer
    assert first == (200, {"tracking_id": tracking_id, "status": "in_review"})
    assert replayed == first
    history = [e.status.value for e in world.application(tracking_id).history]
    assert history == [*before, "in_review"]
