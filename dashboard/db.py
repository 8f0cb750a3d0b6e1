"""DuckDB over the extract: the six tables and derived ones, queries from files, bound parameters.

No Streamlit here, so tests, the CLI and the benchmark use it directly. A DuckDB connection is
not thread-safe and Streamlit serves sessions on threads, so every query runs on its own cursor.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import config, contract, rules

log = logging.getLogger(__name__)
_PARAMS_LINE = re.compile(r"^--\s*params:\s*(.*)$", re.IGNORECASE)
_COLUMNS_LINE = re.compile(r"^--\s*columns:\s*(.*)$", re.IGNORECASE)
_NEEDS_LINE = re.compile(r"^--\s*needs:\s*(.*)$", re.IGNORECASE)


class ExtractMissing(Exception):
    """The data directory lacks one or more tables; `missing` lists their file names."""

    def __init__(self, data_dir: Path, missing: list[str], detail: str = ""):
        self.data_dir, self.missing, self.detail = Path(data_dir), missing, detail
        super().__init__(f"数据目录 {data_dir} 缺少或无法读取：{'、'.join(missing)} {detail}".strip())


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: tuple[str, ...]
    result: str
    columns: tuple[str, ...]


def _names(line: str, pattern: re.Pattern, path: Path, what: str) -> tuple[str, ...]:
    m = pattern.match(line)
    if not m:
        raise ValueError(f"{path}: {what}")
    return tuple(p.strip() for p in m.group(1).split(",") if p.strip() and p.strip() != "none")


@functools.cache
def load_query(name: str) -> Query:
    """Read dashboard/queries/<name>.sql: line 1 says what it returns, line 2 lists its
    parameters, line 3 its result columns."""
    path = config.QUERIES_DIR / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines() + ["", "", ""]
    result = lines[0].lstrip("- ").strip()
    params = _names(lines[1], _PARAMS_LINE, path, "line 2 must be '-- params: a, b' (or '-- params: none')")
    columns = _names(lines[2], _COLUMNS_LINE, path, "line 3 must be '-- columns: a, b'")
    return Query(name, text, params, result, columns)


def query_names() -> list[str]:
    return sorted(p.stem for p in config.QUERIES_DIR.glob("*.sql"))


@dataclass(frozen=True)
class Model:
    """One derived table (or, for a name starting with _, shared macros) of dashboard/models/."""
    name: str
    sql: str
    what: str
    needs: tuple[str, ...]


@functools.cache
def models() -> tuple[Model, ...]:
    """The metric layer's files, in an order that runs each after what it needs."""
    found = {}
    for path in sorted(config.MODELS_DIR.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        # The opening comment says what the file holds; its last line lists what it needs.
        head = list(itertools.takewhile(lambda line: line.startswith("--"), text.splitlines()))
        at = next((i for i, line in enumerate(head) if _NEEDS_LINE.match(line)), None)
        if at is None:
            raise ValueError(f"{path}: the opening comment must end with '-- needs: a, b' (or '-- needs: none')")
        what = " ".join(line.lstrip("- ").strip() for line in head[:at])
        found[path.stem] = Model(path.stem, text, what, _names(head[at], _NEEDS_LINE, path, ""))
    ordered: list[Model] = []
    done: set[str] = set(contract.TABLES) | set(rules.sql_tables())

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done:
            return
        if name not in found:
            raise ValueError(f"model {trail[-1]} needs {name}, which is neither a table nor a model")
        if name in trail:
            raise ValueError(f"models need each other in a circle: {' -> '.join(trail + (name,))}")
        for n in found[name].needs:
            visit(n, trail + (name,))
        done.add(name)
        ordered.append(found[name])

    for name in found:
        visit(name, ())
    return tuple(ordered)


# The six tables and the derived ones, ready to query, written beside a large extract's Parquet
# files (extract.write_tables): opening it takes milliseconds, where loading the Parquet files and
# deriving the tables takes seconds at the provincial size and a minute at the national one.
DATABASE_FILE = "extract.duckdb"
# From this many school-year rows (a few thousand schools over eight years) an extract gets that
# file; a smaller one is loaded and derived in memory in a fraction of a second, and stays Parquet only.
DATABASE_MIN_ROWS = 50_000

_SQL_TYPES = {contract.STRING: "varchar", contract.INT: "bigint", contract.DATE: "date"}

# Bureaus run on closed networks: DuckDB must not try to fetch extensions.
_DUCKDB_SETTINGS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def missing_tables(data_dir: Path) -> list[str]:
    """The required tables whose file is not there (an optional table may be absent)."""
    return [contract.parquet_path(data_dir, name).name for name, t in contract.TABLES.items()
            if not t.optional and not contract.parquet_path(data_dir, name).is_file()]


def _file_stamp(path: Path) -> str:
    """A Parquet file's identity for caches and database files: replaced means changed."""
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _sources(data_dir: Path) -> list[tuple[str, str]]:
    """What a database file is built from: each Parquet file, the models that derive the tables
    and the rules they read."""
    out = [(f"models/{m.name}.sql", hashlib.sha256(m.sql.encode()).hexdigest()) for m in models()]
    out.append(("rules", hashlib.sha256(repr(rules.sql_tables()).encode()).hexdigest()))
    for table in contract.TABLES:
        p = contract.parquet_path(data_dir, table)
        out.append((p.name, _file_stamp(p) if p.is_file() else "-"))
    return sorted(out)


def _rule_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The rules (rules.py) as small tables beside the extract's, so the SQL joins them instead of
    repeating their values. They are part of what a database file is built from (_sources)."""
    for name, (header, *rows) in rules.sql_tables().items():
        con.from_df(pd.DataFrame(rows, columns=list(header))).create(name)


def _load(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """The contract's tables from their Parquet files, then the models' macros and derived tables."""
    con.execute("set enable_progress_bar = false")  # a long build would draw a bar on the server's log
    for name, table in contract.TABLES.items():
        path = contract.parquet_path(data_dir, name)
        if not path.is_file():  # an optional table not supplied: empty, with the contract's columns
            con.from_arrow(table.arrow_schema.empty_table()).create(name)
            continue
        # The relational API takes the path as a value, so no file name is ever spliced into SQL.
        # Stored in key order, a lookup by key (one school's history) reads one row group, not all.
        rel = con.read_parquet(str(path))
        present = set(rel.columns)
        # Column names and types come from the contract, never from the file.
        rel = rel.project(", ".join(c.name if c.name in present else f"null::{_SQL_TYPES[c.dtype]} as {c.name}"
                                    for c in table.columns))
        rel.order(", ".join(table.key)).create(name)
    _rule_tables(con)
    for model in models():
        con.execute(model.sql)


def build_database(data_dir: Path | str) -> Path:
    """Write data_dir/extract.duckdb from the extract's Parquet files; returns its path.

    Written under a temporary name and renamed, so a reader sees the old file or the new one."""
    data_dir = Path(data_dir)
    missing = missing_tables(data_dir)
    if missing:
        raise ExtractMissing(data_dir, missing)
    target = data_dir / DATABASE_FILE
    tmp = data_dir / f".{DATABASE_FILE}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    sources = _sources(data_dir)
    con = duckdb.connect(str(tmp), config=_DUCKDB_SETTINGS)
    try:
        # Within a gigabyte DuckDB spills to disk as it needs: building the national extract then
        # takes about the same time and a quarter of the memory it would take unbounded.
        con.execute("set memory_limit = '1GB'")
        _load(con, data_dir)
        con.execute("create table built_from (source varchar, stamp varchar)")
        con.executemany("insert into built_from values (?, ?)", sources)
        con.execute("checkpoint")
    except BaseException:
        con.close()
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, target)
    return target


def _open_database(data_dir: Path) -> duckdb.DuckDBPyConnection | None:
    """The extract's database file, read-only, if it was built from the files now there."""
    path = data_dir / DATABASE_FILE
    if not path.is_file():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True, config=_DUCKDB_SETTINGS)
    except duckdb.Error:
        return None  # written by another DuckDB version, or damaged: load the Parquet files instead
    try:
        current = sorted(con.execute("select source, stamp from built_from").fetchall()) == _sources(data_dir)
    except duckdb.Error:
        current = False
    if not current:  # the Parquet files, the models or the rules changed since it was built
        con.close()
        return None
    return con


def wants_database(data_dir: Path | str) -> bool:
    """Whether the extract is large enough to be worth a database file."""
    path = contract.parquet_path(Path(data_dir), "school_years")
    return pq.ParquetFile(path).metadata.num_rows >= DATABASE_MIN_ROWS


def open_extract(data_dir: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the extract: its database file when it has a current one, else an
    in-memory database loaded from the Parquet files.

    A large extract whose file is missing or stale (its Parquet files were replaced by other means,
    or a new version of the app changed its models or rules) gets the file built now, if the
    directory is writable. For the command line and tests; the server uses open_for_serving."""
    data_dir = Path(data_dir or config.data_dir())
    missing = missing_tables(data_dir)
    if missing:
        raise ExtractMissing(data_dir, missing)
    con = _open_database(data_dir)
    if con is not None:
        return con
    try:
        if wants_database(data_dir) and os.access(data_dir, os.W_OK):
            build_database(data_dir)
            con = _open_database(data_dir)
            if con is not None:
                return con
    except (OSError, duckdb.Error, pa.ArrowException):
        pass  # unreadable or unwritable here: the in-memory load below reports what is wrong
    return _in_memory(data_dir)


def _in_memory(data_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config=_DUCKDB_SETTINGS)
    try:
        _load(con, data_dir)
    except duckdb.Error as exc:
        con.close()
        raise ExtractMissing(data_dir, [str(data_dir)], f"({exc})") from exc
    return con


class ExtractPreparing(Exception):
    """A large extract's database file is being built and there is no earlier one to serve."""


_building: set[Path] = set()
_building_lock = threading.Lock()


def open_for_serving(data_dir: Path | str) -> duckdb.DuckDBPyConnection:
    """The extract for the server, never waiting for a database file to be built: a current file,
    or (a small extract) the Parquet files loaded in memory, or, while a stale or missing file is
    rebuilt in the background, the previous file if there is one; else ExtractPreparing.

    Files are normally built when an extract is published (extract.write_tables) and at server
    start (`python -m dashboard prepare`), so this is the exception: data replaced by hand."""
    data_dir = Path(data_dir)
    missing = missing_tables(data_dir)
    if missing:
        raise ExtractMissing(data_dir, missing)
    con = _open_database(data_dir)
    if con is not None:
        return con
    if not wants_database(data_dir):
        return _in_memory(data_dir)
    _build_in_background(data_dir)
    previous = data_dir / DATABASE_FILE
    if previous.is_file():
        try:
            return duckdb.connect(str(previous), read_only=True, config=_DUCKDB_SETTINGS)
        except duckdb.Error:
            pass
    raise ExtractPreparing(str(data_dir))


def _build_in_background(data_dir: Path) -> None:
    with _building_lock:
        if data_dir in _building or not os.access(data_dir, os.W_OK):
            return
        _building.add(data_dir)

    def build():
        try:
            build_database(data_dir)
        except Exception:  # noqa: BLE001 - logged; the extract keeps being served as it is
            log.exception("building %s failed", data_dir / DATABASE_FILE)
        finally:
            with _building_lock:
                _building.discard(data_dir)

    threading.Thread(target=build, name="extract-database", daemon=True).start()


def prepare(data_dir: Path | str) -> Path | None:
    """Build the database file of a large extract if it is missing or stale (at server start,
    before sessions are accepted); returns its path, or None for a small extract."""
    data_dir = Path(data_dir)
    if missing_tables(data_dir) or not wants_database(data_dir):
        return None
    con = _open_database(data_dir)
    if con is not None:
        con.close()
        return data_dir / DATABASE_FILE
    return build_database(data_dir)


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
    """Changes whenever any table file is replaced, or the database file is (re)built: the cache
    key for new data."""
    data_dir = Path(data_dir or config.data_dir())
    database = data_dir / DATABASE_FILE
    parts = [f"db:{_file_stamp(database) if database.exists() else '-'}"]
    for table in contract.TABLES:
        p = contract.parquet_path(data_dir, table)
        parts.append(f"{table}:{_file_stamp(p) if p.exists() else '-'}")
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
