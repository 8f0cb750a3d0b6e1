"""docs/benchmarks.md from a run's results (benchmarks/_data/results.json)."""
from __future__ import annotations

from benchmarks import pages as P

SIZE_LABEL = {"city": "城市", "province": "省", "nation": "全国"}
TARGETS_MS = {"city_page": 50, "nation_page": 300, "nation_first_view": 2000}
NATION_PANDAS_RATIO = 5
NATION_MEMORY_MB = 2048


def ms(x: float | None) -> str:
    if x is None:
        return "—"
    if x >= 1000:
        return f"{x / 1000:.1f} s"
    if x >= 100:
        return f"{x:.0f} ms"
    return f"{x:.1f} ms" if x < 10 else f"{x:.0f} ms"


def mb(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x / 1024:.2f} GB" if x >= 1024 else f"{x:.0f} MB"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "—"
    r = a / b
    return f"{r:.0f}×" if r >= 10 else f"{r:.1f}×"


def med(d: dict | None, key: str = "median") -> float | None:
    return (d or {}).get(key)


def page_label(page: str) -> str:
    return P.PAGES[page][0]


def slowest_page(worker: dict) -> tuple[str, float]:
    page = max(worker["warm"], key=lambda p: worker["warm"][p]["app"]["median"])
    return page, worker["warm"][page]["app"]["median"]


def summary_table(r: dict) -> str:
    rows = ["| 规模 | 学校数 | 各页查询合计(热,最慢一页) | 总览页查询(热) | 总览页脚本(换筛选后) | 首屏 | 峰值内存 "
            "| pandas 基线 ÷ 看板 | 看板 ÷ 裸 DuckDB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, s in r["sizes"].items():
        w, b = s["worker"], s["baseline"]
        page, slow = slowest_page(w)
        rows.append(
            f"| {SIZE_LABEL.get(size, size)} | {s['schools']:,} | {ms(slow)}({page_label(page)}) "
            f"| {ms(w['warm']['overview']['app']['median'])} | {ms(med(w['scripts']['overview']['warm']))} "
            f"| {ms(w['first_view_ms'])} | {mb(w['peak_rss_mb'])} "
            f"| {ratio(med(b['pandas']), med(b['app']))} | {ratio(med(b['app']), med(b['raw']))} |")
    out = "\n".join(rows)
    br = r.get("browser")
    if br:
        single, ws, load = br.get("single", {}), br.get("ws_load"), br.get("load")
        out += f"\n\n城市规模演示数据,served 于 127.0.0.1:单个浏览器标签页换县区后重绘 {ms(med(single.get('repaint')))}(中位数)"
        if ws:
            out += (f";{ws['sessions']} 个会话(websocket 客户端)不停换筛选 {ws['seconds']:.0f} 秒,共 {ws['changes']} 次,"
                    f"响应 p50 {ms(med(ws['response']))}、p95 {ms(med(ws['response'], 'p95'))},错误 {ws['error_count']} 次")
        if load:
            out += (f";{load['sessions']} 个 Chromium 标签页同时换筛选,共 {load['changes']} 次,重绘 p50 {ms(med(load['repaint']))}、"
                    f"p95 {ms(med(load['repaint'], 'p95'))},错误 {load['error_count']} 次")
        out += "。"
    m = r["machine"]
    out += (f"\n\n测于 {m['cores']} 核 {m['cpu']}、{m['memory_gb']:.0f} GB 内存;测量时机器上还有其他任务"
            f"(平均负载 {fmt_load(r.get('loadavg_start'))} → {fmt_load(r.get('loadavg_end'))}),绝对时间偏慢且有抖动,比例更可靠。")
    return out


def fmt_load(x) -> str:
    return "/".join(f"{v:g}" for v in x) if x else "—"


def targets(r: dict) -> list[tuple[str, str, bool | None]]:
    out = []
    sizes = r["sizes"]
    if "city" in sizes:
        page, slow = slowest_page(sizes["city"]["worker"])
        out.append(("城市:每页查询合计 < 50 ms(热)", f"最慢一页 {page_label(page)} {ms(slow)}(中位数)",
                    slow < TARGETS_MS["city_page"]))
    if "nation" in sizes:
        w, b = sizes["nation"]["worker"], sizes["nation"]["baseline"]
        k = med(b["pandas"]) / med(b["app"]) if med(b["app"]) else None
        out.append(("全国:看板比 pandas 基线快 ≥ 5 倍", f"{ratio(med(b['pandas']), med(b['app']))}(总览页 8 个查询)",
                    k is not None and k >= NATION_PANDAS_RATIO))
        over = {p: v["app"]["median"] for p, v in w["warm"].items() if v["app"]["median"] >= TARGETS_MS["nation_page"]}
        text = "全部达到" if not over else "未达到:" + "、".join(f"{page_label(p)} {ms(v)}" for p, v in over.items())
        page, slow = slowest_page(w)
        out.append(("全国:每页查询合计 < 300 ms(热)", f"{text}(最慢 {page_label(page)} {ms(slow)})", not over))
        out.append(("全国:首屏 < 2 s", ms(w["first_view_ms"]), w["first_view_ms"] < TARGETS_MS["nation_first_view"]))
        out.append(("全国:峰值内存 < 2 GB", mb(w["peak_rss_mb"]), w["peak_rss_mb"] < NATION_MEMORY_MB))
    for key, what in (("ws_load", "websocket 会话"), ("load", "Chromium 标签页")):
        load = r.get("browser", {}).get(key)
        if load:
            out.append((f"{load['sessions']} 个 {what}同时操作:错误 0 次",
                        f"{load['error_count']} 次({load['loaded']}/{load['sessions']} 个打开,{load['changes']} 次换筛选)",
                        load["error_count"] == 0 and load["loaded"] == load["sessions"]))
    return out


CHANGES = """\
**改了什么,为什么。** 最初的查询层在每次查询时把 Parquet 文件当作视图读取,并把每条学校—年度记录
与学校表连接后再按筛选条件过滤(`scoped_schools` 宏)。在全国规模(约 50 万所学校 × 8 年,400 万行学校—年度记录)
下,`EXPLAIN ANALYZE` 显示时间几乎全部花在解压 Parquet 列、400 万行对 50 万行的哈希连接,以及
`orgs_placed` 视图里为每个党组织求“所覆盖的第一所学校”的相关子查询上:单个查询 0.3–9 秒,一页十几秒。
现在的做法(`dashboard/setup.sql`、`dashboard/db.py`、`dashboard/extract.py`、`dashboard/queries/*.sql`):

1. **派生表**:打开数据时一次算好,查询不再做连接。`school_year_facts`(开办学校的每个学校—年度,带学校的五个筛选维度、
   党员数和所在党组织)、`org_facts`(每个党组织及其所属学校的维度、覆盖学校数、应换届日期)、`school_cells`
   (按“年度 × 县区 × 乡镇 × 学段 × 办学性质 × 城乡”汇总的计数与合计,全国约 160 万行)及其去掉乡镇的
   `county_cells`(约 35 万行;不选乡镇时读它)、`school_honor_years`(每年持有称号的学校及最高级别)等。
   各表按(年度, 县区)排序,DuckDB 的分区最小/最大值让“某一年”“某个县区”的查询只读相关的行组。
   `scoped_schools` 宏仍是唯一应用可见县区和筛选条件的地方,只是改为作用于这些表。
2. **数据库文件**:大数据(≥ 5 万条学校—年度记录)写出时(`extract.write_tables`,导入和演示数据都走这里)
   同时生成 `extract.duckdb`:六张表(按主键排序,一所学校的历年记录只读一个行组)加派生表。看板只读打开它,
   几十毫秒;文件记录了生成它的 Parquet 文件(大小、修改时间)和 `setup.sql` 的指纹,不符即不用,
   改为在内存中从 Parquet 现算(城市规模约 0.1 秒,全国约 1 分钟),所以结果总与 Parquet 文件一致。
   小数据(如仓库里的演示数据)不生成文件,每次打开时在内存中现算。
3. **结果不变**:每个查询的输出(列、类型、行序、数值)与改动前逐一相同:`tests/test_queries.py`、
   `tests/test_query_scope.py` 通过;另在城市、省、全国规模和仓库演示数据上,对全部 27 个查询 × 13 组筛选条件
   (397 次)逐表比对改动前后的结果,完全一致。
"""


def markdown(r: dict, before: dict | None) -> str:
    m = r["machine"]
    parts = ["# 性能基准:从一个县到全国\n",
             f"`python -m benchmarks` 于 {r['started']} 生成{'(--quick)' if r.get('quick') else ''};"
             f"全程 {r['total_s'] / 60:.1f} 分钟。下表可直接贴进 README。\n",
             summary_table(r), ""]

    parts += ["## 目标\n", "| 目标 | 实测 | 达到 |", "|---|---|:-:|"]
    for name, measured, ok in targets(r):
        parts.append(f"| {name} | {measured} | {'是' if ok else '否'} |")
    parts.append("")
    if "nation" in r["sizes"]:
        lead = r["sizes"]["nation"]["worker"]["warm"].get("leadership")
        if lead and lead["app"]["median"] >= TARGETS_MS["nation_page"]:
            parts.append(
                "“一肩挑”页在全国规模未达到 300 ms,原因是该页“党组织名单”标签页列出范围内全部一级党组织:"
                "全国不加筛选时约 24 万行,转换为 DataFrame 就要约半秒,`st.dataframe` 还要把它们全部发送到浏览器。"
                "查询本身(不含转换)在 0.1 秒左右。建议该表像 `school_list` 一样只取前若干行并给出总数,"
                "或在未选县区时不显示名单(页面改动,不在本次范围内)。\n")

    if "nation" in r["sizes"]:
        w = r["sizes"]["nation"]["worker"]["warm"]["overview"]
        parts.append(
            f"“看板 ÷ 裸 DuckDB”一栏是 `dashboard/data.py` 缓存层和 `run_query` 的开销(缓存键、保存和复制结果):"
            f"全国规模下总览页 {ms(med(w['app']))} 对 {ms(med(w['raw']))}。可见县区(全国 2,003 个)曾经逐项参与缓存键的散列,"
            "每次调用约 10 ms、每页约 90 ms;现在以它们的摘要作缓存键(`data.py` 的 `_cache_key`),这部分开销已可忽略。\n")

    parts += ["## 机器\n",
              f"- {m['cores']} 核 {m['cpu']},内存 {m['memory_gb']:.1f} GB;{m['os']}",
              f"- Python {m['python']},DuckDB {m['duckdb']},pandas {m['pandas']},pyarrow {m['pyarrow']},"
              f"Streamlit {m['streamlit']},Playwright {m['playwright']},{m['chromium']}",
              f"- 平均负载(1/5/15 分钟):开始 {fmt_load(r.get('loadavg_start'))},结束 {fmt_load(r.get('loadavg_end'))}。"
              "测量期间机器上同时运行着其他任务(测试、浏览器),2 个核常被占满,所以绝对时间比空闲机器慢、抖动大;"
              "表中同时给出进程 CPU 时间,并且“看板 / 裸 DuckDB / pandas”三条路径在同一进程中对同一筛选条件交替测量,"
              "比例比绝对值可靠。",
              ""]

    parts += ["## 怎样测的\n",
              "- **数据**:演示数据生成器(`dashboard.demo.generate`)按城市(1,077 所,即默认)、省(3 万所)、全国(50 万所)"
              "三种规模各生成 8 年(2018–2025),用 `dashboard.extract.write_tables` 写出,缓存在 `benchmarks/_data/`"
              "(按规模和随机种子),下次直接复用。",
              f"- **筛选条件**:每个样本换一组筛选条件(同一序列用于所有页面和三条路径):偶数个样本是全部范围的某一年"
              f"(最重的情形),其余随机选县区、学段、办学性质、城乡分类,有时加乡镇。热测量每页 {r['samples']} 个样本,"
              f"冷测量 {r['cold_samples']} 个,页面脚本 {r['page_runs']} 次。",
              "- **各页查询(热)**:一个连接,每个样本前清空查询缓存,按页面的顺序调用 `dashboard.data` 的查询"
              "(与页面在一次筛选变化时所做的相同,含筛选栏的查询);报告中位数和 p95。"
              "**裸 DuckDB**:同样的 SQL 文本和参数,直接在 DuckDB 游标上执行并取回 DataFrame,"
              "不经过 `data.py` 的缓存和 `run_query`。",
              "- **冷**:每个样本新开一个连接(`db.open_extract`)再运行该页的查询;操作系统的文件缓存是热的。",
              "- **页面脚本**:`streamlit.testing.v1.AppTest` 运行 `app.py` 并切换到该页;“首次”是该页第一次运行,"
              "“换筛选后”是在侧栏改筛选条件后的运行(运行前清空查询缓存),“不变重跑”是什么都不改再运行一次(全部命中缓存)。"
              "**首屏**:清空 Streamlit 的全部缓存、没有已打开的连接时,第一次打开总览页所需的时间(含打开数据)。",
              "- **峰值内存**:每种规模在单独的进程中测量(`resource.getrusage(RUSAGE_SELF).ru_maxrss`),"
              "包含 Streamlit、plotly 和上述全部测量;pandas 基线在另一个进程中,不计入。",
              "- **pandas 基线**:用 pandas 读取 Parquet 文件,把与筛选无关的连接(学校 × 县区、党员 × 教职工数、"
              "党组织所属学校)在读取时做好,然后对每组筛选条件过滤、连接、分组,算出总览页的 8 个查询"
              "(各年覆盖、各年党组织、各年党员、各年示范校,以及四个县区排名)。每组筛选条件下都先断言 pandas 的结果与 SQL 完全相同,"
              "再交替计时。",
              "- **浏览器与并发**:`streamlit run` 只监听 127.0.0.1,Debian 的 Chromium 通过 Playwright 操作。从点击新选项到"
              "脚本运行结束且“学校数”卡片显示该筛选条件下应有的数字(事先用看板自己的查询算出)为止计时。"
              "并发测试有两种:20 个 websocket 客户端(服务器本身的响应时间),和一个 Chromium 里的 20 个上下文(端到端,"
              "但与服务器共用 2 个核);都是全部连上后同时反复换县区或年度,不停顿。出现异常元素、页面打不开、"
              "“学校数”不对或超时都计为错误。",
              ""]

    for size, s in r["sizes"].items():
        w, b, e = s["worker"], s["baseline"], s["extract"]
        rows = e.get("rows", {})
        parts += [f"## {SIZE_LABEL.get(size, size)}:{s['schools']:,} 所学校\n",
                  f"{rows.get('regions', 0):,} 个县区,学校—年度记录 {rows.get('school_years', 0):,} 行,"
                  f"党组织—年度 {rows.get('orgs', 0):,} 行;Parquet {mb(rows.get('parquet_bytes', 0) / 2**20)},"
                  + (f"数据库文件 {mb(rows.get('database_bytes', 0) / 2**20)}" if rows.get("database_bytes") else "无数据库文件(打开时在内存中计算)")
                  + (f";本次生成 {e['generate_s']:.0f} s" if "generate_s" in e else "")
                  + (f";本次写出 {e['write_s']:.0f} s(写出进程峰值内存 {mb(e.get('peak_rss_mb'))},多半是 pandas 读入的表;"
                     "建数据库文件时 DuckDB 限用 1 GB)" if "write_s" in e else "")
                  + f"。首屏 {ms(w['first_view_ms'])},峰值内存 {mb(w['peak_rss_mb'])}。\n",
                  "| 页面 | 查询数 | 热:中位数 | 热:p95 | 热:CPU | 裸 DuckDB | 冷(其中打开) | 脚本首次 | 脚本换筛选后 | 不变重跑 |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for page, v in w["warm"].items():
            c, sc = w["cold"][page], w["scripts"][page]
            parts.append(
                f"| {page_label(page)} | {len(v['queries'])} | {ms(med(v['app']))} | {ms(med(v['app'], 'p95'))} "
                f"| {ms(med(v['app_cpu']))} | {ms(med(v['raw']))} | {ms(med(c['total']))}({ms(med(c['open']))}) "
                f"| {ms(sc['first'])} | {ms(med(sc['warm']))} | {ms(sc['rerun_unchanged'])} |")
        notes = [f"{page_label(p)}:{'; '.join(sc['errors'][:2])}" for p, sc in w["scripts"].items() if sc["error_count"]]
        notes += [f"{page_label(p)} 运行了未列出的查询 {sc['queries_not_listed']}" for p, sc in w["scripts"].items()
                  if sc["queries_not_listed"]]
        notes += [f"{page_label(p)} 未运行列出的查询 {sc['listed_not_run']}" for p, sc in w["scripts"].items()
                  if sc["listed_not_run"]]
        parts.append("")
        if notes:
            parts += ["注意:" + ";".join(notes), ""]
        parts += [f"pandas 基线(总览页 8 个查询,{b['checked']}):读取 Parquet 并预先连接 {b['pandas_load_s']:.1f} s,"
                  f"占内存约 {mb(b['pandas_load_rss_mb'])};每次换筛选 pandas {ms(med(b['pandas']))}、看板 {ms(med(b['app']))}、"
                  f"裸 DuckDB {ms(med(b['raw']))}(中位数)——pandas 是看板的 {ratio(med(b['pandas']), med(b['app']))},"
                  f"看板是裸 DuckDB 的 {ratio(med(b['app']), med(b['raw']))}。pandas 进程峰值内存 {mb(b['peak_rss_mb'])}。",
                  ""]

    br = r.get("browser")
    if br:
        single, ws, load = br["single"], br.get("ws_load"), br.get("load")
        parts += ["## 浏览器与并发会话\n",
                  f"数据:`{br['data']}`(城市规模演示数据),`streamlit run` 只监听 127.0.0.1。服务器进程峰值内存 "
                  f"{mb(br.get('server_peak_rss_mb'))}。",
                  "",
                  f"- **单个标签页**换县区 {single['repaint'].get('n', 0)} 次:重绘中位数 {ms(med(single['repaint']))},"
                  f"p95 {ms(med(single['repaint'], 'p95'))}(首次打开 {ms(med(single['load']))});错误 {len(single['errors'])} 次。"]
        if ws:
            per = ws["server_cpu_s"] * 1000 / ws["changes"] if ws["changes"] else None
            parts += [f"- **{ws['sessions']} 个 websocket 会话**(按 Streamlit 前端的协议收发消息,不绘制页面)全部连上后,"
                      f"不停顿地换县区或年度 {ws['seconds']:.0f} 秒:共 {ws['changes']} 次,响应 p50 {ms(med(ws['response']))}、"
                      f"p95 {ms(med(ws['response'], 'p95'))}、最长 {ms(med(ws['response'], 'max'))};**错误 {ws['error_count']} 次**"
                      f"(每次都核对了“学校数”)。其间服务器用 CPU {ws['server_cpu_s']:.1f} 秒,即每次换筛选约 {ms(per)}:"
                      "Streamlit 在一个 Python 进程里运行各会话的脚本,受 GIL 限制大致只用满一个核,"
                      "20 个人同时不停地换筛选时,每人要排队等其他人的运行。实际开会时多是一人操作、其他人观看,远低于这个强度。"]
            if ws["errors"]:
                parts.append("  错误示例:" + ";".join(ws["errors"][:3]))
        if load:
            parts += [f"- **{load['sessions']} 个 Chromium 标签页**({load['ramp_s']:.0f} 秒内陆续打开,全部打开后同时不停地换筛选 "
                      f"{load['seconds']:.0f} 秒):打开 {load['loaded']}/{load['sessions']} 个(p50 {ms(med(load['first_load']))},"
                      f"p95 {ms(med(load['first_load'], 'p95'))}),换筛选 {load['changes']} 次,重绘 p50 {ms(med(load['repaint']))}、"
                      f"p95 {ms(med(load['repaint'], 'p95'))};**错误 {load['error_count']} 次**。这 20 个标签页与服务器共用 2 个核:"
                      f"其间 Chromium 用 CPU {load['browser_cpu_s']:.0f} 秒,服务器只用 {load['server_cpu_s']:.0f} 秒,"
                      "所以这里的时间主要是浏览器渲染的排队,不代表各自电脑上的体验。"]
            if load["errors"]:
                parts.append("  错误示例:" + ";".join(load["errors"][:3]))
        parts.append("")

    parts += ["## 改动前后\n", CHANGES]
    if before and before.get("sizes"):
        parts += [f"改动前后在同一进程、同一组筛选条件下交替测量(改动前的查询层见提交历史;{before['measured']},"
                  f"平均负载 {fmt_load(before.get('loadavg_start'))}),各页查询合计的中位数:\n",
                  "| 规模 | 页面 | 改动前 | 改动后 | 加速 |", "|---|---|---:|---:|---:|"]
        for size, s in before["sizes"].items():
            for page, v in s["pages"].items():
                parts.append(f"| {SIZE_LABEL.get(size, size)} | {page_label(page)} | {ms(med(v['before']))} "
                             f"| {ms(med(v['after']))} | {ratio(med(v['before']), med(v['after']))} |")
        parts.append("")

    parts += ["## 重新运行\n",
              "```sh",
              ".venv/bin/python -m benchmarks            # 城市、省、全国;首次需生成全国数据(几分钟),约 15–20 分钟",
              ".venv/bin/python -m benchmarks --quick    # 城市和省,样本少,负载测试 15 秒,约 3 分钟",
              ".venv/bin/python -m benchmarks --sizes nation --no-browser",
              "```",
              "",
              "结果写入本文件和 `benchmarks/_data/results.json`(不进版本库)。基准不属于测试套件,"
              "不以时间判定成败;只有结果不一致(pandas 与 SQL 不同、改动前后不同)或某一步出错时才报错。",
              ""]
    return "\n".join(parts)
