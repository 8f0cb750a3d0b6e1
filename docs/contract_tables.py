"""Regenerate the column tables of docs/data-contract.md from dashboard/contract.py.

    python docs/contract_tables.py

rewrites the part of data-contract.md between the two marker comments; the rest of the document
is written by hand. tests/test_validate.py fails when the document and the contract disagree.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import contract  # noqa: E402

DOC = ROOT / "docs" / "data-contract.md"
BEGIN = "<!-- 以下各表由 docs/contract_tables.py 根据 dashboard/contract.py 生成，请勿手工修改 -->"
END = "<!-- 生成内容结束 -->"
TYPE_LABEL = {contract.STRING: "文本 string", contract.INT: "整数 int64", contract.DATE: "日期 date32"}
# contract.py describes its tables in English for the code; the people preparing extracts read Chinese.
ROWS = {
    "regions": "每个县（市、区）一行",
    "schools": "每所学校一行，包括数据所含年度内开办过的全部学校（已撤并的也保留）",
    "school_years": "每所学校在其开办的每个年度一行",
    "orgs": "每个党组织在其存在的每个年度一行（下属党支部也各占一行）",
    "member_flows": "每所学校每年一行，统计组织关系在该校的党员",
    "honors": "每项荣誉一行；授予学校的填学校标识码，授予党组织的填党组织编号",
    "org_activities": "每个党组织每年每月每类活动一行，记开展次数；可选表，未提供时看板说明尚未报送组织生活数据",
}


def _rule(c: contract.Column) -> str:
    parts = []
    if c.digits:
        parts.append(f"{c.digits} 位数字")
    if c.allowed:
        parts.append("、".join(c.allowed))
    if c.min_value is not None and c.max_value is not None:
        parts.append(f"{c.min_value}–{c.max_value}")
    elif c.min_value is not None:
        parts.append(f"≥ {c.min_value}")
    if c.dtype == contract.DATE:
        parts.append(f"{contract.MIN_YEAR}–{contract.MAX_YEAR} 年间的日期")
    return "；".join(parts)


def markdown() -> str:
    out = [BEGIN, ""]
    for i, t in enumerate(contract.TABLES.values(), 1):
        key = " + ".join(f"`{k}`" for k in t.key)
        out += [f"### 3.{i} `{t.name}` {t.label}", "",
                f"文件 `{t.name}.parquet`{'（可选）' if t.optional else ''}；主键 {key}；{ROWS[t.name]}。", "",
                "| 列名 | 中文名 | 类型 | 可为空 | 取值 |", "|---|---|---|---|---|"]
        for c in t.columns:
            nullable = ("是（可无此列）" if c.optional else "是") if c.nullable else "否"
            out.append(f"| `{c.name}` | {c.label} | {TYPE_LABEL[c.dtype]} | {nullable} | {_rule(c)} |")
        out.append("")
    out.append(END)
    return "\n".join(out)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    DOC.write_text(text[:start] + markdown() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
