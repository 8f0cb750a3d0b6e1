"""Demo extracts at benchmark sizes, generated once and cached on disk by size and seed.

The generator's output is cached as `raw/` (exactly what demo.generate returned, written plainly);
the extract the app opens is written from it by dashboard.extract.write_tables into `extract/`.
Generation takes minutes at the national size; rewriting takes seconds, so a change to how the
project writes extracts (sort order, row groups) is picked up without generating again: the
extract carries a stamp of extract.py's source and is rewritten when the stamp differs.
"""
from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from dashboard import contract, demo, extract

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / "_data"
PROJECT_DATA = BENCH_DIR.parent / "data"


@dataclass(frozen=True)
class Size:
    name: str
    label: str
    schools: int


SIZES = {
    "city": Size("city", "城市(约1千所)", demo.DEFAULT_SCHOOLS),
    "province": Size("province", "省(约3万所)", 30_000),
    "nation": Size("nation", "全国(约50万所)", 500_000),
}


def _writer_stamp() -> str:
    return hashlib.sha256(Path(extract.__file__).read_bytes()).hexdigest()[:16]


def _complete(d: Path) -> bool:
    return all(contract.parquet_path(d, t).is_file() for t in contract.TABLES)


def _database_current(d: Path) -> bool:
    """A large extract has its database file, built from these files by the current setup.sql."""
    from dashboard import db

    if not db.wants_database(d):
        return True
    con = db._open_database(d)
    if con is None:
        return False
    con.close()
    return True


def extract_dir(size: Size, seed: int = demo.DEFAULT_SEED, log=print, events: dict | None = None) -> Path:
    """The cached extract of this size and seed, generating and writing it if needed; `events`
    receives how long generating and writing took when they happened."""
    events = {} if events is None else events
    base = CACHE_DIR / f"{size.name}-{size.schools}-seed{seed}"
    raw, out, stamp = base / "raw", base / "extract", base / "extract" / "WRITER"
    if not _complete(raw):
        log(f"[{size.name}] generating {size.schools:,} schools (seed {seed}) …")
        t = time.perf_counter()
        tables = demo.generate(schools=size.schools, seed=seed)
        shutil.rmtree(raw, ignore_errors=True)
        raw.mkdir(parents=True)
        for name in contract.TABLES:
            pq.write_table(extract.to_arrow(name, tables[name]), contract.parquet_path(raw, name),
                           compression="zstd")
        del tables
        events["generate_s"] = time.perf_counter() - t
        log(f"[{size.name}] generated in {events['generate_s']:.0f} s")
    if not (_complete(out) and stamp.is_file() and stamp.read_text() == _writer_stamp() and _database_current(out)):
        log(f"[{size.name}] writing the extract with dashboard.extract.write_tables …")
        t = time.perf_counter()
        tables = {name: pq.read_table(contract.parquet_path(raw, name)).to_pandas() for name in contract.TABLES}
        shutil.rmtree(out, ignore_errors=True)
        extract.write_tables(tables, out, demo=True)
        del tables
        stamp.write_text(_writer_stamp())
        events["write_s"] = time.perf_counter() - t
        log(f"[{size.name}] written in {events['write_s']:.0f} s (Parquet files and, if large, the database file)")
    return out


def describe(d: Path) -> dict[str, int]:
    """Rows per table, and bytes on disk of the Parquet files and of the database file (if any)."""
    from dashboard import db

    rows = {t: pq.ParquetFile(contract.parquet_path(d, t)).metadata.num_rows for t in contract.TABLES}
    rows["parquet_bytes"] = sum(contract.parquet_path(d, t).stat().st_size for t in contract.TABLES)
    database = d / db.DATABASE_FILE
    rows["database_bytes"] = database.stat().st_size if database.is_file() else 0
    return rows


def main(argv: list[str] | None = None) -> int:
    """python -m benchmarks.extracts SIZE [SEED]: make sure the cached extract exists; prints its path
    (run in a process of its own, so generating the national size leaves the caller's memory alone)."""
    import json
    import resource
    import sys

    args = sys.argv[1:] if argv is None else argv
    size, seed = SIZES[args[0]], int(args[1]) if len(args) > 1 else demo.DEFAULT_SEED
    events: dict = {}
    d = extract_dir(size, seed, log=lambda m: print(m, file=sys.stderr, flush=True), events=events)
    info = {"dir": str(d), "rows": describe(d), **events}
    if events:
        info["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
