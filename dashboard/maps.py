"""County boundaries for the map: which file to draw, and the check a bureau's own file must pass.

A bureau may put its own GeoJSON, keyed by county_code, at `boundaries.geojson` in its data root
(docs/import.md, 县区边界); otherwise the boundaries shipped in dashboard/geo/ serve the cities
they cover (商洛市, 济宁市; dashboard/geo/SOURCE.md). With neither covering every county of the
extract there is no map, and the pages show their ranking instead. No Streamlit here: the command
line, the pages and the tests share it; data.py caches it.

Boundaries are data a bureau hands us, so they are read like any import: the size is bounded
before a byte is parsed, and every problem is a Chinese message saying what and where.
"""
from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

BOUNDARIES_FILE = "boundaries.geojson"
SHIPPED_DIR = Path(__file__).resolve().parent / "geo"
# A simplified province of counties is a few MB; a file much larger than that is unsimplified
# survey data, which would be sent whole to every browser on every redraw.
MAX_BYTES = 8 * 1024 * 1024
# Problems of one kind listed by name before the rest are only counted.
LIST_LIMIT = 10
_CODE_LENGTH = 6
_POLYGONAL = ("Polygon", "MultiPolygon")
# Where a published version's directory sits under its data root (dashboard/ingest/versions.py).
_VERSIONS_DIR = "versions"

log = logging.getLogger(__name__)


class BoundaryError(ValueError):
    """A boundary file that cannot be used; `messages` are Chinese, one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("；".join(messages))
        self.messages = messages


# Reading ------------------------------------------------------------------------------------------
def read_bounded(path: Path | str) -> bytes:
    """The file's bytes, refusing one over MAX_BYTES before reading it."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise BoundaryError([_too_large(path.name, size)])
    with path.open("rb") as f:
        data = f.read(MAX_BYTES + 1)  # the file may grow between stat and read
    if len(data) > MAX_BYTES:
        raise BoundaryError([_too_large(path.name, len(data))])
    return data


def _too_large(name: str, size: int) -> str:
    return (f"边界文件“{name}”过大（{_mb(size)}），不能超过 {_mb(MAX_BYTES)}；"
            "请先简化边界（如用 mapshaper 的 -simplify）再导入")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")


# Checking -----------------------------------------------------------------------------------------
def check_geojson(data: bytes, county_codes: Mapping[str, str]) -> list[str]:
    """The problems of a boundary file for an extract with these counties (code -> name), in
    Chinese; empty when every county has a usable shape. Counties in the file that the extract
    does not have are allowed (a province's file serves each of its counties' bureaus)."""
    return parse(data, county_codes)[1]


def parse(data: bytes, county_codes: Mapping[str, str]) -> tuple[dict[str, dict], list[str]]:
    """(county_code -> feature, problems). The features are only meaningful without problems."""
    if len(data) > MAX_BYTES:
        return {}, [_too_large(BOUNDARIES_FILE, len(data))]
    try:
        doc = json.loads(data)
    except UnicodeDecodeError:
        return {}, ["边界文件不是 UTF-8 编码的文本；请以 UTF-8 保存 GeoJSON 后再导入"]
    except json.JSONDecodeError as exc:
        return {}, [f"边界文件不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{_json_reason(exc.msg)}）"]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        return {}, [f"边界文件应为 GeoJSON 的 FeatureCollection（“type”为“FeatureCollection”），实际为“{found}”"]
    features = doc.get("features")
    if not isinstance(features, list):
        return {}, ["边界文件的“features”应为要素列表"]

    problems: list[str] = []
    by_code: dict[str, dict] = {}
    keyless, bad_shape, duplicates = [], [], []
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        code = props.get("county_code") if isinstance(props, dict) else None
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)  # 611024 written as a number is still that county
        if not (isinstance(code, str) and len(code) == _CODE_LENGTH and code.isascii() and code.isdigit()):
            keyless.append((i, props))
            continue
        if code in by_code:
            duplicates.append(code)
            continue
        reason = _shape_problem(feature.get("geometry"))
        if reason:
            bad_shape.append(f"第 {i} 个要素（{_county(code, county_codes, props)}）{reason}")
            continue
        by_code[code] = feature

    if keyless:
        problems.append(_keyless_message(keyless))
    if duplicates:
        problems.append("以下县区代码在多个要素中出现，每个县区应只有一个要素（多块飞地合为一个 MultiPolygon）："
                        + _listed(sorted(set(duplicates))))
    if bad_shape:
        problems.append("以下要素的边界不可用：" + _listed(bad_shape))
    missing = [code for code in county_codes if code not in by_code and code not in duplicates]
    if missing:
        problems.append("以下县区没有边界：" + _listed([f"{county_codes[c]}（{c}）" for c in missing]))
    return by_code, problems


def _json_reason(msg: str) -> str:
    known = {"Expecting value": "此处应为一个值", "Expecting ',' delimiter": "此处缺少逗号",
             "Expecting ':' delimiter": "此处缺少冒号", "Extra data": "文件末尾有多余内容",
             "Unterminated string starting at": "字符串没有结束",
             "Expecting property name enclosed in double quotes": "属性名应使用双引号"}
    return known.get(msg, msg)


def _county(code: str, county_codes: Mapping[str, str], props: dict) -> str:
    name = county_codes.get(code) or (props or {}).get("county_name") or ""
    return f"{name}，{code}" if name else code


def _keyless_message(keyless: list[tuple[int, dict | None]]) -> str:
    hint = ""
    keys = {k for _, props in keyless if isinstance(props, dict) for k in props}
    for other in ("adcode", "code", "GB", "gb"):
        if other in keys:
            hint = f"；文件中有“{other}”属性，如它就是县区代码，请把属性名改为 county_code"
            break
    shown = [f"第 {i} 个要素" + (f"（county_code 为“{props['county_code']}”）"
                                 if isinstance(props, dict) and props.get("county_code") is not None else "")
             for i, props in keyless]
    return f"以下要素没有 6 位数字的 county_code 属性：{_listed(shown)}{hint}"


def _listed(items: list[str]) -> str:
    shown = "、".join(items[:LIST_LIMIT])
    return shown + (f"等共 {len(items)} 个" if len(items) > LIST_LIMIT else "")


def _shape_problem(geometry) -> str | None:
    if not isinstance(geometry, dict) or geometry.get("type") not in _POLYGONAL:
        kind = geometry.get("type") if isinstance(geometry, dict) else "空"
        return f"的 geometry 应为 Polygon 或 MultiPolygon，实际为“{kind}”"
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not polygons:
        return "没有坐标"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "的坐标结构不是多边形"
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return "有少于 4 个点的环"
            for point in ring:
                if not (isinstance(point, list) and len(point) >= 2
                        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                                for v in point[:2])):
                    return "有不是数字的坐标"
                lon, lat = point[0], point[1]
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    return (f"有超出经纬度范围的坐标（{lon:g}，{lat:g}）；坐标应为 WGS84 经纬度，"
                            "投影坐标（如米）请先转换")
    return None


# Loading ------------------------------------------------------------------------------------------
def bureau_files(data_dir: Path | str) -> list[Path]:
    """Where a bureau's own file is looked for: the extract's directory, then, for a published
    version (ROOT/versions/ID), its data root, where `boundaries install` puts it so that it
    outlives every publish."""
    data_dir = Path(data_dir)
    places = [data_dir / BOUNDARIES_FILE]
    if data_dir.parent.name == _VERSIONS_DIR:
        places.append(data_dir.parent.parent / BOUNDARIES_FILE)
    return places


def shipped_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.geojson"))


def boundaries(data_dir: Path | str, county_codes: Mapping[str, str] | Iterable[str]) -> dict | None:
    """The GeoJSON FeatureCollection of the extract's counties, in the order given: from the
    bureau's own file if it has them all, else from the shipped files if they have them all, else
    None (no map). A bureau file that fails the check is logged and passed over, so a broken
    upload leaves the screen on the shipped map or the ranking, never on an error."""
    codes = dict(county_codes) if isinstance(county_codes, Mapping) else {c: c for c in county_codes}
    if not codes:
        return None
    for path in bureau_files(data_dir):
        if not path.is_file():
            continue
        try:
            by_code, problems = parse(read_bounded(path), codes)
        except (BoundaryError, OSError) as exc:
            problems = getattr(exc, "messages", [str(exc)])
        if not problems:
            return _collection(by_code, codes)
        log.warning("boundary file %s not used: %s", path, "；".join(problems))
    shipped: dict[str, dict] = {}
    for path in shipped_files():
        shipped.update(parse(path.read_bytes(), {})[0])
    if all(code in shipped for code in codes):
        return _collection(shipped, codes)
    return None


def _collection(by_code: dict[str, dict], codes: Mapping[str, str]) -> dict:
    features = []
    for code, name in codes.items():
        feature = by_code[code]
        props = dict(feature.get("properties") or {})
        props["county_code"] = code
        props["county_name"] = props.get("county_name") or (name if name != code else code)
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def install(source: Path | str, root: Path | str, county_codes: Mapping[str, str]) -> Path:
    """Check a bureau's file against the extract's counties and put it in the data root, replacing
    any earlier one in one rename; raises BoundaryError (nothing changed) when it does not pass."""
    data = read_bounded(source)
    problems = check_geojson(data, county_codes)
    if problems:
        raise BoundaryError(problems)
    target = Path(root) / BOUNDARIES_FILE
    staging = target.with_name(f".{BOUNDARIES_FILE}.{os.getpid()}")
    try:
        staging.write_bytes(data)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
    return target


# Command line: python -m dashboard boundaries check|install FILE [--data ROOT] ----------------------
def extract_counties(data_dir: Path | str) -> dict[str, str]:
    """code -> name of the extract's counties, in their sort order; empty without a regions table."""
    import pyarrow.parquet as pq

    from dashboard import contract

    path = contract.parquet_path(data_dir, "regions")
    if not path.is_file():
        return {}
    rows = pq.read_table(path, columns=["county_code", "county_name", "sort_order"]).to_pylist()
    rows.sort(key=lambda r: (r["sort_order"] is None, r["sort_order"] or 0, r["county_code"]))
    return {str(r["county_code"]): str(r["county_name"]) for r in rows}


def configure(parser) -> None:
    parser.add_argument("action", choices=("check", "install"),
                        help="check：检查边界文件是否覆盖数据中的每个县区；install：检查通过后安装到数据根目录")
    parser.add_argument("file", type=Path, help="县区边界 GeoJSON 文件")
    parser.add_argument("--data", type=Path, default=None, help="数据根目录（默认为 DASHBOARD_DATA_DIR 或 data/）")


def run(args) -> int:
    from dashboard import config

    root = args.data or config.data_root()
    counties = extract_counties(config.data_dir(root))
    if not counties:
        print(f"数据目录“{config.data_dir(root)}”中没有行政区划表（regions.parquet），无法核对县区")
        return 1
    try:
        if args.action == "install":
            target = install(args.file, root, counties)
            print(f"已安装：{target}；看板下次打开页面时使用它绘制 {len(counties)} 个县区的地图")
            return 0
        by_code, problems = parse(read_bounded(args.file), counties)
    except BoundaryError as exc:
        problems = exc.messages
    except OSError as exc:
        problems = [f"无法读取“{args.file}”：{exc.strerror or exc}"]
    if problems:
        print(f"边界文件“{args.file}”未通过检查" + ("，未安装" if args.action == "install" else "") + "：")
        for p in problems:
            print(f"  {p}")
        return 1
    extra = len(set(by_code) - set(counties))
    print(f"边界文件“{args.file}”检查通过：数据中的 {len(counties)} 个县区都有边界"
          + (f"（另有 {extra} 个县区不在本数据中，不会显示）" if extra else ""))
    return 0
