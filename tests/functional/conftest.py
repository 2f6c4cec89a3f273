"""Functional tier: the API and workers through ``chalice.test.Client``, AWS mocked by moto
in-process (no ports opened)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.aws import reset_clients
from chalicelib.runtime import reset_runtime
from chalicelib.settings import get_settings, reset_settings


def reset_caches() -> None:
    """Forget every per-process object, as a fresh Lambda would."""
    from chalicelib.workers.dispatch import _queue, adapter_for

    reset_settings()
    reset_clients()
    reset_runtime()
    adapter_for.cache_clear()
    _queue.cache_clear()


@pytest.fixture
def aws() -> Iterator[None]:
    """Moto in-process with this stage's tables and queues created."""
    from devtools.resources import ensure_all

    with mock_aws():
        reset_caches()
        ensure_all(get_settings())
        yield
    reset_caches()


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    """A Chalice test client for the app."""
    from chalice.test import Client

    from app import app

    with Client(app) as test_client:
        yield test_client
