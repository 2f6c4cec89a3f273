"""The REST API Chalice makes, named per stage, throttled, and with its decisions route
closed to everyone outside ``DecisionCallerCidrs`` (the route has no authentication yet)."""

from __future__ import annotations

from typing import Any

from .inventory import Inventory
from .stage import StageConfig

DECISIONS_ROUTE = "execute-api:/*/POST/applications/*/decisions"


def api_name(inventory: Inventory) -> str:
    """The API's name, which is also its CloudWatch ``ApiName`` dimension."""
    return inventory.settings.resource("api")


def resource_policy() -> dict[str, Any]:
    """Everyone may call the API, except the decisions route: nobody (``DecisionsClosed``)
    or only callers from ``DecisionCallerCidrs``. Calls through CloudFront come from
    CloudFront's addresses, so the route is closed there whatever the list says."""
    deny = {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
            "Resource": DECISIONS_ROUTE}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
             "Resource": "execute-api:/*"},
            {"Fn::If": [
                "DecisionsClosed",
                deny,
                {**deny, "Condition": {
                    "NotIpAddress": {"aws:SourceIp": {"Ref": "DecisionCallerCidrs"}}
                }},
            ]},
        ],
    }


def resources(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """Overrides of Chalice's ``RestAPI``."""
    return {
        "Resources": {
            "RestAPI": {
                "Properties": {
                    "DefinitionBody": {
                        "info": {"title": api_name(inventory)},
                        "x-amazon-apigateway-policy": resource_policy(),
                    },
                    "MethodSettings": [{
                        "ResourcePath": "/*",
                        "HttpMethod": "*",
                        "ThrottlingRateLimit": {"Ref": "ApiThrottleRateLimit"},
                        "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurstLimit"},
                    }],
                    "Tags": stage.tags,
                }
            }
        },
        "Outputs": {"ApiName": {"Value": api_name(inventory)}},
    }
