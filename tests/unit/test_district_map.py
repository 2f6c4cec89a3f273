"""The ops map: every district once, by the platform's own ids, within its byte budget."""

from __future__ import annotations

import gzip
import json
import re

from chalicelib import geo
from devtools import district_map

PATH = re.compile(r"^(M-?\d+ -?\d+l[-\d ]*z)+$")


def test_the_map_has_every_district_within_its_budget() -> None:
    built = district_map.build()
    assert set(built["districts"]) == set(geo.level_areas("district"))
    assert len(built["districts"]) == 64
    assert all(PATH.match(path) for path in built["districts"].values())
    text = json.dumps(built, separators=(",", ":"))
    assert len(gzip.compress(text.encode(), 9)) <= district_map.BUDGET_GZIP


def test_old_spellings_of_the_boundaries_find_their_district() -> None:
    assert geo.district_by_english_name("Chittagong").name_en == "Chattogram"
    assert geo.district_by_english_name(" Jessore ").name_en == "Jashore"
    assert geo.district_by_english_name("Comilla").name_en == "Cumilla"
    assert geo.district_by_english_name("Atlantis") is None
