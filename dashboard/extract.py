"""Reading and writing a whole extract: one Parquet file per contract table, typed by the contract."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import config, contract, db


def to_arrow(table: str, df: pd.DataFrame) -> pa.Table:
    """Cast a DataFrame to the contract's schema (column order and types); raises on a mismatch."""
    t = contract.TABLES[table]
    absent = [c.name for c in t.columns if c.optional and c.name not in df.columns]
    if absent:  # an optional column not supplied is written empty
        df = df.assign(**{c: None for c in absent})
    return pa.Table.from_pandas(df[t.names], schema=t.arrow_schema, preserve_index=False)


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path | str, demo: bool = False) -> Path:
    """Write every table of the contract to out_dir; `demo` marks the extract as fictional."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # A database file built from the previous files must not outlive them.
    (out / db.DATABASE_FILE).unlink(missing_ok=True)
    for name, spec in contract.TABLES.items():
        df = tables[name] if name in tables or not spec.optional else pd.DataFrame(columns=spec.names)
        # zstd keeps the demo small in git; the files are read whole, once per open or build.
        pq.write_table(to_arrow(name, df), contract.parquet_path(out, name),
                       compression="zstd", row_group_size=1_000_000)
    if len(tables["school_years"]) >= db.DATABASE_MIN_ROWS:
        db.build_database(out)  # ready to query: opening it takes milliseconds (db.DATABASE_FILE)
    marker = out / config.DEMO_MARKER
    if demo:
        marker.write_text("本数据为演示用虚构数据。\n", encoding="utf-8")
    elif marker.exists():
        marker.unlink()
    return out


def read_tables(data_dir: Path | str) -> dict[str, pd.DataFrame]:
    """Every table present in data_dir as a DataFrame (missing tables are simply absent)."""
    out = {}
    for name in contract.TABLES:
        p = contract.parquet_path(data_dir, name)
        if p.is_file():
            df = pq.read_table(p).to_pandas()
            absent = [c.name for c in contract.TABLES[name].columns if c.optional and c.name not in df.columns]
            out[name] = df.assign(**{c: None for c in absent}) if absent else df
    return out
