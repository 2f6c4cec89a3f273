"""A fake agency's HTTP API on a free loopback port, told how to misbehave.

``POST /applications`` checks the Standard Webhooks signature and then answers as it
has been told for the next requests (``plan``), or, by default, as a well-behaved
agency does: 201 with a new reference the first time it sees a tracking id, 409 with
the same reference after (idempotent by tracking id). What it can be told to do:

* ``("slow", seconds)``: answer only after a while;
* ``("status", 500)`` / ``("status", 429, retry_after)``: fail;
* ``"drop"``: close the connection without answering;
* ``"accept-silently"``: take the application (it keeps it) and close without answering;
* ``"twice"``: write its answer twice on the same connection;
* ``("refuse", tracking_id)``: 422 for that application until told otherwise.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from chalicelib.agencies import webhooks


class FakeAgency:
    """The server, its plan and what it holds."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.plan: deque[Any] = deque()
        self.down = False  # every request a 503 while set
        self.refusing: set[str] = set()
        self.held: dict[str, str] = {}  # tracking id -> reference
        self.requests: list[tuple[str, str]] = []  # (webhook-id, tracking id), every attempt
        self.bad_signatures = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api"

    def start(self) -> FakeAgency:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def hold(self, tracking_id: str) -> str:
        """Keep an application (once); its reference."""
        with self._lock:
            if tracking_id not in self.held:
                self.held[tracking_id] = f"POL-{len(self.held) + 1:05d}"
            return self.held[tracking_id]

    def _next(self) -> Any:
        with self._lock:
            return self.plan.popleft() if self.plan else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (AgencyRequests,), {"agency": self})


class AgencyRequests(BaseHTTPRequestHandler):
    """The fake agency's request handler (``agency`` is set per server)."""

    agency: FakeAgency

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None,
                times: int = 1) -> None:
        raw = json.dumps(body).encode()
        for _ in range(times):
            self.send_response(status)
            for name, value in {"Content-Type": "application/json",
                                "Content-Length": str(len(raw)),
                                **(headers or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

    def _misbehave(self, step: Any, tracking_id: str) -> bool:
        """Carry out a planned misbehaviour; whether it answered (or hung up)."""
        if self.agency.down:
            self._answer(503, {"error": "down"})
            return True
        if isinstance(step, tuple) and step[0] == "slow":
            time.sleep(step[1])
            return False
        if isinstance(step, tuple) and step[0] == "status":
            headers = {"Retry-After": str(step[2])} if len(step) > 2 else {}
            self._answer(step[1], {"error": "planned"}, headers)
            return True
        if step in ("drop", "accept-silently"):
            if step == "accept-silently":
                self.agency.hold(tracking_id)
            self.close_connection = True
            self.connection.close()
            return True
        return False

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            webhooks.verify(self.agency.secret, dict(self.headers), raw, now=int(time.time()))
        except webhooks.BadSignature:
            self.agency.bad_signatures += 1
            self._answer(401, {"error": "bad signature"})
            return
        tracking_id = json.loads(raw)["tracking_id"]
        with self.agency._lock:
            self.agency.requests.append((self.headers["webhook-id"], tracking_id))
        step = self.agency._next()
        if self._misbehave(step, tracking_id):
            return
        if tracking_id in self.agency.refusing:
            self._answer(422, {"error": "the NID does not match the name"})
            return
        known = tracking_id in self.agency.held
        reference = self.agency.hold(tracking_id)
        self._answer(409 if known else 201, {"reference": reference},
                     times=2 if step == "twice" else 1)
