"""A stage's deploy settings, read from ``chalice.json`` (the one source of truth).

Chalice's own keys (memory, timeout, log retention, tags, environment) stay where
Chalice reads them; what Chalice has no key for lives in the stage's ``infra`` block
and becomes the default of a template parameter, so ops can still override any of
them at deploy time (``--parameter-overrides``) without touching code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHALICE_JSON = ROOT / "chalice.json"

PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# Template parameter -> (key in the stage's "infra" block, CloudFormation definition).
PARAMETERS: dict[str, tuple[str, dict[str, Any]]] = {
    "AlarmEmail": ("alarm_email", {
        "Type": "String",
        "AllowedPattern": r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
        "Description": "Where alarm notifications go (one address; empty: subscribe later).",
    }),
    "AgencyMaxConcurrency": ("agency_max_concurrency", {
        "Type": "Number", "MinValue": 2, "MaxValue": 1000,
        "Description": "At most this many concurrent worker invocations per agency queue "
                       "(protects agency systems; SQS event source MaximumConcurrency).",
    }),
    "ApiThrottleRateLimit": ("api_throttle_rate_limit", {
        "Type": "Number", "MinValue": 1,
        "Description": "API Gateway steady-state requests per second for the whole API.",
    }),
    "ApiThrottleBurstLimit": ("api_throttle_burst_limit", {
        "Type": "Number", "MinValue": 1,
        "Description": "API Gateway burst (token bucket size) for the whole API.",
    }),
    "Api5xxAlarmPercent": ("api_5xx_alarm_percent", {
        "Type": "Number", "MinValue": 0, "MaxValue": 100,
        "Description": "Alarm when more than this percentage of API requests in five "
                       "minutes answer 5xx.",
    }),
    "Api5xxAlarmMinRequests": ("api_5xx_alarm_min_requests", {
        "Type": "Number", "MinValue": 1,
        "Description": "The 5xx rate alarm ignores five-minute periods with fewer requests.",
    }),
    "TableDeletionProtection": ("table_deletion_protection", {
        "Type": "String", "AllowedValues": ["true", "false"],
        "Description": "DynamoDB deletion protection on every table.",
    }),
    "WebPriceClass": ("web_price_class", {
        "Type": "String", "AllowedValues": list(PRICE_CLASSES),
        "Description": "CloudFront price class (PriceClass_200 includes the edge locations "
                       "in India nearest Bangladesh).",
    }),
    "WebDomainName": ("web_domain_name", {
        "Type": "String",
        "Description": "The web app's own domain (empty: the cloudfront.net name).",
    }),
    "WebCertificateArn": ("web_certificate_arn", {
        "Type": "String",
        "Description": "ACM certificate for WebDomainName, issued in us-east-1 (empty: none).",
    }),
}


def _default(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class StageConfig:
    """One stage's settings: Chalice's keys it needs to know, and the ``infra`` block."""

    name: str
    app_name: str
    lambda_timeout: int
    infra: dict[str, Any]
    tags: dict[str, str]

    @property
    def alarm_email_required(self) -> bool:
        """Whether alarms must reach someone from the first deploy (staging, prod)."""
        return bool(self.infra.get("alarm_email_required"))

    def parameters(self) -> dict[str, Any]:
        """The template's parameters, each defaulting to this stage's value.

        Where the stage requires an alarm e-mail and ``chalice.json`` names none, the
        parameter has no default and takes only an address: the deploy must give one.
        """
        found = {
            parameter: {**definition, "Default": _default(self.infra[key])}
            for parameter, (key, definition) in PARAMETERS.items()
        }
        if self.alarm_email_required:
            found["AlarmEmail"]["AllowedPattern"] = EMAIL_PATTERN
            found["AlarmEmail"]["Description"] = (
                "Where alarm notifications go (one address; required in this stage).")
            if not self.infra["alarm_email"]:
                del found["AlarmEmail"]["Default"]
        return found

    @staticmethod
    def conditions() -> dict[str, Any]:
        """Conditions on the parameters' values."""
        not_empty = lambda name: {"Fn::Not": [{"Fn::Equals": [{"Ref": name}, ""]}]}  # noqa: E731
        return {
            "HasAlarmEmail": not_empty("AlarmEmail"),
            "ProtectTables": {"Fn::Equals": [{"Ref": "TableDeletionProtection"}, "true"]},
            "HasWebDomain": {
                "Fn::And": [not_empty("WebDomainName"), not_empty("WebCertificateArn")]
            },
        }

    def resource_tags(self) -> list[dict[str, str]]:
        """Tags for resources that take a list of ``Key``/``Value`` pairs."""
        return [{"Key": key, "Value": value} for key, value in sorted(self.tags.items())]


def stage_environment(stage: str, config_path: Path = CHALICE_JSON) -> dict[str, str]:
    """The environment variables Chalice gives the stage's functions (top level, then the
    stage's own): the code's settings must be read with these to match what runs."""
    config = json.loads(config_path.read_text(encoding="utf-8"))
    return {
        **config.get("environment_variables", {}),
        **config.get("stages", {}).get(stage, {}).get("environment_variables", {}),
    }


def stage_names(config_path: Path = CHALICE_JSON) -> list[str]:
    """The stages ``chalice.json`` defines."""
    return list(json.loads(config_path.read_text(encoding="utf-8"))["stages"])


def load_stage(stage: str, config_path: Path = CHALICE_JSON) -> StageConfig:
    """The settings of ``stage``; ``ValueError`` naming what is missing."""
    config = json.loads(config_path.read_text(encoding="utf-8"))
    stages = config.get("stages", {})
    if stage not in stages:
        raise ValueError(f"chalice.json has no stage {stage!r} (it has {sorted(stages)})")
    settings = stages[stage]
    infra = settings.get("infra", {})
    missing = sorted({key for key, _ in PARAMETERS.values()} - set(infra))
    if missing:
        raise ValueError(f"chalice.json stages.{stage}.infra lacks {', '.join(missing)}")
    return StageConfig(
        name=stage,
        app_name=config["app_name"],
        lambda_timeout=int(settings.get("lambda_timeout", config.get("lambda_timeout", 60))),
        infra=infra,
        tags={**config.get("tags", {}), **settings.get("tags", {})},
    )
