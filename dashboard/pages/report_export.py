"""报告导出: everything a summary report needs for the current scope and year in one zip: a Word
document in 公文 form (the text, then the charts and tables as its attachments), an Excel workbook
of every table, and each chart as PNG and SVG. The command line (`python -m dashboard report`)
makes the same files. Generating shows each step (图表 3/12：…, then the documents) and ends with
the time taken."""
import streamlit as st

from dashboard import access, config, data, text, ui
from dashboard.report import render
from dashboard.report.pack import make_pack, seconds

# The last pack lives in the session so the download survives reruns (and tests can read it).
STATE_KEY = "report_pack"

ctx = ui.context()
scope = ctx.scope
ui.header("报告导出", ctx, "一键生成汇报材料：Word 文档、Excel 统计表和图表图片")

st.markdown(
    "生成的材料按页面上方的筛选条件汇总，打包为一个 zip 文件，包括：\n"
    "- **Word 文档**：按公文格式排版的情况报告，正文按主题分节（党组织覆盖、党组织设置、“一肩挑”、"
    "示范创建与星级评定、党员队伍、年度重点工作、组织生活（“三会一课”）、需要跟进的问题），文末署发文单位和日期；统计图、统计表作为附件，"
    "数据来源和统计范围见文末“说明”；\n"
    "- **Excel 统计表**：报告中的每张表各占一个工作表，比例以百分比数值存储并列出分子、分母，另有“说明”工作表；\n"
    "- **图表图片**：每张图表的 PNG（印刷分辨率）和 SVG（矢量）文件。")

problems = render.check_renderer()
if problems:
    st.warning("服务器暂时无法生成图表图片，材料中将不含图表，文字和表格不受影响。\n\n"
               + "\n\n".join(f"- {p}" for p in problems), icon=":material/warning:")
with_charts = st.toggle("包含图表图片（较慢，约需10秒）", value=not problems, disabled=bool(problems),
                        key="report_charts")

if st.button("生成报告材料", type="primary", icon=":material/description:", key="report_generate"):
    with st.status("正在生成报告材料……", expanded=True) as status:
        bar = st.progress(0.0, text="准备中……")

        def advance(fraction: float, text: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=text)
            status.update(label=f"正在生成报告材料：{text}")

        pack = make_pack(data.query, scope, data_dir=config.data_dir(),
                         # Missing tools still go through the chart step, so the pack says why it has no images.
                         charts=with_charts or bool(problems), progress=advance)
        status.update(label=f"报告材料已生成，用时{seconds(pack.timings['合计'])}", state="complete", expanded=False)
    st.session_state[STATE_KEY] = {
        "scope": scope, "zip_name": pack.zip_name, "zip": pack.zip_bytes(), "files": list(pack.files),
        "docx": pack.docx_name, "xlsx": pack.xlsx_name, "problems": pack.problems, "timings": pack.timings,
        "empty_message": pack.report.empty_message,
        "sections": [(s.heading, s.paragraphs) for s in pack.report.sections],
    }

made = st.session_state.get(STATE_KEY)
if made is not None and made["scope"] != scope:
    st.info("筛选条件已改变，请重新生成报告材料。", icon=":material/info:")
elif made is not None:
    # The audit log records the download when it happens (the callable runs on click, on another
    # thread), so who and what scope are captured now, as ui.table does for its downloads.
    who, where = access.identity(), access.scope_record(scope)

    def zip_on_click(made=made) -> bytes:
        access.audit("download", who, file=made["zip_name"], table="报告材料", scope=where)
        return made["zip"]

    st.download_button(f"下载 {made['zip_name']}", zip_on_click, made["zip_name"], "application/zip",
                       type="primary", icon=":material/download:", key="report_download", on_click="ignore")
    if made["empty_message"]:
        st.info(made["empty_message"], icon=":material/info:")
    for p in made["problems"]:
        st.warning(p, icon=":material/warning:")
    charts = sum(1 for f in made["files"] if f.endswith(".png"))
    st.caption(f"包含{made['docx']}、{made['xlsx']}" + (f"和{charts}张图表（PNG、SVG各一份）。" if charts else "。")
               + "用时：" + "，".join(f"{k}{seconds(v)}" for k, v in made["timings"].items()) + "。")
    if made["sections"]:
        st.subheader("材料中的段落")
        st.caption("与 Word 文档正文中的段落相同，可直接复制。")
        for i, (heading, paragraphs) in enumerate(made["sections"]):
            st.markdown(f"**{text.literal(heading)}**")
            for j, paragraph in enumerate(paragraphs):
                ui.paragraph(paragraph, key=f"report_paragraph_{i}_{j}")
