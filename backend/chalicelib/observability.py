"""Logging and metrics, set up once: Powertools JSON logs with identifiers masked.

Every log line passes through ``mask()``: mobile numbers, NID and birth registration
numbers (in ASCII or Bangla digits) are reduced to their last digits before the line
is written, whatever code logged them and whatever key they sit under. Tracking ids
(16 digits) stay readable: they are what support staff search for.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
    AmazonCloudWatchEMFProvider,
)

from .settings import get_settings

SERVICE_NAME = "nagorik-sheba"
NAMESPACE = "NagorikSheba"

_DIGIT = "[0-9০-৯]"
_PHONE = re.compile(rf"(?<!{_DIGIT})(?:\+?(?:88|৮৮))?(?:0|০)(?:1|১){_DIGIT}{{9}}(?!{_DIGIT})")
# NID: 10, 13 or 17 digits; birth registration numbers: 17 digits.
_ID_NUMBER = re.compile(
    rf"(?<!{_DIGIT})(?:{_DIGIT}{{17}}|{_DIGIT}{{13}}|{_DIGIT}{{10}})(?!{_DIGIT})"
)


def _keep_tail(match: re.Match[str], tail: int) -> str:
    text = match.group(0)
    return "*" * (len(text) - tail) + text[-tail:]


def mask(text: str) -> str:
    """``text`` with every phone, NID and birth registration number masked."""
    text = _PHONE.sub(lambda match: _keep_tail(match, 2), text)
    return _ID_NUMBER.sub(lambda match: _keep_tail(match, 3), text)


class MaskingFormatter(LambdaPowertoolsFormatter):
    """The Powertools JSON formatter, with ``mask()`` applied to the finished line."""

    def serialize(self, log: Any) -> str:
        """The log record as one JSON line, identifiers masked."""
        return mask(super().serialize(log))


logger = Logger(
    service=SERVICE_NAME,
    level=get_settings().log_level,
    logger_formatter=MaskingFormatter(),
)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE_NAME)
# Most requests (catalog reads, tracking) record no metric; flushing nothing is normal.
warnings.filterwarnings("ignore", message="No application metrics to publish")


# Dimensions a metric may be split by, kept few on purpose: each value of each dimension is
# one CloudWatch metric (billed monthly), so only these, never a district or a centre.
DIMENSIONS = ("ServiceId", "Agency", "Kind")


def count_by(name: str, value: float = 1, *, unit: str = "Count", **dimensions: str) -> None:
    """Emit ``name`` once per dimension given, each alone (``ServiceId=..., Agency=...``
    makes two metrics, not their product), as one EMF line written at once: one document
    with a dimension set per dimension (half the work and the log bytes of one each)."""
    if not dimensions:
        return
    for dimension in dimensions:
        if dimension not in DIMENSIONS:
            raise ValueError(f"{dimension} is not one of the metric dimensions {DIMENSIONS}")
    emf = AmazonCloudWatchEMFProvider(namespace=NAMESPACE, service=SERVICE_NAME,
                                      default_dimensions={"service": SERVICE_NAME})
    (first, key), *others = dimensions.items()
    emf.add_dimension(name=first, value=str(key))
    for dimension, key in others:
        emf.add_dimensions(**{dimension: str(key)})
    emf.add_metric(name=name, unit=unit, value=value)
    emf.flush_metrics()


def record_overdue(counts: dict[tuple[str, str], int]) -> None:
    """The SLA job's figures: how many are overdue now, per ``(agency, service)``, as the
    ``Overdue`` metric by agency and by service (the dashboard's overdue widget)."""
    by_agency: dict[str, int] = {}
    for (agency, service), count in counts.items():
        by_agency[agency] = by_agency.get(agency, 0) + count
        count_by("Overdue", count, ServiceId=service)
    for agency, count in by_agency.items():
        count_by("Overdue", count, Agency=agency)
