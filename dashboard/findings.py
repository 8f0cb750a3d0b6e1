"""What a check found, in the words the user sees (Chinese), and where: one type for validate and
for the import.

A finding names the contract table, the row's key and the column it is about, and, when the row
came from an uploaded sheet, that file, sheet and the row number Excel shows. validate reports on
extracts (Parquet files or tables in memory); the import reports on sheets, cells and the merged
extract it is about to publish (by running validate on it), all with this one type.
"""
from __future__ import annotations

from dataclasses import dataclass

from dashboard import contract

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "说明"}

# Provenance columns the import carries beside a table's own columns: the file, the sheet and the
# Excel row each row came from (null for rows of the data already published).
SOURCE_COLUMNS = ("_file", "_sheet", "_row")
# Where a finding points when its row was kept from the data already published.
EXISTING = "现有数据"


@dataclass(frozen=True, slots=True)  # slots: a broken national extract yields millions of these
class Finding:
    severity: str          # ERROR, WARNING or INFO
    table: str = ""        # contract table name, or "" for a file- or sheet-level finding
    key: str = ""          # the row's key in Chinese-labelled form ("学校标识码=…，年度=2024"), or ""
    column: str = ""       # contract column name, or ""
    message: str = ""      # Chinese
    # Where the row is in its source: the row number Excel shows for a row of an uploaded sheet;
    # the 0-based position for a table in memory or a Parquet file; None when not one row.
    row: int | None = None
    file: str = ""         # the uploaded file (or EXISTING), when the finding comes from an import
    sheet: str = ""
    value: str = ""        # the cell as written, when the finding is about one cell

    @property
    def column_label(self) -> str:
        """The column's Chinese label (as the templates head it), or the column as given."""
        spec = contract.TABLES.get(self.table)
        col = spec.column_map.get(self.column) if spec else None
        return col.label if col else self.column

    @property
    def where(self) -> str:
        """"党组织.xlsx 工作表“党组织” 第 3 行 [党组织编号=O1，年度=2024] 组织类型（org_type）" or,
        for an extract, "党组织（orgs.parquet） [党组织编号=O1，年度=2024] 组织类型（org_type）"."""
        spec = contract.TABLES.get(self.table)
        parts = []
        if self.file:
            parts.append(self.file)
            if self.sheet:
                parts.append(f"工作表“{self.sheet}”")
            if self.row is not None:
                parts.append(f"第 {self.row} 行")
        elif spec:
            parts.append(f"{spec.label}（{self.table}.parquet）")
        elif self.table:
            parts.append(self.table)
        if self.key:
            parts.append(f"[{self.key}]")
        if self.column:
            col = spec.column_map.get(self.column) if spec else None
            parts.append(f"{col.label}（{self.column}）" if col else self.column)
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.where
        return f"{SEVERITY_LABELS.get(self.severity, self.severity)} {where + '：' if where else ''}{self.message}"
