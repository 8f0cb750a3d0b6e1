"""What an import found, in the words the user sees (Chinese), with where it was found."""
from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "说明"}


@dataclass(frozen=True)
class Issue:
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None   # 1-based, the row number Excel shows
    table: str = ""          # contract table name
    column: str = ""         # the column's Chinese label
    value: str = ""

    @property
    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列")
        return " ".join(p for p in parts if p)

    def __str__(self) -> str:
        where = self.where
        return f"[{SEVERITY_LABELS.get(self.severity, self.severity)}] {where + ':' if where else ''}{self.message}"


@dataclass
class TableCount:
    """Per table: read = accepted + rejected always; skipped rows (合计, notes, the template's
    example) are listed but are not data, and blank rows are not counted at all."""
    table: str
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0

    def add(self, other: "TableCount") -> None:
        self.read += other.read
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.skipped += other.skipped
