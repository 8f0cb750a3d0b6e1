"""Importing a bureau's spreadsheets into a validated, versioned extract (issue 4).

read -> headers -> clean -> merge -> validate -> diff -> versions; pipeline.py ties them together
for the command (cli.py) and the 数据管理 page. The command is `python -m dashboard ingest`.
"""
from dashboard.ingest.cli import configure, run

__all__ = ["configure", "run"]
