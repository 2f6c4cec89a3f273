"""The web app's own rules, run in Node: the shared format cases, the service examples
through the precompiled checks the build ships, and the revised Bangla calendar, which
must give the same day as the server's for every date."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta

import pytest

from chalicelib.domain.bangla import to_bangla_date
from tests.browser.conftest import DIST, ROOT

PWA = ROOT / "pwa"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node is needed for the web app's tests")


def test_node_suite_passes():
    # formats.json, every service's examples, calendar anchors (pwa/test/*.test.mjs)
    assert (DIST / "index.html").exists(), "build the web app first (make pwa)"
    run = subprocess.run([NODE, "--test", "test/"], cwd=PWA, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout


def test_bangla_calendar_matches_the_server_on_every_day():
    first, last = date(2019, 1, 1), date(2032, 12, 31)
    script = f"""
      import {{ toBanglaDate }} from "./src/bangla.js";
      const out = [];
      const end = Date.UTC({last.year}, 11, 31);
      for (let t = Date.UTC({first.year}, 0, 1); t <= end; t += 86400000) {{
        const d = new Date(t);
        const b = toBanglaDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
        out.push([b.year, b.month, b.day]);
      }}
      console.log(JSON.stringify(out));
    """
    run = subprocess.run([NODE, "--input-type=module", "-e", script], cwd=PWA,
                         capture_output=True, text=True, timeout=60, check=True)
    browser_days = json.loads(run.stdout)
    server_days = []
    day = first
    while day <= last:
        server_days.append(list(to_bangla_date(day)))
        day += timedelta(days=1)
    assert len(browser_days) == len(server_days)
    mismatches = [
        (first + timedelta(days=i)).isoformat()
        for i, (ours, theirs) in enumerate(zip(browser_days, server_days, strict=True))
        if ours != theirs
    ]
    assert mismatches == []
