"""A circuit per agency: stop calling an agency that keeps failing, probe it now and then.

``failures`` consecutive retryable failures open the circuit for ``open_seconds``;
while it is open nobody calls the agency, and its messages wait out the rest of the
period (their visibility is set to it) instead of being sent or burned. When the
period ends one worker claims the probe (the others keep waiting): a success closes the
circuit, a failure opens it again. The state lives in the store, shared by every
worker of the agency.

Powertools 3.37 ships a circuit breaker with DynamoDB persistence, but its own
documentation marks it alpha (its public API may still change) and it counts failures
in each execution environment's memory, so a fleet of short-lived workers would each
need the full count before tripping. This small one keeps the count in the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class CircuitState:
    """Consecutive failures and, once open, until when (epoch seconds; 0: never opened)."""

    failures: int = 0
    open_until: int = 0


class CircuitStore(Protocol):
    """Where circuits are kept (``store.circuits``; ``tests.fakes`` in memory)."""

    def get(self, name: str) -> CircuitState:
        """The circuit's state (closed and empty if never written)."""
        ...

    def failed(self, name: str) -> int:
        """Count one more failure, atomically; the new count."""
        ...

    def open_until(self, name: str, until: int, *, unless_after: int) -> bool:
        """Set the end of the open period, unless it is already past ``unless_after``
        (conditional, so of two workers only one claims a probe); whether it was set."""
        ...

    def reset(self, name: str) -> None:
        """Close the circuit: no failures, not open."""
        ...


class Circuit:
    """The circuits of the agencies, on one store."""

    def __init__(self, store: CircuitStore, *, failures: int, open_seconds: int,
                 clock: Callable[[], datetime]) -> None:
        self.store = store
        self.threshold = failures
        self.open_seconds = open_seconds
        self.clock = clock

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def wait_seconds(self, name: str) -> int:
        """0 if the agency may be called now; else how long its messages should wait.

        Past the open period the first caller claims the probe (and is told 0); the
        others wait for the probe's own period.
        """
        state = self.store.get(name)
        if state.failures < self.threshold:
            return 0
        now = self._now()
        if state.open_until > now:
            return state.open_until - now
        if self.store.open_until(name, now + self.open_seconds, unless_after=now):
            return 0  # this caller probes
        return self.open_seconds

    def failed(self, name: str) -> None:
        """A call failed retryably; open the circuit when there were enough in a row."""
        if self.store.failed(name) >= self.threshold:
            now = self._now()
            self.store.open_until(name, now + self.open_seconds, unless_after=now)

    def succeeded(self, name: str) -> None:
        """A call got through: close the circuit (written only if it was not closed)."""
        state = self.store.get(name)
        if state.failures or state.open_until:
            self.store.reset(name)
