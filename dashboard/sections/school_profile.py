"""学校画像: one school across the years up to the chosen one: its coverage and organisation,
leadership, stars, elections, members and awards; its organisation's 三会一课 record in the year."""
from __future__ import annotations

from dataclasses import dataclass, field

from dashboard import charts
from dashboard.metrics import DASH
from dashboard.sections.blocks import DATE, TEXT, Card, Chart, Col, Section, Table, count_of, plain
from dashboard.sections import org_life
from dashboard.sections.context import Context

NOT_FOUND = "未找到该学校，或您无权查看该学校所在县区的数据。"


@dataclass
class Profile(Section):
    name: str = ""
    facts: str = ""        # the line under the name: code, place, stage, ownership, years
    found: bool = False
    extra: dict = field(default_factory=dict)


def search(ctx: Context, text: str | None):
    """Schools matching the text among those the user may see (at most 200)."""
    return ctx.get("school_search", None, text=text or None, visible=ctx.scope.params()["visible"])


def build(ctx: Context, school_id: str) -> Profile:
    visible = ctx.scope.params()["visible"]
    profile = Profile("school_profile", "学校画像")
    info = ctx.get("school_info", None, school_id=school_id, visible=visible)
    if info.empty:
        # Unknown id, or a school in a county this user may not see: the same answer, so nothing leaks.
        profile.empty = NOT_FOUND
        return profile
    s = info.iloc[0]
    profile.found, profile.name = True, s["school_name"]
    closed = plain(s["closed_year"])
    profile.facts = (f"学校标识码 {s['school_id']} · {s['county_name']} {s['township']} · {s['stage']} · "
                     f"{s['ownership']} · {s['locale']} · {int(s['opened_year'])}年开办"
                     + ("" if closed is None else f" · {int(closed)}年撤并"))
    hist = ctx.get("school_history", None, school_id=school_id, visible=visible)
    upto = hist[hist["year"] <= ctx.year]
    if hist.empty:
        profile.empty = "该校没有年度数据。"
        return profile
    row = (upto if len(upto) else hist).iloc[-1]
    org = plain(row["org_name"])
    members = plain(row["members_end"])
    profile.cards = [
        Card(f"{int(row['year'])}年覆盖方式", row["coverage"], ""),
        Card("所在党组织", org or DASH, "", help=f"{row['org_type']} · {row['formation']}" if org else None),
        Card("书记校长设置", plain(row["leadership"]) or DASH, ""),
        Card("党员数", f"{int(members)}名" if members is not None else DASH, "", count=members, unit="名"),
    ]
    m = upto.dropna(subset=["members_end"])
    profile.add_chart(Chart("members", "党员数", lambda: charts.trend(
        m["year"], {"年末党员数": m["members_end"]}, "党员数", "名",
        labels={"年末党员数": [f"{int(v)}名" for v in m["members_end"]]})))
    profile.add_chart(Chart("staff", "教职工数", lambda: charts.trend(
        upto["year"], {"教职工数": upto["staff"]}, "教职工数", "名",
        labels={"教职工数": [f"{int(v)}名" for v in upto["staff"]]})))
    cols = [Col("year", "年度", TEXT), Col("staff", "教职工数", unit="名"), Col("students", "学生数", unit="名"),
            Col("coverage", "覆盖方式", TEXT), Col("org_name", "所在党组织", TEXT), Col("org_type", "组织类型", TEXT),
            Col("formation", "组建方式", TEXT), Col("leadership", "书记校长设置", TEXT), Col("star_rating", "星级", TEXT),
            Col("last_election_date", "上次换届日期", DATE), Col("members_start", "年初党员数", unit="名"),
            Col("admitted", "新发展党员", unit="名"), Col("transferred_in", "转入", unit="名"),
            Col("transferred_out", "转出", unit="名"), Col("exits", "死亡及其他减少", unit="名"),
            Col("members_end", "年末党员数", unit="名"), Col("probationary", "预备党员", unit="名"),
            Col("admitted_backbone", "发展业务骨干", unit="名")]
    rows = []
    for _, r in upto.iterrows():
        cells = [plain(r[c.key]) for c in cols]
        cells[0] = f"{count_of(r['year'])}年"
        star = plain(r["star_rating"])
        cells[8] = f"{int(star)}星级" if star is not None else None
        rows.append(cells)
    profile.add_table(Table("years", f"{profile.name}历年情况", cols, rows))
    honors = ctx.get("school_honors", None, school_id=school_id, visible=visible)
    honors = honors[honors["year_awarded"] <= ctx.year]
    cols = [Col("year_awarded", "授予年份", TEXT), Col("kind", "类别", TEXT), Col("level", "级别", TEXT),
            Col("title", "名称", TEXT), Col("revoked_year", "撤销年份", TEXT)]
    rows = [[f"{count_of(r['year_awarded'])}年", r["kind"], r["level"], r["title"],
             f"{count_of(r['revoked_year'])}年" if plain(r["revoked_year"]) is not None else None]
            for _, r in honors.iterrows()]
    profile.add_table(Table("honors", f"{profile.name}荣誉", cols, rows))
    # The year's organisational life of the school's organisation (三会一课), or why there is none.
    record, why = org_life.school_record(ctx, school_id)
    if record is not None:
        profile.add_table(record)
    profile.extra["org_life"] = why
    return profile
