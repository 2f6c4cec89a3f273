"""A small soak in every test run: 300 submissions through a proxy that drops a fifth of
the answers, agencies that fail a fifth of the forwards; nothing lost, nothing twice.

``make soak`` runs the full one (50 clients, 5,000 applications).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.soak import soak


@pytest.mark.timeout(900)  # submitting, then up to 480 s to settle, then a saved stop
def test_nothing_is_lost_or_duplicated_through_dropped_answers_and_failing_agencies(
    tmp_path: Path,
) -> None:
    result = soak(clients=10, applications=300, drop=0.2, agency_failures=0.2,
                  # a bound, not a wait: it returns once all have settled; `make test`'s
                  # two processes share the cores with it
                  settle_seconds=480, data_dir=tmp_path)
    print("\n".join(result.lines))
    assert (result.lost, result.duplicated, result.unsettled) == (0, 0, 0), result.lines
