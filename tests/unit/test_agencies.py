"""One list of agencies drives everything: services, queues, dead-letter queues, workers.

The agencies the service schemas name, the ids in ``agencies.json``, the queues the
code declares (``devtools.resources`` creates them from ``settings.queue_name``) and
the queues the workers consume (the SQS event sources registered on ``app.app``)
must be the same set, so no application is ever queued where nothing listens and no
worker waits on a queue nobody fills.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.agencies.registry import AGENCIES_FILE, agencies, agency_ids
from chalicelib.settings import Settings, get_settings
from devtools import resources
from tests.helpers import ROOT

STAGES = tuple(json.loads((ROOT / "chalice.json").read_text(encoding="utf-8"))["stages"])
SQS_NAME_LIMIT = 80


def service_agencies() -> dict[str, str]:
    """Service id -> agency id, from the schema files."""
    found = {}
    for path in sorted((ROOT / "schemas" / "services").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        found[document["id"]] = document["agency"]
    return found


class RecordingSqs:
    """Stands in for the SQS client: records the queues the code asks for."""

    def __init__(self) -> None:
        self.created: dict[str, dict[str, str]] = {}

    def create_queue(self, QueueName: str, Attributes: dict[str, str]) -> dict[str, str]:  # noqa: N803
        self.created[QueueName] = Attributes
        return {"QueueUrl": f"https://sqs.invalid/000000000000/{QueueName}"}

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:  # noqa: N803
        name = QueueUrl.rsplit("/", 1)[-1]
        return {"Attributes": {"QueueArn": f"arn:aws:sqs:ap-south-1:000000000000:{name}"}}


@pytest.fixture
def declared_queues(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, str]]:
    """The queues ``devtools.resources`` creates for this stage, by name."""
    sqs = RecordingSqs()
    monkeypatch.setattr(resources, "client", lambda name: sqs)
    resources.ensure_queues(get_settings())
    return sqs.created


def test_the_agencies_in_the_schemas_are_exactly_the_agencies_in_the_list() -> None:
    assert set(service_agencies().values()) == set(agency_ids())


def test_every_agency_has_at_least_one_service() -> None:
    used = set(service_agencies().values())
    idle = [agency for agency in agency_ids() if agency not in used]
    assert idle == []


def test_agency_ids_are_unique_short_and_lowercase() -> None:
    ids = agency_ids()
    assert len(ids) == len(set(ids))
    for agency_id in ids:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", agency_id), agency_id


@pytest.mark.parametrize("stage", STAGES)
def test_every_queue_name_fits_sqs_in_every_stage(stage: str) -> None:
    settings = Settings(stage=stage)
    for agency_id in agency_ids():
        for name in (settings.queue_name(agency_id), settings.dead_letter_queue_name(agency_id)):
            assert len(name) < SQS_NAME_LIMIT, name
            assert re.fullmatch(r"[A-Za-z0-9_-]+", name), name


def test_every_agency_has_a_bangla_and_english_name() -> None:
    raw = json.loads(AGENCIES_FILE.read_text(encoding="utf-8"))["agencies"]
    for entry in raw:
        assert re.search("[\u0980-\u09ff]", entry["name"]["bn"]), entry["id"]
        assert entry["name"]["en"].strip(), entry["id"]
    assert [entry["id"] for entry in raw] == [agency.id for agency in agencies()]


def test_the_code_declares_a_queue_pair_per_agency_one_for_sms_and_one_for_the_stream(
    declared_queues: dict[str, dict[str, str]],
) -> None:
    settings = get_settings()
    expected = {settings.queue_name(a) for a in agency_ids()} | {
        settings.dead_letter_queue_name(a) for a in agency_ids()
    } | {settings.outbox_failures_queue_name, settings.notifications_queue_name,
         settings.notifications_dead_letter_queue_name}
    assert set(declared_queues) == expected
    for agency_id in agency_ids():
        redrive = json.loads(declared_queues[settings.queue_name(agency_id)]["RedrivePolicy"])
        dead_letter = settings.dead_letter_queue_name(agency_id)
        assert redrive["deadLetterTargetArn"].endswith(":" + dead_letter)


def test_the_workers_consume_exactly_the_declared_work_queues(
    declared_queues: dict[str, dict[str, str]],
) -> None:
    import app  # the deployed entry point, with every blueprint registered

    settings = get_settings()
    consumed = [
        source.queue
        for source in app.app.event_sources
        if type(source).__name__ == "SQSEventConfig"
    ]
    # (the stream failures queue is read by people, not by a worker: see its alarm)
    work_queues = {name for name in declared_queues if not name.endswith("-dlq")
                   and name != settings.outbox_failures_queue_name}
    assert len(consumed) == len(set(consumed)), "two workers on one queue"
    assert set(consumed) == work_queues == {settings.queue_name(a) for a in agency_ids()} | {
        settings.notifications_queue_name}  # each agency's worker, and the SMS worker


def test_every_worker_handler_can_be_imported_by_name() -> None:
    import importlib

    import app

    for source in app.app.event_sources:
        if type(source).__name__ != "SQSEventConfig":
            continue
        module_name, _, function = source.handler_string.rpartition(".")
        assert callable(getattr(importlib.import_module(module_name), function)), source.name
