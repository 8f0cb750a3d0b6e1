"""An extract exported in the templates' format and imported back is the same extract; the
templates themselves; how an import combines with the data already published; versions."""
from __future__ import annotations

import io
import os

import openpyxl
import pandas as pd
import pytest

from dashboard import config, contract, db, extract, validate
from dashboard.ingest import merge, pipeline, templates, versions
from dashboard.ingest.pipeline import Upload
from tests import handmade


def uploads(paths) -> list[Upload]:
    return [Upload.from_path(p) for p in paths]


def assert_same_extract(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name, t in contract.TABLES.items():
        left = extract.to_arrow(name, a[name]).sort_by([(k, "ascending") for k in t.key])
        right = extract.to_arrow(name, b[name]).sort_by([(k, "ascending") for k in t.key])
        assert left.num_rows == right.num_rows, name
        assert left.equals(right), (name, left.to_pandas().compare(right.to_pandas()))


def import_into(root, files, **kw) -> tuple[pipeline.Plan, str]:
    plan = pipeline.prepare(uploads(files), root, **kw)
    assert plan.blockers() == [], [str(i) for i in plan.errors][:10]
    return plan, pipeline.publish(plan)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_handmade_round_trip(tmp_path, fmt):
    tables = handmade.build_tables()
    files = templates.export_tables(tables, tmp_path / "export", fmt)
    plan, vid = import_into(tmp_path / "root", files)
    for name, c in plan.counts.items():
        assert (c.read, c.accepted, c.rejected) == (len(tables[name]),) * 2 + (0,)
    published = extract.read_tables(config.data_dir(tmp_path / "root"))
    assert_same_extract(tables, published)
    assert config.data_dir(tmp_path / "root") == (tmp_path / "root" / "versions" / vid).resolve()


def test_demo_extract_round_trip(tmp_path):
    data = config.PROJECT_DIR / "data"
    if not all(contract.parquet_path(data, t).is_file() for t in contract.TABLES):
        pytest.skip("data/ holds no demo extract")
    tables = extract.read_tables(data)
    files = templates.export_tables(tables, tmp_path / "export", "xlsx")
    plan, _ = import_into(tmp_path / "root", files)
    assert plan.rows_rejected == 0
    assert_same_extract(tables, extract.read_tables(config.data_dir(tmp_path / "root")))


def test_templates_have_labels_drop_downs_and_an_example(tmp_path):
    paths = templates.write_templates(tmp_path)
    assert [p.name for p in paths] == [f"{t.label}.xlsx" for t in contract.TABLES.values()]
    book = openpyxl.load_workbook(tmp_path / "学校.xlsx")
    ws = book["学校"]
    assert [c.value for c in ws[1]] == [c.label for c in contract.SCHOOLS.columns]
    assert ws["B2"].value == "示例小学(示例行,请删除)"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    assert lists["E2"] == '"' + ",".join(contract.STAGES) + '"'
    assert lists["F2"] == '"公办,民办"'
    assert ws["A2"].number_format == "@"  # 学校标识码 stays text in Excel
    assert "填表说明" in book.sheetnames


def test_untouched_templates_import_nothing(tmp_path):
    plan = pipeline.prepare(uploads(templates.write_templates(tmp_path / "t")), tmp_path / "root")
    assert all(c.read == 0 and c.skipped == 1 for c in plan.counts.values())
    assert sum(1 for i in plan.issues if i.message == "模板中的示例行，未导入") == len(contract.TABLES)
    assert plan.blockers() == ["没有可导入的数据行"]


def test_templates_zip_holds_every_table():
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(templates.templates_zip())).namelist()
    assert names == [templates.file_name(t) for t in contract.TABLES]


# Combining with the published data ------------------------------------------------------------

@pytest.fixture
def published(tmp_path):
    """A data root whose current version is the hand-made extract."""
    root = tmp_path / "root"
    versions.publish(handmade.build_tables(), root, sources=["handmade"])
    return root


def variant(n: int) -> dict[str, pd.DataFrame]:
    """The hand-made extract with every school renamed "…(n)": a publish that changes nothing
    makes no version, so repeated publishes need content of their own."""
    t = handmade.build_tables()
    t["schools"] = t["schools"].assign(school_name=t["schools"]["school_name"] + f"({n})")
    return t


def sheet(table: str, df: pd.DataFrame, tmp_path, name: str | None = None):
    path = tmp_path / (name or templates.file_name(table))
    templates.write_workbook(str(path), table, df)
    return path


def test_upload_replaces_only_its_county_and_year(published, tmp_path):
    before = extract.read_tables(config.data_dir(published))
    sy = before["school_years"]
    shanyang_2024 = sy[(sy["year"] == 2024) & sy["school_id"].isin([handmade.S4, handmade.S6])].copy()
    shanyang_2024["staff"] += 5
    # S6 is left out of the upload: replacing 山阳县 2024 removes its row.
    shanyang_2024 = shanyang_2024[shanyang_2024["school_id"] == handmade.S4]
    plan = pipeline.prepare([Upload.from_path(sheet("school_years", shanyang_2024, tmp_path))], published)
    after = plan.tables["school_years"]
    key = ["school_id", "year"]
    untouched = sy[~((sy["year"] == 2024) & sy["school_id"].isin([handmade.S4, handmade.S6]))]
    kept = after.merge(untouched[key], on=key)
    assert len(kept) == len(untouched) == 8
    assert after.loc[(after["school_id"] == handmade.S4) & (after["year"] == 2024), "staff"].tolist() == [87]
    assert not ((after["school_id"] == handmade.S6) & (after["year"] == 2024)).any()
    totals = plan.diff.totals
    staff = totals[(totals["指标"] == "教职工数") & (totals["年度"] == 2024)].iloc[0]
    assert (staff["原值"], staff["新值"]) == (184, 184 + 5 - 8)
    # S6's organisation still points at it, and S6 lost its row: the rules say so and block.
    assert plan.errors


def test_upload_of_schools_adds_and_updates_never_removes(published, tmp_path):
    before = extract.read_tables(config.data_dir(published))
    new_school = pd.DataFrame([dict(school_id="2161000009", school_name="庚小学", county_code=handmade.SHANYANG,
                                    township="城关街道", stage="小学", ownership="公办", locale="城区",
                                    opened_year=2024, closed_year=None)])
    renamed = before["schools"][before["schools"]["school_id"] == handmade.S1].assign(school_name="甲小学(更名)")
    plan = pipeline.prepare([Upload.from_path(sheet("schools", pd.concat([renamed, new_school]), tmp_path))], published)
    schools = plan.tables["schools"]
    assert len(schools) == 7
    assert list(plan.diff.schools_added["school_id"]) == ["2161000009"]
    assert plan.diff.schools_removed.empty
    assert list(plan.diff.schools_changed["school_id"]) == [handmade.S1]
    assert list(plan.diff.schools_changed["变化的列"]) == ["学校名称"]


def test_replace_all_starts_from_empty(published, tmp_path):
    schools = extract.read_tables(config.data_dir(published))["schools"].head(2)
    plan = pipeline.prepare([Upload.from_path(sheet("schools", schools, tmp_path))], published, replace_all=True)
    assert len(plan.tables["schools"]) == 2 and plan.tables["orgs"].empty
    assert len(plan.diff.schools_removed) == 4


def test_demo_data_is_replaced_not_merged(tmp_path):
    root = tmp_path / "root"
    extract.write_tables(handmade.build_tables(), root, demo=True)
    schools = handmade.build_tables()["schools"].head(1)
    plan = pipeline.prepare([Upload.from_path(sheet("schools", schools, tmp_path))], root)
    assert plan.base_demo and plan.replace_all
    assert len(plan.tables["schools"]) == 1
    assert "当前是演示数据，本次导入不与其合并，而是完全替换" in [i.message for i in plan.issues]


def test_builtin_regions_fill_in_known_counties(tmp_path):
    t = handmade.build_tables()
    files = templates.export_tables({k: v for k, v in t.items() if k != "regions"}, tmp_path / "x")
    plan = pipeline.prepare(uploads(files), tmp_path / "root")
    regions = plan.tables["regions"].set_index("county_code")
    assert regions.loc["611024", "county_name"] == "山阳县" and regions.loc["611002", "city_name"] == "商洛市"
    assert any(i.message.startswith("已按内置行政区划补充县区：") for i in plan.issues)
    assert plan.blockers() == []


def test_findings_point_at_the_uploaded_row(tmp_path):
    t = handmade.build_tables()
    mf = t["member_flows"].copy()
    mf.loc[0, "members_end"] = 99  # breaks the year-end identity
    t["member_flows"] = mf
    files = templates.export_tables(t, tmp_path / "x")
    plan = pipeline.prepare(uploads(files), tmp_path / "root")
    [err] = [i for i in plan.errors if i.table == "member_flows"]
    assert (err.file, err.sheet, err.row, err.column_label) == ("党员发展与流动.xlsx", "党员发展与流动", 2, "年末党员数")
    assert not plan.can_publish()


# Versions ---------------------------------------------------------------------------------------

def test_versions_list_restore_and_cache_key(published, tmp_path):
    first = versions.current_version(published)
    v1_key = db.extract_version(config.data_dir(published))
    t = handmade.build_tables()
    t["schools"] = t["schools"].assign(school_name=t["schools"]["school_name"] + "X")
    second = versions.publish(t, published)
    assert second != first and versions.current_version(published) == second
    assert db.extract_version(config.data_dir(published)) != v1_key
    listed = versions.list_versions(published)
    assert [v.id for v in listed] == [second, first] and listed[0].current
    assert listed[0].based_on == first and listed[0].rows["schools"] == 6
    versions.restore(published, first)
    assert db.extract_version(config.data_dir(published)) == v1_key
    assert extract.read_tables(config.data_dir(published))["schools"]["school_name"].iloc[0] == "甲小学"
    with pytest.raises(versions.PublishError, match="没有版本“nope”"):
        versions.restore(published, "nope")


def test_base_files_of_the_root_can_be_restored(tmp_path):
    root = tmp_path / "root"
    extract.write_tables(handmade.build_tables(), root, demo=True)
    assert config.data_dir(root) == root
    vid = versions.publish(variant(1), root)
    assert config.data_dir(root).name == vid
    assert [v.id for v in versions.list_versions(root)] == [vid, versions.BASE]
    versions.restore(root, versions.BASE)
    assert config.data_dir(root) == root and db.is_demo(config.data_dir(root))


def test_old_versions_are_pruned_but_current_kept(published):
    first = versions.current_version(published)
    ids = [versions.publish(variant(i), published) for i in range(versions.KEEP + 1)]
    kept = [v.id for v in versions.list_versions(published)]
    assert kept == list(reversed(ids))[:versions.KEEP] and first not in kept
    versions.restore(published, ids[1])
    versions.prune(published, keep=1)
    assert [v.id for v in versions.list_versions(published)] == [ids[-1], ids[1]]


def test_publish_refuses_when_data_changed_since_the_check(published, tmp_path):
    files = templates.export_tables(handmade.build_tables(), tmp_path / "x")
    plan = pipeline.prepare(uploads(files), published)
    versions.publish(variant(1), published)  # someone else publishes first
    with pytest.raises(versions.PublishError, match="检查之后数据已被更新"):
        pipeline.publish(plan)


def test_publish_that_fails_validation_leaves_current_untouched(published, monkeypatch):
    before = versions.current_version(published)
    bad = validate.Finding("error", "schools", "", "", "测试错误")
    monkeypatch.setattr(validate, "check_dir", lambda d: [bad])
    with pytest.raises(versions.PublishError, match="未通过校验"):
        versions.publish(variant(1), published)
    assert versions.current_version(published) == before
    assert not [p for p in (published / "versions").iterdir() if p.name.startswith(".staging")]


def test_data_dir_without_versions_is_the_root(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    assert config.data_root() == tmp_path and config.data_dir() == tmp_path
    os.symlink("elsewhere", tmp_path / config.CURRENT_LINK)  # dangling: not a version, ignored
    assert config.data_dir() == tmp_path


def test_merge_key_isin_is_exact():
    a = pd.Series(["a", "b", None, "c"], dtype="str")
    b = pd.Series(["c", None, "a"], dtype="str")
    assert merge.isin(a, b).tolist() == [True, False, False, True]


def test_version_ids_keep_publish_order_within_one_second(published):
    ids = [versions.publish(variant(i), published) for i in range(12)]
    assert sorted(ids, key=versions._order) == ids and len(set(ids)) == 12
    assert [v.id for v in versions.list_versions(published)] == list(reversed(ids))[:versions.KEEP]


# The contract's newer parts --------------------------------------------------------------------

def with_activities() -> dict[str, pd.DataFrame]:
    """The hand-made extract plus a township 党委 (O5, no host school, placed in 山阳县 through its
    branch O4, which covers S6), secretaries' dates and a few months of organisational life."""
    t = handmade.build_tables()
    orgs = t["orgs"]
    o5 = orgs[(orgs["org_id"] == "O4")].assign(org_id="O5", org_name="中共高坝店镇委员会", org_type="党委",
                                                term_years=5, full_members=120)
    orgs = pd.concat([orgs, o5], ignore_index=True)
    orgs.loc[(orgs["org_id"] == "O4"), "parent_org_id"] = "O5"
    orgs["secretary_appointed_date"] = orgs["established_date"].where(orgs["org_id"] != "O2")
    t["orgs"] = orgs
    t["org_activities"] = pd.DataFrame([
        ("O1", 2024, 3, "主题党日", 1),       # 商州区 (host S1)
        ("O1", 2024, 4, "党课", 1),
        ("O3", 2024, 3, "支部委员会", 1),      # 山阳县 (host S4)
        ("O3", 2024, 5, "党课", 1),
        ("O5", 2024, 3, "支部委员会", 1),      # 山阳县 (through O4)
        ("O3", 2023, 12, "组织生活会", 1),     # 山阳县, 2023
    ], columns=contract.ORG_ACTIVITIES.names)
    return t


def test_round_trip_with_organisational_life(tmp_path):
    tables = with_activities()
    files = templates.export_tables(tables, tmp_path / "export", "xlsx")
    plan, _ = import_into(tmp_path / "root", files)
    assert (plan.counts["org_activities"].read, plan.counts["org_activities"].rejected) == (6, 0)
    assert_same_extract(tables, extract.read_tables(config.data_dir(tmp_path / "root")))


def test_activity_template_has_the_kinds_and_months(tmp_path):
    templates.write_templates(tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "组织生活.xlsx")["组织生活"]
    assert [c.value for c in ws[1]] == ["党组织编号", "年度", "月份", "活动类型", "次数"]
    assert [c.value for c in ws[2]] == ["示例-001", 2024, 3, "主题党日", 1]
    checks = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert checks["D2"].formula1 == '"' + ",".join(contract.ACTIVITY_KINDS) + '"'
    assert (checks["C2"].type, checks["C2"].formula1, checks["C2"].formula2) == ("whole", "1", "12")


def test_activities_replace_only_their_county_and_year(tmp_path):
    root = tmp_path / "root"
    versions.publish(with_activities(), root, sources=["handmade"])
    # 山阳县's 2024 sheet: O3 held one 支部委员会 more in March, and nothing else is reported.
    upload = pd.DataFrame([("O3", 2024, 3, "支部委员会", 2)], columns=contract.ORG_ACTIVITIES.names)
    plan = pipeline.prepare([Upload.from_path(sheet("org_activities", upload, tmp_path))], root)
    acts = plan.tables["org_activities"].sort_values(["org_id", "year", "month"])
    # Kept: 商州区's O1 rows and 山阳县's 2023 row. Replaced: every 山阳县 2024 row, O5's (placed
    # there through its branch) included.
    assert acts.values.tolist() == [["O1", 2024, 3, "主题党日", 1], ["O1", 2024, 4, "党课", 1],
                                    ["O3", 2023, 12, "组织生活会", 1], ["O3", 2024, 3, "支部委员会", 2]]
    assert plan.blockers() == []


def test_import_warns_about_an_unplaced_organisation_at_its_row(tmp_path):
    t = handmade.build_tables()
    o7 = t["orgs"][t["orgs"]["org_id"] == "O4"].assign(org_id="O7", org_name="中共某社区支部委员会")
    t["orgs"] = pd.concat([t["orgs"], o7], ignore_index=True)
    plan = pipeline.prepare(uploads(templates.export_tables(t, tmp_path / "x")), tmp_path / "root")
    [w] = [i for i in plan.warnings if i.table == "orgs" and "没有依托学校" in i.message]
    # The 党组织 workbook: header in row 1, the nine hand-made rows in rows 2–10, O7 in row 11.
    assert (w.file, w.sheet, w.row, w.column_label) == ("党组织.xlsx", "党组织", 11, "依托学校标识码")
    assert w.message.startswith("党组织“中共某社区支部委员会”（编号O7）2024年没有依托学校")
    assert plan.blockers() == []
