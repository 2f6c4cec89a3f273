"""The local web server: the built web app, with the caching and routing CloudFront gives it.

* ``/api/*`` is proxied to the API (the app calls relative URLs, as in production);
* ``index.html``, the service worker and the manifest are ``no-cache``; files with a
  content hash in their name are cached for a year;
* text is gzipped when the browser accepts it (the budgets are measured gzipped);
* paths without a file fall back to ``index.html`` (the app shell);
* without a build (``pwa/dist``), a plain page lists the catalog so the stack is
  still usable;
* ``/dev/sms`` shows the SMS the platform sent (the local stand-in for phones: JSON,
  newest first, ``?phone=`` for one number). It exists only here, never in a deployed
  stage.
"""

from __future__ import annotations

import gzip
import html
import http.client
import json
import mimetypes
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

HASHED = re.compile(r"[.-][0-9a-zA-Z_]{8,}\.(js|css|json|svg|png|webp|woff2?)$")
NO_CACHE = {"index.html", "sw.js", "service-worker.js", "manifest.webmanifest", "manifest.json"}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/manifest+json")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "host", "content-length"}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
JSON = "application/json; charset=utf-8"
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("application/javascript", ".mjs")


class _Gzipped:
    """Compressed copies of static files, remembered until the file changes."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[float, bytes]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> bytes:
        mtime = path.stat().st_mtime
        with self._lock:
            cached = self._cache.get(path)
            if cached and cached[0] == mtime:
                return cached[1]
        precompressed = path.with_name(path.name + ".gz")
        if precompressed.exists() and precompressed.stat().st_mtime >= mtime:
            data = precompressed.read_bytes()
        else:
            data = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        with self._lock:
            self._cache[path] = (mtime, data)
        return data


def cache_control(name: str) -> str:
    """The Cache-Control a static file gets."""
    if name in NO_CACHE:
        return "no-cache"
    if HASHED.search(name):
        return "public, max-age=31536000, immutable"
    return "no-cache"


def fallback_page(catalog: Any) -> bytes:
    """A plain Bangla list of services, for a stack running without the web app build."""
    rows = "".join(
        f"<li><a href='/api/services/{html.escape(entry.id)}'>{html.escape(entry.title.bn)}</a>"
        f" <span lang='en'>({html.escape(entry.title.en)})</span></li>"
        for entry in catalog.search()
    )
    return (
        "<!doctype html><html lang='bn'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        "<title>নাগরিক সেবা</title></head><body><h1>নাগরিক সেবা</h1>"
        "<p>ওয়েব অ্যাপটি এখনও তৈরি হয়নি (<code>make pwa</code>)। সেবার তালিকা:</p>"
        f"<ul>{rows}</ul></body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    """Serves the build and proxies the API; bound to a site by ``handler_for``."""

    protocol_version = "HTTP/1.1"
    server_version = "NagorikLocal"
    root: Path
    api: tuple[str, int]
    catalog: Any
    gzipped: _Gzipped
    sms_outbox: Path | None = None

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the API logs every request already."""

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _route(self) -> None:
        if self.path == "/api" or self.path.startswith("/api/"):
            self._proxy()
        elif urlsplit(self.path).path == "/dev/sms" and self.command in ("GET", "HEAD"):
            self._sms()
        elif self.command in ("GET", "HEAD"):
            self._static()
        else:
            self._send(405, b"method not allowed", {"Content-Type": "text/plain"})

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _route

    def _proxy(self) -> None:
        target = self.path[len("/api"):] or "/"
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        connection = http.client.HTTPConnection(*self.api, timeout=60)
        try:
            connection.request(self.command, target, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except OSError:
            self._send(502, b'{"code":"service_unavailable"}', {"Content-Type": "application/json"})
            return
        finally:
            connection.close()
        passed = {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
        self._send(response.status, payload, passed)

    def _sms(self) -> None:
        from chalicelib.domain.phone import normalise_mobile
        from chalicelib.sms import read_outbox

        asked = parse_qs(urlsplit(self.path).query).get("phone", [None])[0]
        phone = normalise_mobile(asked) if asked else None
        if asked and phone is None:
            self._send(422, b'{"code":"validation_failed"}', {"Content-Type": JSON})
            return
        found = read_outbox(self.sms_outbox, phone) if self.sms_outbox else []
        body = json.dumps({"messages": found}, ensure_ascii=False).encode()
        self._send(200, body, {"Content-Type": JSON, "Cache-Control": "no-store"})

    def _file(self) -> Path | None:
        """The file a path names, the app shell for client routes, ``None`` for 404."""
        relative = urlsplit(self.path).path.lstrip("/") or "index.html"
        root = self.root.resolve()
        candidate = (root / relative).resolve()
        if root not in candidate.parents and candidate != root:
            return None
        if candidate.is_file():
            return candidate
        return None if "." in Path(relative).name else root / "index.html"

    def _static(self) -> None:
        if not (self.root / "index.html").exists():
            self._send(200, fallback_page(self.catalog),
                       {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"})
            return
        found = self._file()
        if found is None:
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        headers = {"Content-Type": kind, "Cache-Control": cache_control(found.name),
                   "Vary": "Accept-Encoding"}
        if found.name in ("sw.js", "service-worker.js"):
            headers["Service-Worker-Allowed"] = "/"
        if "gzip" in (self.headers.get("Accept-Encoding") or "") and kind.startswith(COMPRESSIBLE):
            headers["Content-Encoding"] = "gzip"
            self._send(200, self.gzipped.get(found), headers)
        else:
            self._send(200, found.read_bytes(), headers)


def handler_for(root: Path, api_host: str, api_port: int, catalog: Any,
                sms_outbox: Path | None = None) -> type[Handler]:
    """A handler class bound to one build folder and one API address."""
    return type("SiteHandler", (Handler,), {
        "root": root, "api": (api_host, api_port), "catalog": catalog, "gzipped": _Gzipped(),
        "sms_outbox": sms_outbox,
    })


def serve(root: Path, host: str, port: int, api_port: int, catalog: Any, *,
          sms_outbox: Path | None = None) -> ThreadingHTTPServer:
    """Start serving in a background thread; return the server (``shutdown()`` stops it)."""
    server = ThreadingHTTPServer((host, port),
                                 handler_for(root, host, api_port, catalog, sms_outbox))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="web", daemon=True).start()
    return server
