"""The stage's data: a customer-managed KMS key, the DynamoDB tables the models define,
and the SSM parameters the code reads."""

from __future__ import annotations

from typing import Any

from .inventory import Inventory, logical_id
from .stage import StageConfig

DATA_KEY = "DataKey"
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def data_key_arn() -> dict[str, Any]:
    """The KMS key's ARN, for policies and encryption settings."""
    return {"Fn::GetAtt": [DATA_KEY, "Arn"]}


def _key(stage: StageConfig) -> dict[str, Any]:
    account_root = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    return {
        "Type": "AWS::KMS::Key",
        **RETAIN,
        "Properties": {
            "Description": f"Nagorik Sheba {stage.name}: tables and alarm topic",
            "EnableKeyRotation": True,
            "PendingWindowInDays": 30,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        # The account administers the key; each function's role is
                        # granted its own use of it through IAM (see functions.py).
                        "Sid": "AccountAdministersKeyThroughIam",
                        "Effect": "Allow",
                        "Principal": {"AWS": account_root},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        # Alarms publish to the encrypted SNS topic.
                        "Sid": "CloudWatchAlarmsPublishToEncryptedTopic",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                        "Resource": "*",
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                        },
                    },
                ],
            },
            "Tags": stage.resource_tags(),
        },
    }


def _table(stage: StageConfig, table: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "TableName": table.name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": table.attribute_definitions,
        "KeySchema": table.key_schema,
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {
            "SSEEnabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": data_key_arn(),
        },
        "DeletionProtectionEnabled": {"Fn::If": ["ProtectTables", True, False]},
        "Tags": stage.resource_tags(),
    }
    if table.global_secondary_indexes:
        properties["GlobalSecondaryIndexes"] = table.global_secondary_indexes
    if table.stream_view_type:
        properties["StreamSpecification"] = {"StreamViewType": table.stream_view_type}
    if table.ttl_attribute:
        properties["TimeToLiveSpecification"] = {
            "AttributeName": table.ttl_attribute,
            "Enabled": True,
        }
    return {"Type": "AWS::DynamoDB::Table", **RETAIN, "Properties": properties}


def parameter_arn(path: str) -> dict[str, Any]:
    """The ARN of the SSM parameter this template makes at ``path`` (its Ref is the path:
    ``/nagorik/dev/holidays``)."""
    prefix = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
    return {"Fn::Sub": prefix + "${" + parameter_logical_id(path) + "}"}


def path_arn(path: str) -> dict[str, Any]:
    """The ARN of an SSM parameter ops make themselves (a SecureString: CloudFormation
    cannot make those), by its path."""
    return {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
                       + path}


TOKEN_KEY = "TokenKey"  # noqa: S105 - a logical id, not a secret


def token_key_arn() -> dict[str, Any]:
    """The ARN of the key that signs access tokens."""
    return {"Fn::GetAtt": [TOKEN_KEY, "Arn"]}


def _token_key(stage: StageConfig) -> dict[str, Any]:
    account_root = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    return {
        "Type": "AWS::KMS::Key",
        "Properties": {
            "Description": f"Nagorik Sheba {stage.name}: signs access tokens (ES256)",
            "KeySpec": "ECC_NIST_P256",
            "KeyUsage": "SIGN_VERIFY",
            "PendingWindowInDays": 7,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [{
                    # The account administers the key; the API handler signs with it and
                    # the authorizer reads its public half, each granted through IAM.
                    "Sid": "AccountAdministersKeyThroughIam",
                    "Effect": "Allow",
                    "Principal": {"AWS": account_root},
                    "Action": "kms:*",
                    "Resource": "*",
                }],
            },
            "Tags": stage.resource_tags(),
        },
    }


def parameter_logical_id(path: str) -> str:
    """``/nagorik/dev/holidays`` -> ``HolidaysParameter``."""
    return logical_id(path.rsplit("/", 1)[-1]) + "Parameter"


def resources(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """The key, the tables and the parameters."""
    found: dict[str, Any] = {
        DATA_KEY: _key(stage),
        "DataKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {
                "AliasName": f"alias/{inventory.settings.resource('data')}",
                "TargetKeyId": {"Ref": DATA_KEY},
            },
        },
    }
    found[TOKEN_KEY] = _token_key(stage)
    found["TokenKeyAlias"] = {
        "Type": "AWS::KMS::Alias",
        "Properties": {"AliasName": inventory.settings.token_key_alias,
                       "TargetKeyId": {"Ref": TOKEN_KEY}},
    }
    for table in inventory.tables:
        found[table.logical_id] = _table(stage, table)
    for path, value in inventory.parameters.items():
        found[parameter_logical_id(path)] = {
            "Type": "AWS::SSM::Parameter",
            "Properties": {
                "Name": path,
                "Type": "String",
                "Value": value,
                "Description": "Read by the platform; ops change it with put-parameter. "
                               "This template sets only its starting value.",
                "Tags": stage.tags,
            },
        }
    outputs = {
        table.logical_id + "Name": {"Value": {"Ref": table.logical_id}}
        for table in inventory.tables
    }
    outputs["DataKeyArn"] = {"Value": data_key_arn()}
    return {"Resources": found, "Outputs": outputs}
