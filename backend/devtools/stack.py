"""The embedded default: the whole platform on loopback, no AWS account needed.

    python -m devtools.stack [--api-port 8000] [--web-port 8080] [--data-dir ../.devdata]

Starts moto in server mode (DynamoDB, SQS, SSM) on a free port, creates the stage's
tables, queues and parameters from the code's own definitions, reloads the data
saved by the last run, serves the API as `chalice local` does, feeds each agency
queue to its worker with Lambda's batch semantics, runs the scheduled handlers, and
serves the web app. Ctrl-C (or SIGTERM) stops everything and saves the data.

Ports and the data folder also come from NAGORIK_API_PORT, NAGORIK_WEB_PORT and
NAGORIK_DATA_DIR; port 0 picks a free one. A line ``READY api=... web=...`` is printed
once everything answers (tests wait for it), with the moto endpoint as ``aws=``.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import Any

BACKEND = Path(__file__).resolve().parents[1]
ROOT = BACKEND.parent
DEFAULT_DATA_DIR = ROOT / ".devdata"
AUTOSAVE_SECONDS = 10.0
SCHEDULE_SECONDS = 60.0
WORKERS_STOP_SECONDS = 5.0  # how long a worker may take to finish its batch at shutdown
# Lambda reads a queue with several pollers at once (five to start with) and runs their
# batches side by side; so does the local stack, with fewer. The workers are safe for
# it (a message's application moves by a versioned write), and one slow agency call no
# longer holds up the whole queue.
POLLERS_PER_QUEUE = 3
STAGE = "dev"
MOTO_ACCOUNT = "123456789012"  # moto's default account id, part of its queue URLs


def free_port() -> int:
    """A TCP port on loopback that nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port(value: str | int | None, default: int) -> int:
    port = int(value) if value not in (None, "") else default
    return port or free_port()


def _quiet_libraries() -> None:
    for name in ("werkzeug", "botocore", "urllib3", "moto"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _start_moto(host: str) -> Any:
    from moto.server import ThreadedMotoServer

    from devtools import embedded_aws

    embedded_aws.install()  # moto alone loses acknowledged writes under concurrency
    server = ThreadedMotoServer(ip_address=host, port=free_port(), verbose=False)
    server.start()
    return server


def _any_method(handler: Any, name: str) -> Any:
    """``do_<METHOD>`` for every method: the local gateway then answers it like the others."""
    if name.startswith("do_"):
        return handler._generic_handle
    raise AttributeError(name)


def _request_without_query(handler: Any, code: Any = "-", size: Any = "-") -> None:
    """The local API's access line without the query string: a tracking URL carries the
    applicant's phone (``?phone=``), which no log may hold (API Gateway logs none)."""
    method, _, rest = handler.requestline.partition(" ")
    target, _, version = rest.partition(" ")
    path, query = target.split("?", 1)[0], "?…" if "?" in target else ""
    handler.log_message('"%s %s%s %s" %s %s', method, path, query, version, code, size)


class Stack:
    """Everything the local platform runs, started and stopped together."""

    def __init__(self, api_port: int, web_port: int, data_dir: Path, host: str = "127.0.0.1"):
        self.host = host
        self.api_port = api_port
        self.web_port = web_port
        self.data_dir = data_dir
        self.state_file = data_dir / "state.json"
        self.stop_event = threading.Event()
        self._exit = ExitStack()

    def start(self) -> None:
        """Start every part; return when all of them answer."""
        _quiet_libraries()
        moto = _start_moto(self.host)
        self._exit.callback(moto.stop)
        moto_host, moto_port = moto.get_host_and_port()
        self.aws_endpoint = f"http://{moto_host}:{moto_port}"
        os.environ.update(
            AWS_ENDPOINT_URL=self.aws_endpoint,
            NAGORIK_QUEUE_URL_PREFIX=f"{self.aws_endpoint}/{MOTO_ACCOUNT}/",
            AWS_ACCESS_KEY_ID=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            AWS_SECRET_ACCESS_KEY=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
            AWS_DEFAULT_REGION=os.environ.get("AWS_DEFAULT_REGION", "ap-south-1"),
            NAGORIK_STAGE=STAGE,
            # SMS land in a file the web server shows at /dev/sms, not on phones
            NAGORIK_SMS_ADAPTER="local",
            NAGORIK_SMS_OUTBOX=str(self.data_dir / "sms.jsonl"),
        )
        os.environ.setdefault("AWS_REGION", os.environ["AWS_DEFAULT_REGION"])

        from chalicelib.aws import reset_clients
        from chalicelib.runtime import reset_runtime, runtime
        from chalicelib.settings import get_settings, reset_settings

        reset_settings()
        reset_clients()
        reset_runtime()
        self.settings = get_settings()

        from devtools import demo, local_gateway, resources, snapshot

        local_gateway.install()  # refusals answered as the deployed API Gateway answers
        resources.ensure_all(self.settings, seed_holidays=True)
        restored = snapshot.restore(self.state_file, self.settings)
        self.restored = restored
        self._exit.callback(self.save)
        self.demo_accounts = demo.seed(self.settings, self.data_dir)

        self._start_api()
        self._start_workers()
        from devtools.web import serve

        web = serve(ROOT / "pwa" / "dist", self.host, self.web_port, self.api_port,
                    runtime().catalog, sms_outbox=self.data_dir / "sms.jsonl")
        self._exit.callback(web.shutdown)
        threading.Thread(target=self._autosave, name="autosave", daemon=True).start()

    def _start_api(self) -> None:
        from chalice.cli.factory import CLIFactory
        from chalice.local import ChaliceRequestHandler

        # API Gateway routes every method (an unrouted one gets the platform's 405);
        # chalice local's http.server answers 501 to any it has no do_<METHOD> for.
        ChaliceRequestHandler.__getattr__ = _any_method  # type: ignore[attr-defined]
        ChaliceRequestHandler.log_request = _request_without_query  # type: ignore[method-assign]

        factory = CLIFactory(project_dir=str(BACKEND))
        config = factory.create_config_obj(chalice_stage_name=STAGE)
        self.app = config.chalice_app
        server = factory.create_local_server(self.app, config, self.host, self.api_port)
        threading.Thread(target=server.server.serve_forever, name="api", daemon=True).start()
        self._exit.callback(server.shutdown)

    def _start_workers(self) -> None:
        from chalice.app import DynamoDBEventConfig, SQSEventConfig

        from devtools.poller import QueuePoller, Scheduler, StreamPoller

        workers: list[threading.Thread] = []
        for source in self.app.event_sources:
            handler = self.app.handler_map[source.name]
            if isinstance(source, SQSEventConfig):
                for _ in range(POLLERS_PER_QUEUE - 1):
                    workers.append(QueuePoller(source.queue, handler, source.name,
                                               self.settings.region, self.stop_event))
                    workers[-1].start()
                worker: threading.Thread = QueuePoller(
                    source.queue, handler, source.name, self.settings.region, self.stop_event)
            elif isinstance(source, DynamoDBEventConfig):
                table = source.stream_arn.split(":table/", 1)[1].split("/", 1)[0]
                worker = StreamPoller(
                    table, handler, source.name, batch_size=source.batch_size,
                    failure_queue=self.settings.outbox_failures_queue_name,
                    region=self.settings.region, stop=self.stop_event)
            else:
                worker = Scheduler(handler, source.name, SCHEDULE_SECONDS, self.stop_event)
            worker.start()
            workers.append(worker)

        def join() -> None:
            # One deadline for all: a worker in the middle of a batch finishes it (its
            # messages are deleted) or, past the deadline, is left to die with the
            # process; its messages then come back, as Lambda's would.
            self.stop_event.set()
            from devtools import embedded_aws

            embedded_aws.release_long_polls()  # pollers waiting on an empty queue return
            deadline = time.monotonic() + WORKERS_STOP_SECONDS
            for worker in workers:
                worker.join(timeout=max(0.0, deadline - time.monotonic()))

        self._exit.callback(join)

    def _autosave(self) -> None:
        while not self.stop_event.wait(AUTOSAVE_SECONDS):
            try:
                self.save()
            except Exception:  # a failed autosave is retried; shutdown saves again
                logging.getLogger(__name__).exception("autosave failed")

    def save(self) -> dict[str, int]:
        """Write the data to the data folder."""
        from devtools import snapshot

        return snapshot.save(self.state_file, self.settings)

    def stop(self) -> None:
        """Stop everything (in reverse order) and save the data."""
        self.stop_event.set()
        self._exit.close()


class Signals:
    """Turns SIGINT, SIGTERM and SIGHUP into one request to stop, whoever sends them.

    ``make dev`` started in the background (``setsid make dev &``) inherits SIGINT
    ignored, and a process manager's SIGTERM reaches both make and the stack (make
    passes it on too): the first signal asks the stack to stop and save; later ones
    only say that it is stopping. No exception is raised from a signal, so none can
    interrupt the saving half-way.
    """

    NAMES = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.received: list[str] = []
        for signum in self.NAMES:
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signal.Signals(signum).name)
        if len(self.received) > 1:
            print(f"({self.received[-1]}: already stopping)", flush=True)
        self.stop.set()


def main(argv: list[str] | None = None) -> int:
    """Run until a signal asks to stop; then stop everything and save."""
    parser = argparse.ArgumentParser(description="Run Nagorik Sheba locally.")
    parser.add_argument("--api-port", default=os.environ.get("NAGORIK_API_PORT"))
    parser.add_argument("--web-port", default=os.environ.get("NAGORIK_WEB_PORT"))
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("NAGORIK_DATA_DIR") or DEFAULT_DATA_DIR))
    args = parser.parse_args(argv)
    stack = Stack(_port(args.api_port, 8000), _port(args.web_port, 8080), args.data_dir)
    Signals(stack.stop_event)
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints every thread's stack
    try:
        stack.start()
        if not stack.stop_event.is_set():
            web = f"http://{stack.host}:{stack.web_port}"
            api = f"http://{stack.host}:{stack.api_port}"
            # `nagorik --local` finds the running stack here
            (args.data_dir / "stack.json").write_text(json.dumps(
                {"api": api, "web": web, "aws": stack.aws_endpoint, "stage": STAGE}) + "\n")
            print(
                f"\nNagorik Sheba is running (stage {STAGE}; data in {args.data_dir}; "
                f"restored {stack.restored['items']} records, {stack.restored['messages']} "
                f"queued messages)\n"
                f"  web app      {web}\n"
                f"  API          {api}   (also at {web}/api)\n"
                f"  AWS (moto)   {stack.aws_endpoint}   (AWS_ENDPOINT_URL)\n"
                f"  SMS sent     {web}/dev/sms   (sign-in codes land here)\n"
                f"  demo staff   {stack.demo_accounts}   (phones and passwords)\n"
                "Ctrl-C stops it; everything is kept for the next start.\n"
                f"READY api={api} web={web} aws={stack.aws_endpoint}",
                flush=True,
            )
        while not stack.stop_event.wait(1.0):
            pass
    finally:
        print("\nStopping and saving...", flush=True)
        stack.stop()
        print(f"Saved to {stack.state_file}.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
