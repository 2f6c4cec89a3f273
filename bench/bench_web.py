"""The web app's budgets, measured against the embedded stack (figures printed, never asserted).

* First visit to the home page: bytes transferred by the page (gzip, as sent) until the
  network is quiet, against 60 KB; what the service worker then precaches in the
  background; and the offline set it fetches once the app is idle (every service's page
  and form, the area lists) against its budget (pwa/dist/offline-set.json, set by the
  build). HTML + critical CSS (inlined) gzip size against 14 KB. The catalog index
  (every service's summary, fetched on the first visit): services, bytes, bytes a service.
* Lighthouse 12.2.3, mobile defaults (simulated slow 4G, 4x CPU), on the home page, a
  service page and a form, and on the catalog's largest form (the most fields and conditions):
  performance, accessibility, best practices against 95.
* Repeat visit offline: the home page, a service and a form opened once, reloaded with
  no network: does each render? And after a first visit to the home page alone: does
  every service page and form open offline?
* A first visit at about 400 kbps and 400 ms round trips: seconds until the catalog shows.

Needs the build (make pwa), Chromium and pwa/node_modules (make node-deps).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "backend"))

from tests.stack import running_stack  # noqa: E402

PWA = ROOT / "pwa"
DIST = PWA / "dist"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVICE = "online-gd-lost-item"
PAGES = {"home": "/", "service": f"/s/{SERVICE}", "form": f"/s/{SERVICE}/form"}
CATALOG = PWA / ".catalog" / "services"
LIGHTHOUSE = PWA / "node_modules" / "lighthouse" / "cli" / "index.js"
BUDGET_FIRST_VISIT_KB = 60
BUDGET_SHELL_KB = 14
BUDGET_SCORE = 95


def kb(size: float) -> str:
    """Bytes as kilobytes, one decimal."""
    return f"{size / 1024:.1f} KB"


OFFLINE_SET = DIST / "offline-set.json"
ALL_CACHED = """async files => {
    for (const file of files) if (!(await caches.match(file))) return false;
    return true;
}"""


def wait_for_offline_set(page: Any, files: list[str], seconds: float = 120) -> float:
    """Seconds until the worker has fetched the whole offline set (or -1 when it never does)."""
    started = time.monotonic()
    while not page.evaluate(ALL_CACHED, files):
        if time.monotonic() - started > seconds:
            return -1
        page.wait_for_timeout(250)
    return time.monotonic() - started


def first_visit(browser: Any, web: str) -> dict[str, Any]:
    """Bytes over the wire for a first visit (page requests; the worker's precache; then the
    offline set it fetches once the app is idle)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent",
           lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(web + "/", wait_until="networkidle")
    page_bytes = sum(sizes.values())
    page_files = sorted({urls.get(key, "?").replace(web, "") for key in sizes})
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
    precache = page.evaluate("""async () => {
        const shell = (await caches.keys()).find(k => k.startsWith('ns-shell-'));
        const cache = await caches.open(shell);
        return (await cache.keys()).map(r => new URL(r.url).pathname);
    }""")
    offline = json.loads(OFFLINE_SET.read_text()) if OFFLINE_SET.exists() else {"files": []}
    offline_seconds = wait_for_offline_set(page, offline["files"])
    context.close()
    fetched = {path.split("?")[0] for path in page_files}
    extra = [path for path in precache if path not in fetched and path != "/"]
    gzipped = lambda path: len(gzip.compress((DIST / path.lstrip("/")).read_bytes(), 9))  # noqa: E731
    return {"page_bytes": page_bytes, "page_files": page_files, "precache_extra": extra,
            "precache_extra_bytes": sum(gzipped(path) for path in extra),
            "offline_files": len(offline["files"]),
            "offline_bytes": sum(gzipped(path) for path in offline["files"]),
            "offline_budget": offline.get("budget_bytes", 0),
            "offline_left_out": len(offline.get("left_out", [])),
            "offline_seconds": offline_seconds}


def catalog_index_size() -> dict[str, int]:
    """The catalog index the first visit fetches: services, raw and gzip bytes."""
    path = next((DIST / "assets").glob("catalog.*.json"))
    raw = path.read_bytes()
    return {"services": len(json.loads(raw)["services"]), "raw": len(raw),
            "gzip": len(gzip.compress(raw, 9))}


def shell_size() -> int:
    """index.html (with its inlined CSS and prerendered catalog), gzipped."""
    return len(gzip.compress((DIST / "index.html").read_bytes(), 9))


def lighthouse(url: str) -> dict[str, Any]:
    """Lighthouse's category scores (0-100) and key metrics for one URL, mobile defaults."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        run = subprocess.run(
            ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
             f"--chrome-flags={' '.join(FLAGS)}",
             "--only-categories=performance,accessibility,best-practices"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
            timeout=240, check=False)
        if run.returncode != 0 or not out.exists():
            return {"error": (run.stderr or run.stdout)[-400:]}
        report = json.loads(out.read_text())
    scores = {key: round(value["score"] * 100) for key, value in report["categories"].items()}
    metrics = {key: report["audits"][key]["displayValue"] for key in (
        "first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
        "cumulative-layout-shift")}
    return {"scores": scores, "metrics": metrics}


def offline_repeat(browser: Any, web: str) -> dict[str, bool]:
    """Open each page once online; then, with no network, does each page render again?"""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(web + "/")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
    checks = {"home": ".category .services a", "service": "#h-fees",
              "form": "form button[type=submit]"}
    for name, path in PAGES.items():
        page.goto(web + path)
        page.wait_for_selector(checks[name])
    context.set_offline(True)
    rendered = {}
    for name, path in PAGES.items():
        try:
            page.goto(web + path)
            page.wait_for_selector(checks[name], timeout=10_000)
            rendered[name] = True
        except Exception:
            rendered[name] = False
    context.close()
    return rendered


def offline_after_home_only(browser: Any, web: str) -> tuple[int, int]:
    """After a first visit to the home page alone (and the offline set fetched): how many
    service pages and forms open with no network, of how many."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(web + "/")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
    wait_for_offline_set(page, json.loads(OFFLINE_SET.read_text())["files"])
    context.set_offline(True)
    services = sorted(path.stem for path in CATALOG.glob("*.json"))
    opened = 0
    for service_id in services:
        try:
            page.goto(f"{web}/s/{service_id}")
            page.wait_for_selector("#h-fees", timeout=10_000)
            page.goto(f"{web}/s/{service_id}/form")
            page.wait_for_selector(".form-page form button[type=submit]", timeout=10_000)
            opened += 1
        except Exception:
            continue
    context.close()
    return opened, len(services)


def throttled_first_visit(browser: Any, web: str) -> float:
    """Seconds from navigation until the catalog shows, at 400 kbps / 400 ms."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400,
        "downloadThroughput": 50_000, "uploadThroughput": 50_000})
    started = time.monotonic()
    page.goto(web + "/", wait_until="commit", timeout=60_000)
    page.wait_for_selector(".category .services a", timeout=60_000)
    elapsed = time.monotonic() - started
    context.close()
    return elapsed


def largest_form() -> str:
    """The id of the service whose form is the largest (its file in the built catalog)."""
    return max(CATALOG.glob("*.json"), key=lambda path: path.stat().st_size).stem


def verdict(ok: bool) -> str:
    """Within budget or not."""
    return "within budget" if ok else "OVER BUDGET"


def main() -> int:
    """Measure and print; exit non-zero only when the measurement itself cannot run."""
    from playwright.sync_api import sync_playwright

    if not (DIST / "index.html").exists():
        print("pwa/dist is missing: run `make pwa`")
        return 1
    with tempfile.TemporaryDirectory() as data, running_stack(Path(data)) as stack, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        visit = first_visit(browser, stack.web)
        shell = shell_size()
        print(f"first visit, home page: {kb(visit['page_bytes'])} transferred in "
              f"{len(visit['page_files'])} requests (budget {BUDGET_FIRST_VISIT_KB} KB: "
              f"{verdict(visit['page_bytes'] <= BUDGET_FIRST_VISIT_KB * 1024)})")
        for path in visit["page_files"]:
            print(f"    {path}")
        print(f"  then precached by the service worker in the background: "
              f"{kb(visit['precache_extra_bytes'])} gzip more "
              f"({len(visit['precache_extra'])} files); "
              f"page + precache {kb(visit['page_bytes'] + visit['precache_extra_bytes'])}")
        print(f"  then, once idle, the offline set (every service's page and form, area lists): "
              f"{kb(visit['offline_bytes'])} gzip in {visit['offline_files']} files "
              f"(budget {kb(visit['offline_budget'])}: "
              f"{verdict(visit['offline_bytes'] <= visit['offline_budget'])}"
              + (f"; {visit['offline_left_out']} files left out" if visit["offline_left_out"]
                 else "") + f"), fetched in {visit['offline_seconds']:.1f} s on loopback")
        index = catalog_index_size()
        print(f"catalog index: {index['services']} services, {kb(index['raw'])} "
              f"({kb(index['gzip'])} gzip, "
              f"{index['gzip'] / index['services']:.0f} bytes a service)")
        print(f"HTML + critical CSS (inlined, catalog prerendered): {kb(shell)} gzip "
              f"(budget {BUDGET_SHELL_KB} KB: {verdict(shell <= BUDGET_SHELL_KB * 1024)})")
        print(f"first visit at 400 kbps / 400 ms: catalog shown after "
              f"{throttled_first_visit(browser, stack.web):.1f} s")
        rendered = offline_repeat(browser, stack.web)
        print("repeat visit offline: " + ", ".join(
            f"{name} {'renders' if ok else 'DOES NOT RENDER'}" for name, ok in rendered.items()))
        opened, total = offline_after_home_only(browser, stack.web)
        print(f"offline after visiting only the home page: {opened} of {total} services open "
              f"(page and form)")
        browser.close()
        if not LIGHTHOUSE.exists():
            print("lighthouse is missing (make node-deps): scores not measured")
            return 0
        audited = {**PAGES, "largest form": f"/s/{largest_form()}/form"}
        for name, path in audited.items():
            result = lighthouse(stack.web + path)
            if "error" in result:
                print(f"lighthouse {name}: could not run: {result['error']}")
                continue
            scores = result["scores"]
            low = [key for key, value in scores.items() if value < BUDGET_SCORE]
            print(f"lighthouse 12.2.3 mobile, {name} ({path}): "
                  + ", ".join(f"{key} {value}" for key, value in scores.items())
                  + f" (budget {BUDGET_SCORE}: {verdict(not low)}); "
                  + ", ".join(f"{key} {value}" for key, value in result["metrics"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
