// Back and Forward through filter changes: one history entry for each thing the user does.
// Streamlit writes a select's new value into the URL with history.replaceState (no entry: Back
// would leave the dashboard), a change made by the script (a drill-down click, the breadcrumb)
// with pushState, and some changes in several writes (the county, then the township it clears;
// a page switch first rewrites the old page's address, then pushes the new page). Here the first
// write after a click or a key press pushes one entry and every later write replaces it, so one
// change is one entry and the page being left keeps its address. Streamlit itself restores the
// filters when Back or Forward pops an entry.
(() => {
  if (window.__dashboardHistory) return;
  window.__dashboardHistory = true;
  const push = history.pushState.bind(history), replace = history.replaceState.bind(history);
  let armed = false;          // a click or key press since the last entry was pushed
  let junk = false;           // the last entry was pushed for this change but holds the old page
  const arm = () => { armed = true; };
  window.addEventListener("pointerdown", arm, true);
  window.addEventListener("keydown", arm, true);
  window.addEventListener("popstate", () => { armed = false; junk = false; }, true);
  const route = (fallback) => (state, title, url) => {
    if (url === undefined || url === null) return fallback(state, title, url);
    const next = new URL(url, location.href);
    const otherPage = next.pathname !== location.pathname;
    if (!otherPage && next.search === location.search) return fallback(state, title, url);
    if (armed) {
      armed = false;
      junk = !otherPage;
      return push(state, title, url);
    }
    if (otherPage && !junk) return push(state, title, url);   // a page opened by the script alone
    junk = junk && !otherPage;
    return replace(state, title, url);
  };
  history.replaceState = route(replace);
  history.pushState = route(push);
})();
