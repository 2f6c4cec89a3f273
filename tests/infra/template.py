"""Reading a packaged SAM template the way a reviewer would: by type, by name, by reference."""

from __future__ import annotations

import re
from typing import Any

SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}")


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Resources of one CloudFormation type, by logical id."""
    return {key: value for key, value in template["Resources"].items() if value["Type"] == kind}


def by_property(template: dict[str, Any], kind: str, name: str) -> dict[Any, str]:
    """Logical ids of one type by the value of a property (``QueueName`` -> id)."""
    return {
        resource["Properties"][name]: logical_id
        for logical_id, resource in of_type(template, kind).items()
    }


def referenced(value: Any) -> set[str]:
    """Every logical id (or pseudo parameter) that a value refers to."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref":
                found.add(item)
            elif key == "Fn::GetAtt":
                found.add(item[0] if isinstance(item, list) else item.split(".")[0])
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                found |= set(SUB_REFERENCE.findall(text)) - {"AWS"}
                if isinstance(item, list):
                    found |= referenced(item[1])
            else:
                found |= referenced(item)
    elif isinstance(value, list):
        for item in value:
            found |= referenced(item)
    return found


def as_list(value: Any) -> list[Any]:
    """A policy field that may be one value or a list."""
    return value if isinstance(value, list) else [value]


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The Lambda functions."""
    return of_type(template, "AWS::Serverless::Function")


def statements(template: dict[str, Any], function_id: str) -> list[dict[str, Any]]:
    """Every policy statement of a function's role."""
    role = functions(template)[function_id]["Properties"]["Role"]
    (role_id,) = referenced(role)
    policies = template["Resources"][role_id]["Properties"]["Policies"]
    return [statement for policy in policies for statement in policy["PolicyDocument"]["Statement"]]


def grants(template: dict[str, Any], function_id: str) -> dict[str, set[str]]:
    """What a function may do: action -> the logical ids it may do it to."""
    found: dict[str, set[str]] = {}
    for statement in statements(template, function_id):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            found.setdefault(action, set()).update(referenced(statement["Resource"]))
    return found


def function_by_handler(template: dict[str, Any], handler: str) -> str:
    """The logical id of the function with this handler."""
    (found,) = [
        logical_id for logical_id, resource in functions(template).items()
        if resource["Properties"]["Handler"] == handler
    ]
    return found


def sqs_events(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """SQS event sources by the logical id of the function they invoke."""
    return {
        logical_id: event["Properties"]
        for logical_id, resource in functions(template).items()
        for event in resource["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    }
