"""Finding the header of a sheet and mapping its (Chinese or English) titles to contract columns.

Real forms put a title and a 填报单位 line above the header, split the header over two rows under
merged group titles, and add 序号 or rate columns the contract does not have. The header row is the
row whose cells name the most columns of one table; titles are compared after normalising width,
spaces and a trailing unit, never by fuzzy similarity, so a column is only ever mapped on its name.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from dashboard import contract

HEADER_SCAN_ROWS = 30  # a header further down than this is not a form anyone fills in
MAX_HEADER_ROWS = 3

# Titles real forms use for a column besides the contract's label and English name, by column or by
# "table.column" where one column name means different things in two tables (kind: an honour's
# 荣誉类别, a meeting's 活动类型). Applied only where the table has no other column of that title
# (in regions, 县区名称 is county_name).
ALIASES: dict[str, tuple[str, ...]] = {
    "school_id": ("学校代码", "学校识别码", "标识码", "学校标识代码"),
    "county_code": ("县区", "县(区)", "县区名称", "所属县区", "区县", "区县代码", "县(市、区)", "县市区"),
    "year": ("年份", "统计年度", "年"),
    "township": ("乡镇", "乡镇街道", "乡镇(街道)", "镇(街道)", "所在乡镇", "乡镇(街道办)"),
    "school_name": ("单位名称", "学校全称"),
    "org_id": ("党组织代码", "组织编号"),
    "leadership": ("是否一肩挑", "书记校长是否一肩挑", "一肩挑"),
    "stage": ("学校类型", "学段类型"),
    "coverage": ("覆盖形式", "党组织覆盖方式"),
    "formation": ("组建形式",),
    "org_type": ("党组织类型",),
    "staff": ("教职工", "教职工人数"),
    "students": ("学生", "在校生数", "学生人数"),
    "secretary_appointed_date": ("书记任职时间", "书记任命日期", "书记任命时间", "现任书记任职日期"),
    "month": ("月", "月度", "活动月份", "开展月份"),
    "org_activities.kind": ("活动类别", "活动名称", "会议类型", "会议名称", "组织生活类型"),
    "times": ("开展次数", "召开次数", "活动次数", "举办次数"),
}

# Columns the product itself writes (rejects workbook) or that only number the lines: ignored quietly.
IGNORED = frozenset({"序号", "行号", "来源文件", "来源工作表", "来源行号", "拒绝原因"})

_UNIT = re.compile(r"[((][^()()]*[))]$")
_COLUMN_NUMBER = re.compile(r"^(\d+|[甲乙丙丁戊])$")


def norm(text) -> str:
    """Width, spaces, line breaks, required-field stars and a trailing colon do not matter."""
    t = unicodedata.normalize("NFKC", str(text))
    t = "".join(t.split()).strip("*:")
    return t


@dataclass(frozen=True)
class TableTitles:
    """Normalised title -> column name for one table (labels, English names, then aliases)."""
    table: str
    exact: dict[str, str]
    loose: dict[str, str]  # same, with a trailing parenthesised unit removed: "教职工数(人)"

    @classmethod
    def build(cls, table: contract.Table) -> "TableTitles":
        exact: dict[str, str] = {}
        for c in table.columns:
            exact[norm(c.label)] = c.name
            exact[norm(c.name)] = c.name
        for c in table.columns:
            for alias in ALIASES.get(f"{table.name}.{c.name}", ()) + ALIASES.get(c.name, ()):
                exact.setdefault(norm(alias), c.name)
        loose = {}
        for title, name in exact.items():
            short = _UNIT.sub("", title)
            if short and short != title:
                loose.setdefault(short, name)
        return cls(table.name, exact, loose)

    def match(self, text) -> str | None:
        if text is None:
            return None
        t = norm(text)
        if not t:
            return None
        return self.exact.get(t) or self.loose.get(t) or self.exact.get(_UNIT.sub("", t)) or self.loose.get(_UNIT.sub("", t))

    def is_label(self, text, column: str) -> bool:
        """Whether a title is the column's own label or English name (beats an alias)."""
        c = contract.TABLES[self.table].column_map[column]
        return _UNIT.sub("", norm(text)) in {_UNIT.sub("", norm(c.label)), norm(c.name)}


TITLES = {name: TableTitles.build(t) for name, t in contract.TABLES.items()}


@dataclass
class Header:
    """Where one table's header sits in a sheet and which sheet column feeds which contract column."""
    table: str
    rows: list[int]                       # 0-based rows of the header block
    columns: dict[int, str]               # sheet column index -> contract column name
    unknown: list[tuple[int, str]] = field(default_factory=list)     # titled columns not in the contract
    duplicates: dict[str, list[int]] = field(default_factory=dict)   # contract column named twice
    data_start: int = 0                    # first row after the header (and any 栏次 row)
    column_number_row: int | None = None

    @property
    def score(self) -> int:
        return len(set(self.columns.values()))

    @property
    def missing(self) -> list[str]:
        t = contract.TABLES[self.table]
        present = set(self.columns.values())
        return [c.name for c in t.columns if not c.nullable and c.name not in present]


def _row_matches(titles: TableTitles, row: list[str | None]) -> dict[int, str]:
    out = {}
    for j, cell in enumerate(row):
        name = titles.match(cell)
        if name:
            out[j] = name
    return out


def find_header(table: str, rows: list[list[str | None]]) -> Header | None:
    """The header block of `table` among the first rows, or None if fewer than two titles match."""
    titles = TITLES[table]
    scan = rows[:HEADER_SCAN_ROWS]
    matches = [_row_matches(titles, r) for r in scan]
    if not matches:
        return None
    best = max(range(len(matches)), key=lambda i: (len(set(matches[i].values())), -i))
    if len(set(matches[best].values())) < 2:
        return None
    # A two-row header (group titles merged above sub-titles) matches on both rows.
    block = [best]
    while block[0] > 0 and len(block) < MAX_HEADER_ROWS and matches[block[0] - 1] and _continues(matches, block[0] - 1, block):
        block.insert(0, block[0] - 1)
    while block[-1] + 1 < len(matches) and len(block) < MAX_HEADER_ROWS and matches[block[-1] + 1] and _continues(matches, block[-1] + 1, block):
        block.append(block[-1] + 1)

    columns: dict[int, str] = {}
    width = max(len(rows[i]) for i in block)
    unknown = []
    for j in range(width):
        # The deepest title of a column is the specific one; a title above it is its group.
        for i in reversed(block):
            name = matches[i].get(j)
            if name:
                columns[j] = name
                break
        else:
            texts = [rows[i][j] for i in block if j < len(rows[i]) and rows[i][j] not in (None, "")]
            if texts and norm(texts[-1]) not in IGNORED:
                unknown.append((j, str(texts[-1]).strip()))
    columns, duplicates = _resolve_duplicates(titles, rows, block, columns)
    header = Header(table, block, columns, unknown, duplicates, data_start=block[-1] + 1)
    if header.data_start < len(rows) and _is_column_number_row(rows[header.data_start]):
        header.column_number_row = header.data_start
        header.data_start += 1
    return header


def _continues(matches: list[dict[int, str]], i: int, block: list[int]) -> bool:
    """Row i belongs to the header block if it names columns the block does not already name."""
    named = {name for b in block for name in matches[b].values()}
    return bool(set(matches[i].values()) - named)


def _resolve_duplicates(titles, rows, block, columns):
    """Two sheet columns for one contract column: the one titled with the label wins over an alias
    (县区代码 over 县区); two titled alike cannot be told apart and are reported."""
    by_name: dict[str, list[int]] = {}
    for j, name in columns.items():
        by_name.setdefault(name, []).append(j)
    duplicates = {}
    for name, cols in by_name.items():
        if len(cols) < 2:
            continue
        def title(j):
            for i in reversed(block):
                if j < len(rows[i]) and titles.match(rows[i][j]) == name:
                    return rows[i][j]
            return ""
        labelled = [j for j in cols if titles.is_label(title(j), name)]
        if len(labelled) == 1:
            for j in cols:
                if j != labelled[0]:
                    columns.pop(j)
        else:
            duplicates[name] = cols
    return columns, duplicates


def _is_column_number_row(row: list[str | None]) -> bool:
    """Statistical forms number their columns (甲 乙 1 2 3 …) on the line under the header."""
    cells = [norm(c) for c in row if c not in (None, "") and norm(c)]
    if len(cells) < 3 or not all(_COLUMN_NUMBER.match(c) for c in cells):
        return False
    digits = [int(c) for c in cells if c.isdigit()]
    return digits == list(range(digits[0], digits[0] + len(digits))) if digits else True


def hinted_table(name: str) -> str | None:
    """The table a sheet or file name points to ("学校年度情况", "schools", "被拒绝_党组织")."""
    n = norm(name).lower()
    best, best_len = None, 0
    for t in contract.TABLES.values():
        for word in (norm(t.label), t.name):
            if word and word in n and len(word) > best_len:
                best, best_len = t.name, len(word)
    return best


def detect(rows: list[list[str | None]], *names: str) -> Header | None:
    """The table whose header fits this sheet best; a table named by the sheet or file is preferred
    when its header is found at all."""
    for name in names:
        hint = hinted_table(name) if name else None
        if hint:
            h = find_header(hint, rows)
            if h is not None and not h.missing:
                return h
    found = [h for h in (find_header(t, rows) for t in contract.TABLES) if h is not None]
    if not found:
        return None
    t_size = lambda h: len(contract.TABLES[h.table].columns)
    # Most required columns present, then most columns named, then the closest fit to the table.
    return max(found, key=lambda h: (-len(h.missing), h.score, h.score / t_size(h)))
