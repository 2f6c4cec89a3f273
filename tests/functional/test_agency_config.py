"""Where agencies are reached: SSM in a stage, the local file overriding it; a desk agency's
applications go to its officers and never toward the dead-letter queue."""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib.agencies import config
from chalicelib.settings import get_settings, reset_settings
from tests.functional.test_workers import sqs_event, status_of, submit

SECRET = "whsec_" + "c3NtLXNlY3JldC1vZi10aGUtcG9saWNlLWFnZW5jeQ=="


def test_the_url_and_secret_come_from_ssm(aws) -> None:
    from chalicelib import parameters

    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/nagorik/dev/agencies/police/url", Value="https://api.police.example/",
                      Type="String")
    ssm.put_parameter(Name="/nagorik/dev/agencies/police/secret", Value=SECRET,
                      Type="SecureString")
    parameters.reset_parameters()

    found = config.endpoint(get_settings(), "police")

    assert found == config.AgencyEndpoint("https://api.police.example", SECRET)
    with pytest.raises(config.AgencyNotConfigured):
        config.endpoint(get_settings(), "land")


def test_the_local_file_overrides_the_adapter_url_and_secret(aws, tmp_path, monkeypatch) -> None:
    path = tmp_path / "agencies.json"
    path.write_text(json.dumps({"land": {"adapter": "rest", "url": "http://127.0.0.1:8181",
                                         "secret": SECRET}}))
    monkeypatch.setenv("NAGORIK_AGENCIES_FILE", str(path))
    reset_settings()

    assert config.adapter_kind(get_settings(), "land") == "rest"
    assert config.adapter_kind(get_settings(), "police") == "simulator"  # agencies.json
    assert config.endpoint(get_settings(), "land").url == "http://127.0.0.1:8181"


def test_an_unknown_adapter_in_the_file_is_named(aws, tmp_path, monkeypatch) -> None:
    path = tmp_path / "agencies.json"
    path.write_text(json.dumps({"land": {"adapter": "fax"}}))
    monkeypatch.setenv("NAGORIK_AGENCIES_FILE", str(path))
    reset_settings()
    with pytest.raises(ValueError, match="fax"):
        config.adapter_kind(get_settings(), "land")


def test_a_desk_agencys_applications_go_to_its_officers(client, citizen, tmp_path,
                                                         monkeypatch) -> None:
    from chalicelib.workers import dispatch

    path = tmp_path / "agencies.json"
    path.write_text(json.dumps({"police": {"adapter": "desk"}}))
    monkeypatch.setenv("NAGORIK_AGENCIES_FILE", str(path))
    monkeypatch.setenv("NAGORIK_ALLOW_SIMULATOR", "false")
    reset_settings()
    dispatch.adapter_for.cache_clear()
    tracking_id = submit(citizen, "desk-agency-01")

    result = client.lambda_.invoke(
        "dispatch_police", sqs_event(client, [json.dumps({"tracking_id": tracking_id})])).payload

    assert result == {"batchItemFailures": []}
    assert status_of(client, tracking_id) == "in_review"  # on the desk, awaiting an officer
    dlq = boto3.client("sqs").get_queue_url(
        QueueName=get_settings().dead_letter_queue_name("police"))["QueueUrl"]
    assert boto3.client("sqs").receive_message(QueueUrl=dlq).get("Messages", []) == []
