"""Start the embedded stack (``python -m devtools.stack``) in a process of its own, on free
ports: for the integration and browser tests, the benchmarks and the soak.

The stack has its own data folder, so a running ``make dev`` is never disturbed; it is
stopped with SIGTERM, which saves its data like Ctrl-C does.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

READY_TIMEOUT = 90
CODE = re.compile(r"কোড ([০-৯0-9]{6})")
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


def post(url: str, body: Any, **headers: str) -> tuple[int, Any]:
    """POST JSON; the status and the decoded answer (errors too)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the local stack is on loopback only")
    request = Request(url, data=json.dumps(body).encode(), method="POST",  # noqa: S310
                      headers={"Content-Type": "application/json", **headers})
    try:
        with urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback http only)
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def sign_in_citizen(api: str, web: str, phone: str, *, timeout: float = 30) -> dict[str, Any]:
    """Sign in over HTTP as a citizen does: ask for a code, read the SMS the local stack
    keeps at ``{web}/dev/sms``, send the code back. The tokens' answer."""
    asked_at = datetime.now(UTC).isoformat()
    status, sent = post(f"{api}/auth/otp", {"phone": phone})
    if status != HTTPStatus.ACCEPTED:
        raise RuntimeError(f"no code was sent ({status}): {sent}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urlopen(f"{web}/dev/sms?phone={quote(phone)}",  # noqa: S310 (web is loopback)
                     timeout=10) as answer:
            messages = json.loads(answer.read())["messages"]
        # newest first; only a code sent after asking is this challenge's
        for message in messages[:1]:
            found = CODE.search(message["text"])
            if found and message["at"] >= asked_at:
                status, tokens = post(f"{api}/auth/otp/verify",
                                      {"challenge_id": sent["challenge_id"],
                                       "code": found.group(1)})
                if status == HTTPStatus.OK:
                    return tokens
        time.sleep(0.1)
    raise RuntimeError("the sign-in code did not arrive")
