"""数据管理: download the templates, upload filled files, check them, see what would change,
publish after confirming, and go back to an earlier version. Layout only: the work is in
dashboard.ingest, shared with `python -m dashboard ingest`."""
from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import access, config, contract, text
from dashboard.ingest import child, pipeline, rejects, templates, versions

PLAN, PLAN_KEY, REJECTS, NOTICE = "ingest_plan", "ingest_plan_key", "ingest_rejects", "ingest_notice"
CHECKED, FAILED = "ingest_checked", "ingest_failed"
SHOWN_ISSUES = 1000
SHOWN_FILE_ERRORS = 5
log = logging.getLogger("dashboard.ingest")


access.require_admin()  # the page is hidden from other roles; this also refuses a typed-in address
root = config.data_root()
st.title("数据管理")
st.caption(f"数据目录：`{root}`")
if root.resolve() == (config.PROJECT_DIR / "data").resolve():
    st.caption("提示：这是项目自带的演示数据目录。真实数据建议放在项目之外，启动看板时指定其数据目录（见部署说明）。")

if st.session_state.get(NOTICE):
    st.success(st.session_state.pop(NOTICE), icon=":material/check_circle:")

tab_import, tab_templates, tab_versions = st.tabs(["导入数据", "填报模板", "历史版本"])


# Templates ---------------------------------------------------------------------------------------
with tab_templates:
    st.markdown("每张表一个 Excel 模板：第 1 行为表头，第 2 行为示例行（填报时删除或覆盖），"
                "可选值已设为下拉列表，“填表说明”工作表列出每一列的要求。商洛市、济宁市的行政区划已内置，无需填写。")
    if "ingest_templates" not in st.session_state:
        st.session_state["ingest_templates"] = {
            "zip": templates.templates_zip(),
            **{name: templates.workbook_bytes(name) for name in contract.TABLES},
        }
    made = st.session_state["ingest_templates"]
    st.download_button("下载全部模板（压缩包）", made["zip"], file_name="党建数据填报模板.zip",
                       mime="application/zip", type="primary", icon=":material/download:")
    cols = st.columns(3)
    for i, (name, table) in enumerate(contract.TABLES.items()):
        cols[i % 3].download_button(
            f"{table.label}模板", made[name], file_name=templates.file_name(name), key=f"tpl_{name}",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# Import ------------------------------------------------------------------------------------------
def _files_key(files, replace_all: bool) -> str:
    h = hashlib.sha256(str(replace_all).encode())
    for f in files:
        h.update(f.name.encode("utf-8"))
        h.update(hashlib.sha256(f.getvalue()).digest())
    return h.hexdigest()


def _check(files, replace_all: bool) -> bool:
    """Read and check the uploads in a child process (dashboard/ingest/child.py) with a memory
    ceiling: a file that exhausts it ends that process, not the server. Progress shows as it goes;
    True when a plan was made."""
    for k in (PLAN, PLAN_KEY, REJECTS, CHECKED, FAILED):
        st.session_state.pop(k, None)
    started = time.monotonic()
    status = st.status("正在检查上传的文件……", expanded=True)
    bar = status.progress(0.0, text="正在启动检查……")

    def on_step(step: child.Step) -> None:
        bar.progress(step.fraction if step.fraction is not None else 0.0, text=text.literal(step.text))

    try:
        with tempfile.TemporaryDirectory(prefix="dashboard-upload-") as tmp:
            paths = []
            for i, f in enumerate(files):
                path = Path(tmp) / f"{i}{Path(f.name).suffix.lower()}"   # the user's name is only a label
                path.write_bytes(f.getvalue())
                paths.append((f.name, path))
            plan = child.prepare(paths, root, replace_all=replace_all, on_step=on_step)
    except child.ChildFailed as exc:
        failed = f"{exc}；看板其他功能不受影响。"
    except Exception:  # the page must survive any file; details go to the server log only
        log.exception("import check failed")
        failed = "检查文件时程序出错，未做任何改动；详细信息已记入服务器日志。看板其他功能不受影响。"
    else:
        elapsed = child.duration_text(time.monotonic() - started)
        status.update(label=f"检查完成，用时{elapsed}", state="complete", expanded=False)
        st.session_state[PLAN] = plan
        st.session_state[PLAN_KEY] = _files_key(files, replace_all)
        st.session_state[CHECKED] = elapsed
        return True
    status.update(label="检查未完成", state="error", expanded=False)
    st.session_state[FAILED] = failed
    return False


def _show_plan(plan: pipeline.Plan, just_checked: bool = False) -> None:
    blockers = plan.blockers()
    only_rejects = bool(plan.rows_rejected) and not plan.blockers(allow_rejects=True)
    if st.session_state.get(CHECKED) and not just_checked:  # the check's own status says it then
        st.caption(f"检查完成，用时{st.session_state[CHECKED]}。")
    if not blockers:
        st.success(f"检查通过：共接受 {plan.rows_accepted} 行，{len(plan.warnings)} 个警告（不影响发布）。",
                   icon=":material/task_alt:")
    else:
        st.error("不能发布：" + "；".join(blockers), icon=":material/block:")
    # A file or sheet that could not be read at all is what the user must see first, in words
    # (the problem table below lists it too, among the rows).
    unread = [i for i in plan.errors if i.row is None and i.file]
    for issue in unread[:SHOWN_FILE_ERRORS]:
        st.error(text.literal(issue.message), icon=":material/draft:")
    if len(unread) > SHOWN_FILE_ERRORS:
        st.caption(f"另有{len(unread) - SHOWN_FILE_ERRORS}个文件或工作表级的错误，见问题清单。")

    st.subheader("各表行数")
    st.caption("读取 = 接受 + 拒绝；合计行、签字行、模板示例行不是数据，列为“跳过”。")
    st.dataframe(rejects.count_frame(plan), hide_index=True, width="stretch")

    issues = rejects.issue_frame(plan)
    st.subheader(f"问题清单（{len(issues)} 条）")
    if len(issues):
        if len(issues) > SHOWN_ISSUES:
            st.caption(f"只显示前 {SHOWN_ISSUES} 条，完整清单请下载。")
        st.dataframe(issues.head(SHOWN_ISSUES), hide_index=True, width="stretch")
        if REJECTS not in st.session_state:
            st.session_state[REJECTS] = plan.rejects_workbook()
        st.download_button("下载问题清单和被拒绝的行（Excel）", st.session_state[REJECTS],
                           file_name="导入问题清单.xlsx", icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        st.caption("没有发现问题。")

    st.subheader("与当前数据相比的变化")
    if plan.base_demo:
        st.info("当前是演示数据：发布后演示数据将被本次导入的数据完全替换。", icon=":material/info:")
    elif plan.replace_all:
        st.info("已选择替换全部现有数据：未上传的县区和年度将不再保留。", icon=":material/info:")
    d = plan.diff
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("新增学校", f"{len(d.schools_added)} 所")
    c2.metric("减少学校", f"{len(d.schools_removed)} 所")
    c3.metric("信息变化的学校", f"{len(d.schools_changed)} 所")
    c4.metric("合计值变化", f"{len(d.totals)} 项")
    if d.unchanged:
        st.caption("与当前数据相比没有任何变化。")
    for title, frame in (("新增的学校", d.schools_added), ("减少的学校", d.schools_removed),
                         ("信息变化的学校", d.schools_changed)):
        if len(frame):
            with st.expander(f"{title}（{len(frame)} 所）"):
                st.dataframe(frame.rename(columns={"school_id": "学校标识码", "school_name": "学校名称",
                                                   "county_code": "县区代码"}), hide_index=True, width="stretch")
    if len(d.totals):
        st.dataframe(d.totals, hide_index=True, width="stretch",
                     column_config={"年度": st.column_config.NumberColumn(format="%d")})

    st.subheader("发布")
    if blockers and not only_rejects:
        st.caption("请按问题清单改正文件后重新上传检查。")
        return
    allow = False
    if only_rejects:
        allow = st.checkbox(f"不导入被拒绝的 {plan.rows_rejected} 行，只发布通过检查的行", key="ingest_allow_rejects")
        if not allow:
            return
    confirmed = st.checkbox("我已核对以上变化，确认发布", key="ingest_confirm")
    if st.button("发布为当前数据", type="primary", disabled=not confirmed, icon=":material/publish:"):
        try:
            vid = pipeline.publish(plan, allow_rejects=allow, who=access.identity())
        except versions.NothingChanged as exc:
            st.info(f"未发布：{exc}。", icon=":material/info:")
            return
        except versions.PublishError as exc:
            st.error(f"未发布：{exc}", icon=":material/error:")
            return
        except Exception:
            log.exception("publish failed")
            st.error("发布失败，原有数据未改变；详细信息已记入服务器日志。", icon=":material/error:")
            return
        for k in (PLAN, PLAN_KEY, REJECTS, CHECKED, "ingest_confirm", "ingest_allow_rejects"):
            st.session_state.pop(k, None)
        st.session_state[NOTICE] = f"已发布版本 {vid}。各页面在下次打开时显示新数据。"
        st.rerun()


with tab_import:
    st.markdown("上传填好的模板或本单位自己的统计表（.xlsx 或 .csv，可多选）。表头可有标题行，列名按模板的中文列名识别。"
                "默认只替换上传数据涉及的**县区和年度**，其他县区、年度的数据保持不变。")
    # .xls is let through so the user reads why it cannot be read, rather than a bare refusal.
    files = st.file_uploader("上传填报文件", type=["xlsx", "csv", "xls"], accept_multiple_files=True, key="ingest_files")
    replace_all = st.checkbox("替换全部现有数据（未上传的县区和年度不再保留）", key="ingest_replace_all")
    just_checked = False
    if st.button("检查文件", type="primary", disabled=not files, icon=":material/fact_check:"):
        just_checked = _check(files, replace_all)
    if st.session_state.get(FAILED) and files:
        st.error(st.session_state[FAILED], icon=":material/error:")
    plan = st.session_state.get(PLAN)
    if plan is not None and files and st.session_state.get(PLAN_KEY) != _files_key(files, replace_all):
        st.warning("上传的文件或选项已改变，请重新检查。", icon=":material/refresh:")
    elif plan is not None:
        _show_plan(plan, just_checked)


# Versions ----------------------------------------------------------------------------------------
with tab_versions:
    found = versions.list_versions(root) if root.exists() else []
    if not found:
        st.caption("还没有发布过数据。")
    else:
        st.markdown(f"每次发布保存为一个版本，自动保留最近发布的{versions.KEEP}个；当前版本和恢复过的版本不会被自动删除。"
                    "恢复只切换当前版本，不删除任何版本；与当前数据相比没有变化的发布不生成新版本。")
        def shown(version_id: str) -> str:
            return "初始数据" if version_id == versions.BASE else version_id

        table = pd.DataFrame([{
            "版本": shown(v.id), "当前": "是" if v.current else "", "恢复过": "是" if v.restored else "", "发布时间": v.created,
            "学校数": v.rows.get("schools") or "—", "学校年度行数": v.rows.get("school_years") or "—",
            "来源文件": "、".join(v.sources), "说明": v.note,
        } for v in found])
        st.dataframe(table, hide_index=True, width="stretch")
        others = [v.id for v in found if not v.current]
        if others:
            target = st.selectbox("恢复到版本", others, key="ingest_restore_target", format_func=shown)
            sure = st.checkbox(f"确认把版本 {shown(target)} 恢复为当前数据", key="ingest_restore_confirm")
            if st.button("恢复", disabled=not sure, icon=":material/history:"):
                try:
                    pipeline.restore(root, target, who=access.identity())
                except versions.PublishError as exc:
                    st.error(f"未恢复：{exc}", icon=":material/error:")
                else:
                    st.session_state.pop("ingest_restore_confirm", None)
                    st.session_state[NOTICE] = f"已恢复版本 {shown(target)}。各页面在下次打开时显示该版本的数据。"
                    st.rerun()
