"""Charts on a phone: every chart's text is real text, at least 9 CSS px tall at a 390 x 844 viewport.

Each ToC page is opened in Chromium at 390 x 844 (and, for the desktop checks, 1280 x 900). For every
chart (the inline SVG of ``ccg_leadership.chart_svg``) the test reads each ``<text>``'s computed font
size times the scale the browser draws it at (its screen transform), so it measures what a reader
sees, not what the code asked for. A chart may be wider than a phone: then it scrolls inside its own
panel, which must stay within the viewport, so charts never make the page itself scroll sideways
(the page-level scroll-width test, for tables too, is separate). Oracles: the browser's layout and
the count of charts in each page's HTML file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sitecheck import PAGES

pytestmark = [pytest.mark.book, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MIN_TEXT_PX = 9.0
CHART_PAGES = {
    "chapters/02-design-and-methods",
    "chapters/03-survey-findings",
    "chapters/04-case-studies",
    "chapters/05-cross-case-comparison",
}

_MEASURE_JS = """
() => {
  const charts = [...document.querySelectorAll('svg.ccg-chart-svg')].map(svg => {
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    const sizes = texts.map(t => {
      const m = t.getScreenCTM();
      return {px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b), text: t.textContent};
    });
    sizes.sort((a, b) => a.px - b.px);
    const panel = svg.closest('.ccg-chart-scroll');
    const box = svg.closest('.ccg-chart').getBoundingClientRect();
    const hint = svg.closest('.ccg-chart').querySelector('.ccg-chart-hint');
    return {
      label: svg.getAttribute('aria-label') || '', role: svg.getAttribute('role'),
      texts: texts.length, smallest: sizes[0] || null,
      left: box.left, right: box.right,
      scrolls: panel.scrollWidth > panel.clientWidth + 1,
      focusable: panel.tabIndex === 0, region: panel.getAttribute('role'),
      hint: !!hint && getComputedStyle(hint).display !== 'none',
    };
  });
  const width = document.documentElement.scrollWidth;
  for (const chart of document.querySelectorAll('.ccg-chart')) chart.style.display = 'none';
  const without = document.documentElement.scrollWidth;
  return {charts, width, without, viewport: document.documentElement.clientWidth};
}
"""


def _measure(context: Any, url: str, viewport: dict[str, int]) -> dict[str, Any]:
    page = context.new_page()
    try:
        page.set_viewport_size(viewport)
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready")
        return page.evaluate(_MEASURE_JS)
    finally:
        page.close()


def _chart_count(site: Path, page: str) -> int:
    """Charts in the page's HTML file; the chart stylesheet is linked exactly when there is one."""
    html = (site / f"{page}.html").read_text(encoding="utf-8")
    count = len(re.findall(r'<svg class="ccg-chart-svg"', html))
    assert bool(re.search(r'href="[./]*_static/charts\.css', html)) == bool(count), page
    return count


@pytest.mark.parametrize("page", PAGES)
def test_chart_text_is_legible_on_a_phone_and_charts_fit_the_page(
    browser_context: Any, site_url: str, site: Path, page: str
) -> None:
    seen = _measure(browser_context, f"{site_url}{page}.html", PHONE)
    charts = seen["charts"]
    assert len(charts) == _chart_count(site, page), f"{page}: not every chart was measured"
    if page in CHART_PAGES:
        assert charts, f"{page}: expected charts, found none"
    for chart in charts:
        name = chart["label"][:60]
        assert chart["role"] == "img" and len(chart["label"]) > 40, f"{page}: chart without its alt text"
        assert chart["texts"] >= 5, f"{page}: {name}: its labels are not text"
        smallest = chart["smallest"]
        assert smallest["px"] >= MIN_TEXT_PX, (
            f"{page}: {name}: text {smallest['text']!r} is {smallest['px']:.2f} CSS px at 390 px"
        )
        assert chart["left"] >= 0 and chart["right"] <= seen["viewport"] + 0.5, (
            f"{page}: {name}: chart panel sticks out of the viewport ({chart})"
        )
        if chart["scrolls"]:
            assert chart["focusable"] and chart["region"] == "region", f"{page}: {name}: panel not focusable"
            assert chart["hint"], f"{page}: {name}: scrolls sideways without its hint"
        else:
            assert not chart["hint"], f"{page}: {name}: hint shown, yet the chart fits"
    assert seen["width"] <= max(seen["without"], seen["viewport"]), (
        f"{page}: the charts make the page {seen['width']} px wide at a {seen['viewport']} px viewport"
    )


@pytest.mark.parametrize("page", sorted(CHART_PAGES))
def test_charts_fit_the_column_on_a_desktop_without_a_hint(
    browser_context: Any, site_url: str, page: str
) -> None:
    seen = _measure(browser_context, f"{site_url}{page}.html", DESKTOP)
    assert seen["charts"], page
    for chart in seen["charts"]:
        assert not chart["scrolls"] and not chart["hint"], f"{page}: a chart scrolls at 1280 px ({chart})"
        assert chart["smallest"]["px"] >= MIN_TEXT_PX, page


_COLOURS_JS = """
() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : [...m, 1]; };
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (x, y) => { const [a, b] = [x, y].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
  const pageBg = parse(getComputedStyle(document.querySelector('.bd-main') || document.body).backgroundColor);
  return [...document.querySelectorAll('svg.ccg-chart-svg')].map(svg => {
    const panel = parse(getComputedStyle(svg.closest('.ccg-chart-scroll')).backgroundColor);
    // light text sits on the chart's dark bars (style.text_colour_on, tested with the palette)
    const fills = [...svg.querySelectorAll('text')].map(t => parse(getComputedStyle(t).fill))
      .filter(f => lum(f) < 0.5);
    return {
      panel_opaque: panel[3] === 1, panel_luminance: lum(panel), dark_texts: fills.length,
      panel_vs_page: ratio(lum(panel), lum(pageBg)),
      page_luminance: lum(pageBg),
      worst_text: Math.min(...fills.map(f => ratio(lum(f), lum(panel)))),
    };
  });
}
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("page", sorted(CHART_PAGES))
def test_chart_text_contrasts_with_its_panel_in_both_themes(site_browser: Any, page: str, theme: str) -> None:
    """Chart text is dark on the chart's own opaque light panel; on a dark page the panel stands out.

    Replaces, for the inline SVG charts, the opaque-corner check ``test_pages`` makes of chart PNGs.
    """
    tab, _ = site_browser.open(f"{page}.html", theme)
    try:
        charts = tab.evaluate(_COLOURS_JS)
    finally:
        tab.close()
    assert charts, page
    for chart in charts:
        assert chart["panel_opaque"], f"{page} ({theme}): chart without its own background"
        assert chart["panel_luminance"] > 0.9 and chart["dark_texts"] >= 5, f"{page} ({theme}): {chart}"
        assert chart["worst_text"] >= 4.5, f"{page} ({theme}): chart text below AA contrast ({chart})"
        if theme == "dark":
            assert chart["page_luminance"] < 0.1, f"{page}: dark theme not applied ({chart})"
            assert chart["panel_vs_page"] >= 3, f"{page}: the light panel does not stand out ({chart})"
