"""The rejects workbook: every problem with its file, sheet, Excel row and column, and each
rejected row as written, under the template's headers, so it can be corrected and imported again
(the 来源/拒绝原因 columns are ignored on import)."""
from __future__ import annotations

import io

import pandas as pd
import xlsxwriter

from dashboard import contract
from dashboard.ingest.issues import SEVERITY_LABELS

ISSUE_HEADER = ["严重程度", "文件", "工作表", "行号", "数据表", "列", "值", "说明"]
META_HEADER = ["来源文件", "来源工作表", "来源行号", "拒绝原因"]


def issue_frame(plan) -> pd.DataFrame:
    """Per-cell rejections and every other issue in one table, ordered by where they are."""
    label = lambda t: contract.TABLES[t].label if t in contract.TABLES else (t or "")
    p = plan.problems
    cells = pd.DataFrame({
        "严重程度": SEVERITY_LABELS["error"], "文件": p["_file"], "工作表": p["_sheet"],
        "行号": p["_row"].astype("Int64"), "数据表": p["table"].map(label), "列": p["column"],
        "值": p["value"], "说明": "本行被拒绝：" + p["message"].astype("str"),
    })
    others = pd.DataFrame([{
        "严重程度": SEVERITY_LABELS.get(i.severity, i.severity), "文件": i.file, "工作表": i.sheet,
        # A finding about a row without one cell to point at shows the row's key instead.
        "行号": i.row, "数据表": label(i.table), "列": i.column_label, "值": i.value or i.key, "说明": i.message,
    } for i in plan.issues], columns=ISSUE_HEADER)
    others["行号"] = others["行号"].astype("Int64")
    out = pd.concat([x for x in (cells, others) if len(x)], ignore_index=True) if len(cells) or len(others) \
        else pd.DataFrame(columns=ISSUE_HEADER)
    order = {v: i for i, v in enumerate(SEVERITY_LABELS.values())}
    out["_o"] = out["严重程度"].map(order)
    return out.sort_values(["_o", "文件", "工作表", "行号"], na_position="first", kind="stable").drop(columns="_o").reset_index(drop=True)


def count_frame(plan) -> pd.DataFrame:
    return pd.DataFrame([{"数据表": contract.TABLES[t].label, "读取行数": c.read, "接受": c.accepted,
                          "拒绝": c.rejected, "跳过（合计、说明等）": c.skipped}
                         for t, c in plan.counts.items()])


def workbook(plan) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1})
    text = book.add_format({"num_format": "@"})
    _sheet(book, "导入汇总", count_frame(plan), head, text)
    _sheet(book, "问题清单", issue_frame(plan), head, text, widths={"说明": 70, "文件": 24})
    for table, rows in plan.rejected.items():
        t = contract.TABLES[table]
        frame = pd.DataFrame({"来源文件": rows["_file"], "来源工作表": rows["_sheet"],
                              "来源行号": rows["_row"].astype("Int64"), "拒绝原因": rows["_reason"]})
        for c in t.columns:
            frame[c.label] = rows[c.label] if c.label in rows.columns else None
        _sheet(book, f"被拒绝_{t.label}"[:31], frame, head, text, widths={"拒绝原因": 60})
    book.close()
    return buf.getvalue()


def _sheet(book, name: str, frame: pd.DataFrame, head, text, widths: dict | None = None) -> None:
    ws = book.add_worksheet(name)
    widths = widths or {}
    for j, c in enumerate(frame.columns):
        ws.set_column(j, j, widths.get(c, max(10, 2 * len(str(c)) + 2)), text)
        ws.write_string(0, j, str(c), head)
    ws.freeze_panes(1, 0)
    columns = [[None if pd.isna(v) else v for v in frame[c].astype(object)] for c in frame.columns]
    for i, values in enumerate(zip(*columns), start=1):
        for j, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(i, j, v)
            else:
                # Values as the user wrote them: never let Excel reinterpret "2161000001" or "=...".
                ws.write_string(i, j, str(v))
