"""No page scrolls sideways as a whole, on a phone (390 × 844) or a desktop (1280 × 900), in either theme.

Every ToC page (the generated case pages included) is opened in Chromium with every ``<details>`` open
(a reader opens the tables behind the figures) and measured at both sizes:

- the document is no wider than the window (``scrollWidth`` within 1 px of ``innerWidth``), and no
  element reaches past the window's right edge outside a scroll container of its own (content that
  a clipping ancestor would hide counts too); a failure names the widest such element;
- every table wider than its column scrolls inside a container that takes keyboard focus, is a
  named region (role and accessible name, so a screen reader says what the scrolling part holds)
  and shows a visible cue while it overflows (the "scroll sideways" hint of ``_static/ccg.css``);
- no two table regions of a page share a name (with every ``<details>`` open: axe checks only what
  is shown when the page loads).
"""

from __future__ import annotations

from typing import Any

import pytest
from sitecheck import PAGES, THEMES, SiteBrowser

pytestmark = [pytest.mark.book, pytest.mark.browser]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}
SLACK_PX = 1

_MEASURE_JS = """
() => {
  const vw = window.innerWidth;
  const describe = el => {
    const r = el.getBoundingClientRect();
    const cls = typeof el.className === 'string' ? el.className.trim().replace(/\\s+/g, '.') : '';
    return {tag: el.tagName.toLowerCase(), cls, id: el.id, width: Math.round(r.width),
            right: Math.round(r.right), text: (el.textContent || '').trim().slice(0, 60)};
  };
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = el => getComputedStyle(el).overflowX !== 'visible';
  const fixed = el => { for (let a = el; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.position === 'fixed' || s.visibility === 'hidden' || s.display === 'none') return true;
  } return false; };
  // The nearest ancestor that scrolls or clips sideways and itself fits the window.
  const container = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (clips(a)) {
        const r = a.getBoundingClientRect();
        if (r.right <= vw + 1 && r.left >= -1) return a;
      }
    }
    return null;
  };
  const past = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    // An element's own box, or the content it lets spill over (text that cannot wrap, say). Inside an
    // SVG drawing (the charts) only the box counts: scrollWidth/clientWidth describe CSS boxes, and
    // Chromium reports a "spill" for SVG text that is not there.
    const spill = (clips(el) || el.ownerSVGElement) ? 0 : el.scrollWidth - el.clientWidth;
    const width = spill > 1 ? r.width + spill : r.width;
    if (r.width === 0 || r.left + width <= vw + 1) continue;
    const holder = container(el);
    if (holder && scrolls(holder)) continue;  // scrolls inside a container that fits
    if (fixed(el)) continue;                  // off-canvas drawers, dialogs
    past.push({el, ...describe(el), width: Math.round(width), right: Math.round(r.left + width)});
  }
  // Name the innermost offenders (an ancestor of one spills only because of it), widest first.
  const innermost = past.filter(e => !past.some(o => o.el !== e.el && e.el.contains(o.el)))
    .map(({el, ...rest}) => rest).sort((a, b) => b.width - a.width);
  const name = el => {
    const label = (el.getAttribute('aria-label') || '').trim();
    if (label) return label;
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    return ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
  };
  const tables = [];
  for (const table of document.querySelectorAll('article table')) {
    const t = table.getBoundingClientRect();
    if (t.width === 0) continue;
    let box = table.parentElement;
    while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
    const column = (box && box !== document.body) ? box : table.parentElement;
    if (table.offsetWidth <= column.clientWidth + 1) continue;
    const scroller = (box && box !== document.body) ? box : null;
    const cue = scroller ? getComputedStyle(scroller, '::before') : null;
    tables.push({
      table: describe(table),
      container: scroller ? describe(scroller) : null,
      focusable: !!scroller && scroller.tabIndex >= 0,
      role: scroller ? scroller.getAttribute('role') : null,
      name: scroller ? name(scroller) : '',
      cue: !!cue && cue.display !== 'none' && cue.content !== 'none' && cue.content !== 'normal',
    });
  }
  const regions = [...document.querySelectorAll('article [role="region"]')].map(name);
  const scrollWidth = document.documentElement.scrollWidth;
  return {scroll_width: scrollWidth, inner_width: vw, past: innermost.slice(0, 5), tables, regions};
}
"""

_measured: dict[tuple[str, str], dict[str, Any]] = {}


def measure(site_browser: SiteBrowser, page: str, theme: str) -> dict[str, Any]:
    """Open ``page`` once per theme, open its ``<details>``, measure it at every viewport size."""
    key = (page, theme)
    if key not in _measured:
        tab, _ = site_browser.open(f"{page}.html", theme)
        try:
            tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            results = {}
            for size, (width, height) in VIEWPORTS.items():
                tab.set_viewport_size({"width": width, "height": height})
                tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                tab.wait_for_timeout(300)  # scroll-state container queries settle a frame or two later
                results[size] = tab.evaluate(_MEASURE_JS)
        finally:
            tab.set_viewport_size({"width": 1280, "height": 900})
            tab.close()
        _measured[key] = results
    return _measured[key]


def _element(e: dict[str, Any]) -> str:
    where = f"<{e['tag']}{'.' + e['cls'] if e['cls'] else ''}{'#' + e['id'] if e['id'] else ''}>"
    return f"{where} {e['width']} px wide, right edge at {e['right']} px ({e['text']!r})"


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_page_does_not_scroll_sideways(site_browser: SiteBrowser, page: str, theme: str, size: str) -> None:
    seen = measure(site_browser, page, theme)[size]
    widest = _element(seen["past"][0]) if seen["past"] else "no single element found"
    where = f"{page} at {size} {VIEWPORTS[size]} ({theme})"
    assert seen["scroll_width"] <= seen["inner_width"] + SLACK_PX, (
        f"{where}: the page is {seen['scroll_width']} px wide in a {seen['inner_width']} px window; "
        f"widest offender: {widest}"
    )
    assert not seen["past"], (
        f"{where}: content reaches past the window's right edge outside a scroll container of its own "
        f"(clipped or pushing the page): {'; '.join(_element(e) for e in seen['past'])}"
    )


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_wide_tables_scroll_in_a_named_focusable_region(
    site_browser: SiteBrowser, page: str, theme: str, size: str
) -> None:
    seen = measure(site_browser, page, theme)[size]
    where = f"{page} at {size} {VIEWPORTS[size]} ({theme})"
    for wide in seen["tables"]:
        table = _element(wide["table"])
        assert wide["container"], f"{where}: table {table} overflows with no scroll container"
        box = _element(wide["container"])
        assert wide["role"] == "region" and wide["name"], (
            f"{where}: table {table} scrolls in {box}, which is not a named region "
            f"(role={wide['role']!r}, name={wide['name']!r})"
        )
        assert wide["focusable"], f"{where}: table {table} scrolls in {box}, which takes no keyboard focus"
        assert wide["cue"], f"{where}: table {table} overflows {box} without a visible 'scroll sideways' cue"


@pytest.mark.parametrize("page", PAGES)
def test_table_regions_have_distinct_names(site_browser: SiteBrowser, page: str) -> None:
    names = measure(site_browser, page, "light")["desktop"]["regions"]
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert not repeated, f"{page}: scroll regions sharing a name (give each a caption or label): {repeated}"
