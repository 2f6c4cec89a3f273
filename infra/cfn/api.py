"""The REST API Chalice makes: named per stage, throttled, and answering in the platform's
bilingual body whatever API Gateway refuses before a route runs (its gateway responses:
no or a refused token, an unknown path, throttling, ...)."""

from __future__ import annotations

from typing import Any

from .inventory import Inventory
from .stage import StageConfig


def api_name(inventory: Inventory) -> str:
    """The API's name, which is also its CloudWatch ``ApiName`` dimension."""
    return inventory.settings.resource("api")


def gateway_responses() -> dict[str, Any]:
    """The API's ``x-amazon-apigateway-gateway-responses``, one per refusal the code names
    (``api.errors.GATEWAY_RESPONSES``): the same bodies the local stack answers with. (In
    the API's own definition, not as separate resources, which would drift from it.)"""
    from chalicelib.api.errors import GATEWAY_RESPONSES, gateway_body

    found = {}
    for response_type in GATEWAY_RESPONSES:
        status, body = gateway_body(response_type)
        found[response_type] = {
            "statusCode": str(status),
            "responseTemplates": {"application/json": body},
            "responseParameters": {
                "gatewayresponse.header.Content-Type": "'application/json; charset=utf-8'",
                "gatewayresponse.header.Cache-Control": "'no-store'",
            },
        }
    return found


def resources(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """Overrides of Chalice's ``RestAPI``."""
    return {
        "Resources": {
            "RestAPI": {
                "Properties": {
                    "DefinitionBody": {
                        "info": {"title": api_name(inventory)},
                        "x-amazon-apigateway-gateway-responses": gateway_responses(),
                    },
                    "MethodSettings": [{
                        "ResourcePath": "/*",
                        "HttpMethod": "*",
                        "ThrottlingRateLimit": {"Ref": "ApiThrottleRateLimit"},
                        "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurstLimit"},
                    }],
                    "Tags": stage.tags,
                }
            },
        },
        "Outputs": {"ApiName": {"Value": api_name(inventory)}},
    }
