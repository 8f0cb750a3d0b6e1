// Streamlit's own interface words (buttons' tips and labels, the status widget, the sidebar's
// toggle) are English and cannot be configured. Each known phrase is replaced with its Chinese
// wherever it appears as an attribute (title, aria-label, placeholder) or as a whole text node;
// a MutationObserver keeps them Chinese as React redraws. Installed once per page.
(() => {
  if (window.__dashboardZh) return;
  window.__dashboardZh = true;
  const WORDS = {
    "App pages": "页面导航", "Collapse sidebar": "收起侧边栏", "Expand sidebar": "展开侧边栏",
    "Sidebar": "侧边栏", "Skip to main content": "跳到正文", "Link to heading": "标题链接",
    "Fullscreen": "全屏", "Exit fullscreen": "退出全屏", "Open": "展开", "Close": "关闭",
    "Decrement": "减少", "Increment": "增加", "Clear value": "清除", "Clear all": "全部清除",
    "Choose an option": "全部", "No results": "没有匹配的选项", "Press Enter to apply": "按回车键确认",
    "Copy to clipboard": "复制", "Copied": "已复制", "file upload": "上传文件", "Upload": "选择文件",
    "Browse files": "选择文件", "Remove file": "移除文件", "Delete": "删除", "Search": "搜索",
    "Show/hide columns": "显示或隐藏列", "Download as CSV": "下载 CSV", "Running...": "正在计算……",
    "Stop": "停止", "Rerun": "重新运行", "Connecting": "正在连接", "Reconnecting": "正在重新连接",
    "Please wait...": "请稍候……", "Connection error": "连接中断", "Main menu": "主菜单",
    "Show password text": "显示密码", "Hide password text": "隐藏密码", "View less": "收起", "View more": "展开",
    "Select all": "全选", "Deselect all": "取消全选", "Sort ascending": "升序", "Sort descending": "降序",
  };
  const PATTERNS = [
    [/^Help for (.*)$/, m => "说明：" + m[1]],
    [/^(\d+) results? available\.?$/, m => `共${m[1]}个选项`],
    [/^(\d+) options? available\.?$/, m => `共${m[1]}个选项`],
  ];
  const ATTRS = ["title", "aria-label", "placeholder"];
  const say = v => {
    const t = v.trim();
    if (t in WORDS) return WORDS[t];
    for (const [re, make] of PATTERNS) { const m = re.exec(t); if (m) return make(m); }
    return null;
  };
  const fix = root => {
    if (root.nodeType === Node.TEXT_NODE) {
      const z = say(root.nodeValue); if (z !== null) root.nodeValue = z; return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    for (const el of [root, ...root.querySelectorAll("[title], [aria-label], [placeholder]")]) {
      for (const a of ATTRS) { const v = el.getAttribute && el.getAttribute(a); if (v) { const z = say(v); if (z !== null) el.setAttribute(a, z); } }
    }
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n; while ((n = walker.nextNode())) { const z = say(n.nodeValue); if (z !== null) n.nodeValue = z; }
  };
  fix(document.body);
  new MutationObserver(changes => {
    for (const c of changes) {
      if (c.type === "attributes") fix(c.target);
      else if (c.type === "characterData") fix(c.target);
      else for (const n of c.addedNodes) fix(n);
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS });
  document.documentElement.lang = "zh-CN";
})();
