"""DuckDB over the Parquet extract: one view per table, queries from files, bound parameters.

No Streamlit here, so tests, the CLI and the benchmark use it directly. A DuckDB connection is
not thread-safe and Streamlit serves sessions on threads, so every query runs on its own cursor.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import config, contract

_SETUP_SQL = Path(__file__).resolve().parent / "setup.sql"
_PARAMS_LINE = re.compile(r"^--\s*params:\s*(.*)$", re.IGNORECASE)


class ExtractMissing(Exception):
    """The data directory lacks one or more tables; `missing` lists their file names."""

    def __init__(self, data_dir: Path, missing: list[str], detail: str = ""):
        self.data_dir, self.missing, self.detail = Path(data_dir), missing, detail
        super().__init__(f"数据目录 {data_dir} 缺少或无法读取:{'、'.join(missing)} {detail}".strip())


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: tuple[str, ...]
    result: str


@functools.cache
def load_query(name: str) -> Query:
    """Read dashboard/queries/<name>.sql; line 1 says what it returns, line 2 its parameters."""
    path = config.QUERIES_DIR / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    result = lines[0].lstrip("- ").strip()
    m = _PARAMS_LINE.match(lines[1]) if len(lines) > 1 else None
    if not m:
        raise ValueError(f"{path}: line 2 must be '-- params: a, b' (or '-- params: none')")
    names = tuple(p.strip() for p in m.group(1).split(",") if p.strip() and p.strip() != "none")
    return Query(name, text, names, result)


def query_names() -> list[str]:
    return sorted(p.stem for p in config.QUERIES_DIR.glob("*.sql"))


def open_extract(data_dir: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory database whose views read the extract's Parquet files."""
    data_dir = Path(data_dir or config.data_dir())
    missing = [contract.parquet_path(data_dir, t).name for t in contract.TABLES
               if not contract.parquet_path(data_dir, t).is_file()]
    if missing:
        raise ExtractMissing(data_dir, missing)
    con = duckdb.connect(config=_DUCKDB_SETTINGS)
    try:
        for table in contract.TABLES:
            # The relational API takes the path as a value, so no file name is ever spliced into SQL.
            con.read_parquet(str(contract.parquet_path(data_dir, table))).create_view(table)
        con.execute(_SETUP_SQL.read_text(encoding="utf-8"))
    except duckdb.Error as exc:
        con.close()
        raise ExtractMissing(data_dir, [str(data_dir)], f"({exc})") from exc
    return con


# Bureaus run on closed networks: DuckDB must not try to fetch extensions.
_DUCKDB_SETTINGS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run one query file with its declared parameters taken from `params` (extras ignored)."""
    q = load_query(name)
    missing = [p for p in q.params if p not in params]
    if missing:
        raise TypeError(f"query {name} needs parameters {missing}")
    bound = {p: params[p] for p in q.params}
    return con.cursor().execute(q.sql, bound).df()


def all_county_codes(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """Every county in the extract: the visible set of a user who may see all of it."""
    rel = con.cursor().table("regions").order("sort_order, county_code").project("county_code")
    return tuple(row[0] for row in rel.fetchall())


def extract_version(data_dir: Path | str | None = None) -> str:
    """Changes whenever any table file is replaced: the cache key for new data."""
    data_dir = Path(data_dir or config.data_dir())
    parts = []
    for table in contract.TABLES:
        p = contract.parquet_path(data_dir, table)
        st = p.stat() if p.exists() else None
        parts.append(f"{table}:{st.st_mtime_ns}:{st.st_size}" if st else f"{table}:-")
    return f"{data_dir.resolve()}|" + "|".join(parts)


def is_demo(data_dir: Path | str | None = None) -> bool:
    return (Path(data_dir or config.data_dir()) / config.DEMO_MARKER).exists()


def runner(con: duckdb.DuckDBPyConnection):
    """A query getter for code outside Streamlit: runner(con)(name, scope, **extra)."""
    def get(name: str, scope=None, **extra) -> pd.DataFrame:
        params = dict(scope.params()) if scope is not None else {}
        params.update(extra)
        return run_query(con, name, **params)
    return get
