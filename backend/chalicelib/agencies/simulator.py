"""A stand-in agency for development and for agencies not yet connected.

It answers after a configurable latency and fails (retryably) at a configurable rate,
so the retry and dead-letter paths are exercised locally exactly as in production.
"""

from __future__ import annotations

import random
import time

from ..domain.errors import AgencyError
from ..domain.lifecycle import Application
from .adapter import AgencyReceipt


class SimulatedAgency:
    """Accepts every application after ``latency_ms``, except ``failure_rate`` of them."""

    def __init__(
        self,
        agency_id: str,
        *,
        latency_ms: int,
        failure_rate: float,
        rng: random.Random | None = None,
        sleep=time.sleep,
    ) -> None:
        self.agency_id = agency_id
        self.latency_ms = latency_ms
        self.failure_rate = failure_rate
        self._rng = rng or random.Random()  # noqa: S311 - a simulation, not a secret
        self._sleep = sleep

    def forward(self, application: Application) -> AgencyReceipt:
        """Pretend to send; raise a retryable ``AgencyError`` at the failure rate."""
        if self.latency_ms:
            self._sleep(self.latency_ms / 1000)
        if self._rng.random() < self.failure_rate:
            raise AgencyError(f"simulated outage at {self.agency_id}", retryable=True)
        return AgencyReceipt(reference=f"SIM-{application.tracking_id}", under_review=True)
