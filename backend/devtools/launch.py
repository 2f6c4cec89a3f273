"""Start the embedded stack (``python -m devtools.stack``) in a process of its own, on free
ports: for the integration and browser tests, the benchmarks and the soak.

The stack has its own data folder, so a running ``make dev`` is never disturbed; it is
stopped with SIGTERM, which saves its data like Ctrl-C does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

READY_TIMEOUT = 90
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningStack:
    """A started stack: its URLs (API, web app, moto), its process, and what it printed."""

    api: str
    web: str
    aws: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)


@contextmanager
def running_stack(data_dir: Path, **env: str) -> Iterator[RunningStack]:
    """A stack on free ports with its data in ``data_dir``; stopped (and saved) on exit."""
    environment = {
        **os.environ,
        "NAGORIK_API_PORT": "0",
        "NAGORIK_WEB_PORT": "0",
        "NAGORIK_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    environment.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.stack"],
        cwd=ROOT / "backend",
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    ready = threading.Event()
    urls: dict[str, str] = {}

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.startswith("READY "):
                urls.update(part.split("=", 1) for part in line.split()[1:])
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + READY_TIMEOUT
    while not ready.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the stack did not start:\n" + "".join(output[-60:]))
    stack = RunningStack(urls["api"], urls["web"], urls["aws"], process, output)
    try:
        yield stack
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
