"""docs/benchmarks.md and the README's table from a run's results (benchmarks/_data/results.json),
measured against issue 13's targets."""
from __future__ import annotations

from benchmarks import pages as P

SIZE = {"city": "城市", "province": "省", "nation": "全国"}
SIZE_EN = {"city": "city", "province": "province", "nation": "nation"}
# Issue 13's targets.
CITY_CPU_RATIO = 1.5
NATION_QUERIES_MS = 100
NATION_RERUN_MS = 200
NATION_BYTES = 200 * 1024
NATION_MEMORY_MB = 2048
SESSIONS = 100


def ms(x: float | None) -> str:
    if x is None:
        return "—"
    if x >= 1000:
        return f"{x / 1000:.1f} s"
    return f"{x:.1f} ms" if x < 10 else f"{x:.0f} ms"


def mb(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x / 1024:.2f} GB" if x >= 1024 else f"{x:.0f} MB"


def kb(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x / 2**20:.2f} MB" if x >= 2**20 else f"{x / 1024:.0f} KB"


def times(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}×"


def med(d: dict | None, key: str = "median") -> float | None:
    return (d or {}).get(key)


def fmt_load(x) -> str:
    return "/".join(f"{v:g}" for v in x) if x else "—"


# Per page ------------------------------------------------------------------------------------------
def page_row(size: dict, page: str) -> dict:
    """One page's measures at one size."""
    w, srv = size["worker"], size.get("server") or {"pages": {}}
    sc, warm, cold = w["scripts"][page], w["warm"][page], w["cold"][page]
    sp = srv["pages"].get(page, {})
    n = len(sc["views"])
    calls = [len(v["calls"]) for v in sc["views"]]
    missed = [len(v["missed"]) for v in sc["views"]]
    names = sorted({c["name"] for v in sc["views"] for c in v["calls"]})
    raw_cpu_mean = warm["raw_cpu_total"] / n if n else None
    cpu = sp.get("cpu_per_change_ms")
    miss_cpu = warm["raw_missed_cpu_total"] / n if n else None
    return {
        "names": names, "calls": med_list(calls), "missed": med_list(missed),
        "warm": med(warm["app"]), "warm_p95": med(warm["app"], "p95"), "raw": med(warm["raw"]),
        "raw_cpu": med(warm["raw_cpu"]), "raw_cpu_mean": raw_cpu_mean, "raw_missed_cpu_mean": miss_cpu,
        "cold": med(cold["total"]), "script": med(sc["runs"]), "script_cpu": med(sc["cpu"]),
        "server_cpu": cpu, "response": med(sp.get("response")), "response_p95": med(sp.get("response"), "p95"),
        "bytes": med(sp.get("bytes")), "bytes_max": med(sp.get("bytes"), "max"),
        "ratio": cpu / raw_cpu_mean if cpu and raw_cpu_mean else None,
        "ratio_missed": cpu / miss_cpu if cpu and miss_cpu else None,
        "errors": sc["errors"] + sp.get("errors", []), "elements": sp.get("bytes_by_element", {}),
    }


def med_list(xs: list[int]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    return s[len(s) // 2]


def worst(size: dict, key: str, pages=None) -> tuple[str, float | None]:
    rows = {p: page_row(size, p)[key] for p in (pages or P.PAGES)}
    rows = {p: v for p, v in rows.items() if v is not None}
    if not rows:
        return "", None
    p = max(rows, key=rows.get)
    return p, rows[p]


# Targets ---------------------------------------------------------------------------------------
def targets(r: dict, en: bool = False) -> list[tuple[str, str, str]]:
    """(target, measured, met or the gap) for each of issue 13's targets the run measured."""
    out = []
    sizes = r["sizes"]
    name = (lambda p: p) if en else (lambda p: P.PAGES[p])

    def verdict(ok: bool, gap: str) -> str:
        return ("met" if en else "达到") if ok else (f"gap: {gap}" if en else f"差 {gap}")

    if "city" in sizes and sizes["city"].get("server"):
        p, v = worst(sizes["city"], "ratio")
        lo = min(x for x in (page_row(sizes["city"], q)["ratio"] for q in P.PAGES) if x)
        out.append(("City: server CPU per filter change ≤ 1.5 × the raw DuckDB CPU of the page's queries" if en else
                    "城市：每次换筛选服务器 CPU ≤ 该页查询裸 DuckDB CPU 的 1.5 倍",
                    (f"{times(lo)}–{times(v)} (worst {name(p)})" if en else f"各页 {times(lo)}–{times(v)}（最高：{name(p)}）"),
                    verdict(v <= CITY_CPU_RATIO, f"{v - CITY_CPU_RATIO:.1f}×")))
    if "nation" in sizes:
        n = sizes["nation"]
        p, v = worst(n, "warm")
        out.append(("Nation: every page's queries ≤ 100 ms (warm median)" if en else "全国：每页查询 ≤ 100 ms（热，中位数）",
                    f"{'slowest' if en else '最慢'} {name(p)} {ms(v)}", verdict(v <= NATION_QUERIES_MS, ms(v - NATION_QUERIES_MS))))
        if n.get("server"):
            p, v = worst(n, "response")
            out.append(("Nation: a page rerun after a filter change ≤ 200 ms (server, median)" if en else
                        "全国：换筛选后页面重跑 ≤ 200 ms（服务器响应，中位数）",
                        f"{'slowest' if en else '最慢'} {name(p)} {ms(v)}", verdict(v <= NATION_RERUN_MS, ms(v - NATION_RERUN_MS))))
            p, v = worst(n, "bytes")
            out.append(("Nation: ≤ 200 KB sent per filter change (median)" if en else "全国：每次换筛选发送 ≤ 200 KB（中位数）",
                        f"{'largest' if en else '最多'} {name(p)} {kb(v)}", verdict(v <= NATION_BYTES, kb(v - NATION_BYTES))))
            peak = (n["server"].get("memory_mb") or {}).get("peak")
            out.append(("Nation: peak memory ≤ 2 GB (server process)" if en else "全国：峰值内存 ≤ 2 GB（服务器进程）",
                        mb(peak), verdict(peak is not None and peak <= NATION_MEMORY_MB,
                                          mb((peak or 0) - NATION_MEMORY_MB))))
    rep = r.get("replicas")
    if rep:
        for c in rep["configs"]:
            ceiling = c["ceiling"]
            shown = ("≥ " if c["ceiling_is_lower_bound"] else "") + str(ceiling) if ceiling else f"< {rep['steps'][0]}"
            w = c["workers"]
            out.append((f"City: {w} replica{'s' if w > 1 else ''}, sessions changing a filter every 5 s with p95 < 1 s "
                        f"(target ≥ {SESSIONS} for one process)" if en else
                        f"城市：{w} 个副本，每 5 秒换一次筛选、p95 < 1 秒的会话数（目标：一个进程 ≥ {SESSIONS}）",
                        shown, verdict(ceiling >= SESSIONS, str(SESSIONS - ceiling)) if w == 1 else
                        ("measured side by side" if en else "同一次运行中并列测量")))
    return out


def targets_table(r: dict, en: bool = False) -> str:
    rows = ["| target (issue 13) | measured | result |" if en else "| 目标（issue 13） | 实测 | 结果 |", "|---|---|---|"]
    rows += [f"| {a} | {b} | {c} |" for a, b, c in targets(r, en)]
    return "\n".join(rows)


def sizes_table(r: dict, en: bool = False) -> str:
    """One row per size: the slowest page's figures."""
    if en:
        head = ("| size | schools | queries per change | slowest page's queries (warm) | server: CPU per change "
                "(÷ raw DuckDB) | server: response | sent per change | peak memory (server) |")
    else:
        head = "| 规模 | 学校数 | 每次换筛选的查询数 | 最慢一页的查询（热） | 服务器每次 CPU（÷ 裸 DuckDB） | 服务器响应 | 每次发送 | 峰值内存（服务器） |"
    rows = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    name = (lambda p: p) if en else (lambda p: P.PAGES[p])
    for size, s in r["sizes"].items():
        all_rows = {p: page_row(s, p) for p in P.PAGES}
        calls = [x["calls"] for x in all_rows.values() if x["calls"] is not None]
        p, warm = worst(s, "warm")
        pc, cpu = worst(s, "server_cpu")
        pr, resp = worst(s, "response")
        pb, sent = worst(s, "bytes")
        ratio = all_rows[pc]["ratio"] if pc else None
        peak = ((s.get("server") or {}).get("memory_mb") or {}).get("peak")
        rows.append(f"| {SIZE_EN[size] if en else SIZE[size]} | {s['schools']:,} | {min(calls)}–{max(calls)} "
                    f"| {ms(warm)} ({name(p)}) | {ms(cpu)} ({times(ratio)}, {name(pc)}) | {ms(resp)} ({name(pr)}) "
                    f"| {kb(sent)} ({name(pb)}) | {mb(peak)} |")
    return "\n".join(rows)


def replicas_table(r: dict, en: bool = False) -> str:
    from benchmarks.replicas import table

    rep = r.get("replicas")
    if not rep:
        return ""
    text = table(rep)
    if en:
        words = {"会话上限（每 5 秒切换筛选，p95 < 1 秒）": "session ceiling (a change every 5 s, p95 < 1 s)",
                 "每次切换筛选的服务器 CPU（所有副本合计，首个档位）": "server CPU per change (all replicas, first step)",
                 "每个副本内存（各页访问两次后的 RSS）": "memory per replica (RSS after every page twice)",
                 "负载（前 → 后）": "load average (before → after)", "个副本": "replica(s)", "个会话": "sessions",
                 "中位": "median", "次": "changes", "错误": "errors", "，": ", "}
        # The longest first, so that a phrase is not cut by a word inside it ("每个副本内存…").
        for zh in sorted(words, key=len, reverse=True):
            text = text.replace(zh, words[zh])
    return text


def readme(r: dict) -> str:
    """The README's speed section body (between its heading and the next)."""
    m = r["machine"]
    parts = [
        "Measured by `.venv/bin/python -m benchmarks` (not by the tests) on this machine "
        f"({m['cores']} cores, shared with other work: load average {fmt_load(r.get('loadavg_start'))} at the start, "
        f"{fmt_load(r.get('loadavg_end'))} at the end), so read medians and ratios rather than absolute times. "
        "Each page's queries are recorded by running the page itself after each filter change, then replayed; "
        "the server is measured over its websocket as a browser uses it. Method and per-page tables: "
        "[docs/benchmarks.md](docs/benchmarks.md).", "",
        targets_table(r, en=True), "", sizes_table(r, en=True), ""]
    rt = replicas_table(r, en=True)
    if rt:
        parts += ["Replicas behind nginx (`scripts/serve.sh --workers N`), city size, side by side in the same run:", "", rt, ""]
    return "\n".join(parts)


# The document ----------------------------------------------------------------------------------
def markdown(r: dict) -> str:
    m = r["machine"]
    parts = ["# 性能基准：从一个市到全国\n",
             f"`python -m benchmarks` 于 {r['started']} 生成{'（--quick，样本少）' if r.get('quick') else ''}；"
             f"全程 {r['total_s'] / 60:.1f} 分钟。衡量标准是 issue 13 的目标；各表均为中位数，另注明者除外。\n",
             "## 目标\n", targets_table(r), "", sizes_table(r), ""]
    rt = replicas_table(r)
    if rt:
        rep = r["replicas"]
        parts += ["### 副本（nginx 之后的 1 个和 2 个 Streamlit 进程，城市规模，同一次运行中并列测量）\n", rt, "",
                  f"每档 {rep['seconds']:.0f} 秒，每个会话每 {rep['interval_s']:.0f} 秒换一次筛选（年度或县区），"
                  f"p95 须低于 {rep['p95_ms'] / 1000:.0f} 秒且无错误；从小到大逐档测，第一个不达标的档停止。"
                  f"平均负载：开始 {fmt_load(rep.get('loadavg_start'))}，结束 {fmt_load(rep.get('loadavg_end'))}。", ""]

    parts += ["## 机器\n",
              f"- {m['cores']} 核 {m['cpu']}，内存 {m['memory_gb']:.1f} GB；{m['os']}",
              f"- Python {m['python']}，DuckDB {m['duckdb']}，pandas {m['pandas']}，pyarrow {m['pyarrow']}，Streamlit {m['streamlit']}",
              f"- 平均负载（1/5/15 分钟）：开始 {fmt_load(r.get('loadavg_start'))}，结束 {fmt_load(r.get('loadavg_end'))}；"
              "每一步开始前若 1 分钟负载高于核数的 2 倍，先等它降下来（最多等 " f"{r.get('load_wait_s', 0):.0f} 秒），"
              "各步的负载记在下面。机器同时运行着其他任务，绝对时间偏慢、有抖动；同一进程里交替测量的比例更可靠。", ""]
    steps = r.get("steps", [])
    if steps:
        parts += ["| 步骤 | 开始时负载 | 等待 | 结束时负载 | 用时 |", "|---|---|---:|---|---:|"]
        parts += [f"| {s['what']} | {fmt_load(s['load_before'])} | {s['waited_s']:.0f} s | {fmt_load(s['load_after'])} "
                  f"| {s['seconds']:.0f} s |" for s in steps]
        parts.append("")

    counts = "，".join(f"{SIZE[k]} {len(v['worker']['changes'])} 次" for k, v in r["sizes"].items())
    parts += ["## 怎样测的\n",
              "- **数据**：演示数据生成器（`dashboard.demo.generate`，未改动）按城市（默认的 1,077 所）、省（3 万所）、"
              "全国（50 万所）三种规模各生成 8 年，用 `dashboard.extract.write_tables` 写出（大数据同时生成 `extract.duckdb`），"
              "缓存在 `benchmarks/_data/`。",
              f"- **换筛选**：每种规模一个固定序列（{counts}）："
              "每隔一次是全部范围的某一年（最重的情形），其余随机选市（有多个市时）、县区、学段、办学性质、城乡分类，有时加乡镇；"
              "学校画像页每次另开一所学校。所有页面、所有测量用同一序列。",
              "- **每页运行哪些查询**不再手写：worker 用 AppTest 运行每一页的脚本，先打开该页，再依次换筛选，"
              "记录每次运行中每个 `data.query` 调用（查询名、范围、其他参数）及其中未命中缓存、真正执行的调用。"
              "缓存在各页之间共享（与一个服务器进程相同），所以“未命中”与下面服务器上的相同。",
              "- **查询（热）**：把记录下的调用经 `dashboard.data` 重放（每次换筛选前清空查询缓存，连接已打开）。"
              "**裸 DuckDB**：同样的 SQL 和参数直接在 DuckDB 游标上执行并取回 DataFrame；CPU 为进程 CPU 时间，含 DuckDB 的线程。"
              "**冷**：每次新开连接再执行。",
              "- **服务器**：`streamlit run app.py`（项目自己的 `.streamlit/config.toml`，只听 127.0.0.1）。"
              "websocket 客户端（`benchmarks/wsclient.py`，按 Streamlit 前端的协议收发，并像浏览器一样缓存大消息、"
              "把已有的告诉服务器）先打开默认页，再每页开一个新会话，依次做同一序列的换筛选，每次等上一轮结束立即发出。"
              "**服务器 CPU**：Streamlit 进程（所有线程，含 DuckDB）在这些换筛选期间用的 CPU 时间除以次数"
              "（/proc 的时钟精度 10 ms，故取整段总数）。**响应**：从发出到 script_finished。**发送**：其间收到的字节。"
              "每次换筛选后页面上的卡片必须与 AppTest 在同一次换筛选后显示的完全相同，否则记为错误。",
              "- **CPU ÷ 裸 DuckDB**：服务器每次换筛选的 CPU ÷ 该页每次换筛选全部查询在裸游标上的 CPU（平均）。"
              "括号里另给“只算服务器真正执行的查询（未命中缓存的）”的比值。",
              "- **峰值内存**：服务器进程的 VmHWM（整个测量过程中的最高值：所有页面、所有换筛选）。",
              "- **pandas 基线**：用 pandas 按 DESIGN §3 的定义（不是照着 SQL 逐行翻译）从 Parquet 文件算出总览页的三个查询"
              "（各年指标 figures_by_year、各年示范校 honors_by_year、当前比较层级的 coverage_by_unit），"
              "先在 tests/handmade.py 的两个手工数据集上（第二个覆盖党组织定位规则的每一步）对各种范围逐一核对，"
              "再对本规模下总览页记录的每个调用核对与 SQL 完全相同，然后交替计时。", ""]

    for size, s in r["sizes"].items():
        parts += size_section(size, s)

    prof = [(size, s["server"]["profile"]) for size, s in r["sizes"].items()
            if (s.get("server") or {}).get("profile", {}).get("shares")]
    if prof:
        parts += ["## 每次换筛选的时间花在哪里（py-spy 采样服务器进程）\n",
                  "在另一个服务器上重做同一组换筛选，用 py-spy（每秒 250 次，不暂停进程）采样；"
                  "按调用栈归类（先匹配先归）：查询（`db.run_query`）、Streamlit 文件监视、plotly 图的 JSON 序列化、"
                  "画 plotly 图、`st.dataframe`、`st.cache_data`、各节与指标计算、其他 pandas、页面中的 st.* 元素、"
                  "Streamlit 的运行器与 websocket。空闲等待的线程不计。含各页首次打开。\n"]
        cats = []
        for _, p in prof:
            cats += [c for c in p["shares"] if c not in cats]
        parts += ["| 类别 | " + " | ".join(SIZE[s] for s, _ in prof) + " |", "|---|" + "---:|" * len(prof)]
        for c in cats:
            parts.append(f"| {c} | " + " | ".join(f"{p['shares'].get(c, 0) * 100:.0f}%" for _, p in prof) + " |")
        parts.append("")
        for size, p in prof:
            parts.append(f"{SIZE[size]}：项目自己的函数（含其调用的，占采样比例）：" + "；".join(
                f"`{f}` {v * 100:.0f}%" for f, v in p["top_frames"][:8]) + "。")
        parts.append("")
        parts += ["### 每次换筛选的三项最大开销\n",
                  "按采样比例 × 该规模各页服务器每次换筛选 CPU 的平均值估算（含各页首次打开，故为近似）。\n"]
        for size, p in prof:
            pages = (r["sizes"][size]["server"] or {}).get("pages", {})
            cpu = [v["cpu_per_change_ms"] for v in pages.values() if v.get("cpu_per_change_ms")]
            mean = sum(cpu) / len(cpu) if cpu else None
            top = [(c, v) for c, v in p["shares"].items() if not c.startswith("其他")][:3]
            parts.append(f"- **{SIZE[size]}**（各页平均每次 {ms(mean)}）：" + "；".join(
                f"{c} {v * 100:.0f}%（约 {ms(v * mean if mean else None)}）——{REMEDIES.get(c, '')}" for c, v in top) + "。")
        parts.append("")

    parts += ["## 重新运行\n", "```sh",
              ".venv/bin/python -m benchmarks            # 城市、省、全国、副本；首次生成全国数据约 5 分钟",
              ".venv/bin/python -m benchmarks --quick    # 城市和省，换筛选少，副本每档 15 秒",
              ".venv/bin/python -m benchmarks --sizes nation --no-replicas",
              ".venv/bin/python -m benchmarks --report-only   # 只用上次结果重写本文件和 README 的表",
              "```", "",
              "结果写入本文件、README 的“性能 / Speed”一节和 `benchmarks/_data/results.json`（不进版本库）。"
              "基准不属于测试套件，不以时间判定成败；只有结果不一致（pandas 与 SQL 不同）或某一步出错时才报错。"
              "每页运行哪些查询由 `tests/test_page_queries.py` 在手工数据集上断言。", ""]
    return "\n".join(parts)


# What would cut each cost (a category of benchmarks/server.py's CATEGORIES).
REMEDIES = {
    "DuckDB 查询（db.run_query）": "少跑、跑小：不显示示范校的页面不取 honors_by_year，不显示的表不查；"
                                "全国规模最慢的查询预先汇总（发布时建表）",
    "Streamlit 的源文件监视（每次运行后遍历已导入模块、轮询文件）": ".streamlit/config.toml 已设 server.fileWatcherType = \"none\"；"
                                                        "仍出现时检查启动参数",
    "plotly 图转 JSON（st.plotly_chart）": "图和它的 JSON 随数据一起缓存，未变的图不再序列化；长排名只画前后若干个单位",
    "画 plotly 图（charts.py、plotly graph_objs）": "图随数据缓存（按范围和图的键），换筛选只重建变了的图；"
                                                "不在当前标签页的图不建",
    "st.dataframe（pandas 转 Arrow）": "长表已分页，每次只转换、发送当前一页（500 行）",
    "st.cache_data（缓存键、复制结果）": "大结果（名单）每次命中都整份复制：缓存构建好的节或把结果只读共享",
    "各节与指标计算（dashboard/sections、figures、summary）": "节的构建（逐行 iterrows、排名变化）随单位数增长：向量化，或随数据缓存构建好的节",
    "其他 pandas": "见上",
    "页面里的 st.* 元素与控件": "每次运行重发的元素：frame 每页注入的样式与脚本（st.html 约 9 KB）、隐藏标签页中的表；"
                          "可只发一次或只在打开时构建",
    "Streamlit 运行器与 websocket（tornado、protobuf）": "与元素数量和大小成正比：少发、小发",
}


def size_section(size: str, s: dict) -> list[str]:
    w, e, b = s["worker"], s["extract"], s.get("baseline")
    rows = e.get("rows", {})
    srv = s.get("server") or {}
    out = [f"## {SIZE[size]}：{s['schools']:,} 所学校\n",
           f"{rows.get('regions', 0):,} 个县区；学校—年度 {rows.get('school_years', 0):,} 行，党组织—年度 {rows.get('orgs', 0):,} 行，"
           f"组织生活 {rows.get('org_activities', 0):,} 行；Parquet {mb(rows.get('parquet_bytes', 0) / 2**20)}，"
           + (f"数据库文件 {mb(rows.get('database_bytes', 0) / 2**20)}" if rows.get("database_bytes") else "无数据库文件（打开时在内存中计算）")
           + (f"；本次生成 {e['generate_s']:.0f} s" if "generate_s" in e else "")
           + (f"，写出 {e['write_s']:.0f} s（写出进程峰值内存 {mb(e.get('peak_rss_mb'))}）" if "write_s" in e else "")
           + f"。首屏（AppTest，空缓存）{ms(w['first_view_ms'])}"
           + (f"，服务器上第一个会话 {ms(srv.get('first_view_ms'))}" if srv else "")
           + f"；服务器峰值内存 {mb((srv.get('memory_mb') or {}).get('peak'))}，worker 进程 {mb(w['peak_rss_mb'])}。\n",
           "| 页面 | 查询数（其中执行） | 查询·热 | 热 p95 | 裸 DuckDB | 裸 CPU | 冷 | AppTest 脚本 | 服务器 CPU | ÷ 裸 CPU（执行的） "
           "| 服务器响应 | 响应 p95 | 发送 |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    notes = []
    for page in P.PAGES:
        x = page_row(s, page)
        out.append(f"| {P.PAGES[page]} | {x['calls']}（{x['missed']}） | {ms(x['warm'])} | {ms(x['warm_p95'])} | {ms(x['raw'])} "
                   f"| {ms(x['raw_cpu'])} | {ms(x['cold'])} | {ms(x['script'])} | {ms(x['server_cpu'])} "
                   f"| {times(x['ratio'])}（{times(x['ratio_missed'])}） | {ms(x['response'])} | {ms(x['response_p95'])} "
                   f"| {kb(x['bytes'])} |")
        if x["errors"]:
            notes.append(f"{P.PAGES[page]}：{'；'.join(x['errors'][:2])}")
    out.append("")
    out.append("各页运行的查询（记录所得）：" + "；".join(f"{P.PAGES[p]} " + "、".join(page_row(s, p)["names"]) for p in P.PAGES) + "。")
    big = []
    for page in P.PAGES:
        el = page_row(s, page)["elements"]
        if el:
            top = list(el.items())[:3]
            big.append(f"{P.PAGES[page]} " + "、".join(f"{k} {kb(v)}" for k, v in top))
    if big:
        out.append("")
        out.append("每次换筛选发送最多的元素（平均）：" + "；".join(big) + "。")
    out.append("")
    if notes:
        out += ["**错误**：" + "；".join(notes), ""]
    if b:
        out += [f"**pandas 基线**（{b['checked']}；此前 {b['self_check']}，全部与 SQL 相同）：读取 Parquet 并预先连接 "
                f"{b['pandas_load_s']:.1f} s，约 {mb(b['pandas_load_rss_mb'])}；每次换筛选 pandas {ms(med(b['pandas']))}、"
                f"看板 {ms(med(b['app']))}、裸 DuckDB {ms(med(b['raw']))}——pandas 是看板的 {times(_div(med(b['pandas']), med(b['app'])))}。"
                f"pandas 各查询：" + "、".join(f"{k} {ms(med(v))}" for k, v in b["pandas_per_query"].items()) + "。", ""]
    return out


def _div(a, b):
    return a / b if a and b else None
