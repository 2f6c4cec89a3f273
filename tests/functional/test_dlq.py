"""``nagorik dlq``: a message the worker gave up on is listed with its application and why,
and once the cause is fixed, a redrive sends it through normally."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chalicelib.agencies.simulator import SimulatedAgency
from chalicelib.domain.errors import AgencyRefused
from chalicelib.settings import get_settings
from chalicelib.workers import dispatch
from ops.cli import main
from tests.functional.test_workers import dead_letters, drain, status_of, submit


class Refusing:
    """Refuses the applications it is told to (the data is wrong), accepts the rest."""

    def __init__(self) -> None:
        self.refusing: set[str] = set()
        self.received: list[str] = []

    def forward(self, application):
        if application.tracking_id in self.refusing:
            raise AgencyRefused("police refused the application (422)")
        self.received.append(application.tracking_id)
        return SimulatedAgency("police", latency_ms=0, failure_rate=0).forward(application)


@pytest.fixture
def agency(monkeypatch) -> Refusing:
    refusing = Refusing()
    monkeypatch.setattr(dispatch, "adapter_for", lambda agency_id: refusing)
    return refusing


@pytest.fixture
def nagorik(aws, monkeypatch):
    monkeypatch.setenv("NAGORIK_STAGE", "dev")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_a_refused_application_is_listed_then_redriven_and_proceeds(
        client, agency, outbox, citizen, nagorik) -> None:
    # GIVEN an application the agency refuses
    tracking_id = submit(citizen, "dlq-00000001")
    outbox()
    agency.refusing.add(tracking_id)
    drain(get_settings().queue_name("police"))
    # THEN it is in the dead-letter queue at once (a refusal is final), still queued,
    # and ops see it there with its application, status and why
    assert status_of(client, tracking_id) == "queued"
    listed = nagorik("dlq", "list", "--agency", "police", "--json")
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert row["tracking_id"] == tracking_id
    assert row["status"] == "queued"
    assert "refused" in row["reason"]
    assert row["first_failed_at"] and row["receive_count"] == 1
    assert "1 dead letter(s)" in nagorik("dlq", "list").output

    # WHEN the cause is fixed and ops redrive it
    agency.refusing.clear()
    redriven = nagorik("dlq", "redrive", "--agency", "police", "--ids", tracking_id)
    assert redriven.exit_code == 0, redriven.output
    assert "redrove 1 message(s)" in redriven.output
    drain(get_settings().queue_name("police"))

    # THEN it proceeds like any other, and the dead-letter queue is empty
    assert status_of(client, tracking_id) == "in_review"
    assert agency.received == [tracking_id]
    assert dead_letters("police") == []


def test_redrive_names_ids_that_are_not_there(nagorik, client) -> None:
    result = nagorik("dlq", "redrive", "--ids", "no-such-message")
    assert result.exit_code == 1
    assert "--ids" in result.output and "no-such-message" in result.output


def test_an_unknown_agency_is_named(nagorik, client) -> None:
    result = nagorik("dlq", "list", "--agency", "nowhere")
    assert result.exit_code == 1
    assert "--agency" in result.output


@pytest.mark.parametrize("command", [["dlq"], ["dlq", "list"], ["dlq", "redrive"]])
def test_every_dlq_command_has_help(command) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
