"""The report pack (报告导出): a Word document, an Excel workbook and the charts as PNG and SVG
for one scope and year, in one zip.

content.py  what the pack says (paragraphs from summary.py, charts from charts.py, tables)
render.py   chart images through kaleido and the system's Chromium; check_renderer()
word.py     the .docx
workbook.py the .xlsx
pack.py     make_pack(): all of it, for the report page and the command line alike
cli.py      python -m dashboard report ...
"""
from dashboard.report.cli import configure, run

__all__ = ["configure", "run"]
