"""The app imports with no AWS credentials and no network (Lambda cold start, CI, tooling)."""

import subprocess
import sys

from tests.helpers import ROOT

PROBE = """
import socket
def refuse(*args, **kwargs):
    raise AssertionError("network used at import time")
socket.socket.connect = refuse
socket.create_connection = refuse
import app
assert "/applications" in app.app.routes
assert any(source.name.startswith("dispatch_") for source in app.app.event_sources)
print("imported")
"""


def test_import_app_needs_no_credentials_and_no_network() -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT / "backend", env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported"
