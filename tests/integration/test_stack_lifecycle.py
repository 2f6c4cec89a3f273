"""Stopping the embedded stack: SIGTERM and Ctrl-C stop it within seconds, save, and print
no traceback, however it was started and however busy its workers are."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools.launch import sign_in_citizen
from tests.helpers import ROOT, example, submission
from tests.integration.test_embedded_stack import call
from tests.stack import READY_TIMEOUT, running_stack

STOP_SECONDS = 15  # "a few seconds": the workers' own deadline is 5 s
SERVICE, FORM = "online-gd-lost-item", "valid-lost-nid"


Started = tuple[subprocess.Popen, list[str], dict[str, str]]


@contextmanager
def detached(command: list[str], data_dir: Path, cwd: Path) -> Iterator[Started]:
    """``setsid <command> &``: its own session and process group, as scripts start it."""
    env = {**os.environ, "NAGORIK_API_PORT": "0", "NAGORIK_WEB_PORT": "0",
           "NAGORIK_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
           # every forward takes long, so a shutdown finds the workers mid-batch
           "NAGORIK_SIMULATOR_LATENCY_MS": "2000"}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output: list[str] = []
    urls: dict[str, str] = {}
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.startswith("READY "):
                urls.update(part.split("=", 1) for part in line.split()[1:])
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + READY_TIMEOUT + 120  # make may rebuild the web app
        while not ready.wait(0.5):
            assert process.poll() is None and time.monotonic() < deadline, "".join(output)
        yield process, output, urls
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def keep_the_workers_busy(urls: dict[str, str], prefix: str) -> list[str]:
    api = urls["api"]
    token = sign_in_citizen(api, urls["web"], "+8801712345678")["access_token"]
    ids = []
    for number in range(12):
        status, answer = call(f"{api}/applications", submission(SERVICE, example(SERVICE, FORM)),
                              Authorization=f"Bearer {token}",
                              **{"Idempotency-Key": f"{prefix}-{number:04d}"})
        assert status == 201, answer
        ids.append(answer["tracking_id"])
    time.sleep(1.5)  # the agency worker has taken a batch and is waiting on the agency
    return ids


def stopped_within(process: subprocess.Popen, seconds: float) -> float:
    started = time.monotonic()
    process.wait(timeout=seconds)
    return time.monotonic() - started


def assert_clean_stop(output: list[str]) -> None:
    text = "".join(output)
    assert "Saved to" in text
    assert "Traceback" not in text
    assert "KeyboardInterrupt" not in text


def assert_kept(data_dir: Path, ids: list[str]) -> None:
    with running_stack(data_dir) as stack:
        for tracking_id in ids:
            status, _ = call(f"{stack.api}/applications/{tracking_id}?phone=01712345678")
            assert status == 200


def test_sigterm_to_make_dev_started_in_the_background_stops_and_saves(tmp_path: Path) -> None:
    # GIVEN `setsid make dev &`, its agency worker in the middle of a slow batch
    with detached(["make", "--no-print-directory", "dev"], tmp_path, ROOT) as (
            process, output, urls):
        ids = keep_the_workers_busy(urls, "sigterm")
        # WHEN a process manager sends SIGTERM to make
        process.send_signal(signal.SIGTERM)
        # THEN it stops within seconds, says it saved, and prints no traceback
        assert stopped_within(process, STOP_SECONDS) < STOP_SECONDS
    assert_clean_stop(output)
    assert_kept(tmp_path, ids)


def test_sigterm_to_the_whole_group_twice_still_stops_cleanly(tmp_path: Path) -> None:
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "devtools.stack"]
    with detached(command, tmp_path, ROOT / "backend") as (process, output, urls):
        ids = keep_the_workers_busy(urls, "group")
        # WHEN the whole process group is sent SIGTERM, and again while it is stopping
        os.killpg(process.pid, signal.SIGTERM)
        time.sleep(0.3)
        os.killpg(process.pid, signal.SIGTERM)
        assert stopped_within(process, STOP_SECONDS) < STOP_SECONDS
    assert_clean_stop(output)
    assert "already stopping" in "".join(output)
    assert_kept(tmp_path, ids)


def test_ctrl_c_stops_it_within_seconds(tmp_path: Path) -> None:
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "devtools.stack"]
    with detached(command, tmp_path, ROOT / "backend") as (process, output, urls):
        ids = keep_the_workers_busy(urls, "ctrl-c")
        os.killpg(process.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C
        assert stopped_within(process, STOP_SECONDS) < STOP_SECONDS
    assert_clean_stop(output)
    assert_kept(tmp_path, ids)
