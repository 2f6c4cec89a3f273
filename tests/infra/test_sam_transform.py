"""What CloudFormation really creates: the SAM transform applied to the packaged template
(the same translator CloudFormation runs), so a property SAM would drop is caught here."""

from __future__ import annotations

from typing import Any

from cfnlint.decode import decode
from cfnlint.template.transforms._sam import Transform

from tests.infra.conftest import Packaged
from tests.infra.template import of_type, referenced


class FullTransform(Transform):
    """cfn-lint's SAM transform, keeping the API's OpenAPI body (cfn-lint blanks it)."""

    def _replace_local_codeuri(self) -> None:
        bodies = {
            logical_id: resource["Properties"]["DefinitionBody"]
            for logical_id, resource in self._template["Resources"].items()
            if resource["Type"] == "AWS::Serverless::Api"
        }
        super()._replace_local_codeuri()
        for logical_id, body in bodies.items():
            self._template["Resources"][logical_id]["Properties"]["DefinitionBody"] = body


def transformed(stage: Packaged) -> dict[str, Any]:
    template, problems = decode(str(stage.sam))
    assert not problems
    transform = FullTransform(str(stage.sam), template, "ap-south-1")
    assert transform.transform_template() == []
    return transform._template


def test_event_source_mappings_report_batch_item_failures(stage: Packaged) -> None:
    template = transformed(stage)
    mappings = of_type(template, "AWS::Lambda::EventSourceMapping").values()
    queues = of_type(template, "AWS::SQS::Queue")
    tables = of_type(template, "AWS::DynamoDB::Table")
    consumed, streams = set(), []
    for mapping in mappings:
        properties = mapping["Properties"]
        # THEN each mapping Lambda gets honours partial batch responses ...
        assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        # ... and waits for the queue or table it reads (a reference, not a name)
        (source,) = referenced(properties["EventSourceArn"])
        if source in queues:
            consumed.add(source)
            continue
        assert source in tables
        streams.append(properties)
    # AND every agency queue has its consumer (not the DLQs, not the failures queue)
    assert len(consumed) == (len(queues) - 1) // 2
    # AND the outbox stream is read from its oldest record, with bounded, bisecting
    # retries and a destination for what it gives up on
    (outbox,) = streams
    assert outbox["StartingPosition"] == "TRIM_HORIZON"
    assert outbox["BisectBatchOnFunctionError"] is True
    assert 0 < outbox["MaximumRetryAttempts"] <= 10
    (destination,) = referenced(outbox["DestinationConfig"]["OnFailure"]["Destination"])
    assert destination == "StreamFailuresQueue"


def test_the_api_refuses_in_the_platforms_bilingual_body(stage: Packaged) -> None:
    import json

    from chalicelib.api.errors import GATEWAY_RESPONSES

    template = transformed(stage)
    (api,) = of_type(template, "AWS::ApiGateway::RestApi").values()
    assert api["Properties"]["Body"]["info"]["title"].endswith(f"-{stage.stage}-api")
    responses = api["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]
    # THEN every refusal before a route runs (no token, unknown path, throttling, ...)
    # answers with the status and the Bangla and English body the local stack gives
    assert set(responses) == set(GATEWAY_RESPONSES)
    for kind, (status, code) in GATEWAY_RESPONSES.items():
        answer = responses[kind]
        assert answer["statusCode"] == str(status)
        body = json.loads(answer["responseTemplates"]["application/json"])
        assert body["code"] == code and body["message_bn"] and body["message_en"]
    # AND every route but the public ones runs the one built-in authorizer
    (authorizer,) = api["Properties"]["Body"]["securityDefinitions"].values()
    assert authorizer["x-amazon-apigateway-authtype"] == "custom"
