"""What an import counts per table. Its findings are dashboard.findings.Finding, the type validate
reports with too (re-exported here with the severities for the import's modules)."""
from __future__ import annotations

from dataclasses import dataclass

from dashboard.findings import ERROR, INFO, SEVERITY_LABELS, WARNING, Finding

__all__ = ["ERROR", "INFO", "SEVERITY_LABELS", "WARNING", "Finding", "TableCount"]


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
