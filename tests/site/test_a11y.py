"""Accessibility: axe-core on every ToC page in the light and dark theme, plus the book's own colours.

axe-core comes from the installed ``axe-playwright-python`` package (nothing is downloaded) and runs
on the whole page in Chromium (see ``conftest.SiteBrowser``). Automated checks find only part of the
accessibility problems a person would meet; passing them is a floor, not a certificate.

Gates:
- every axe rule tagged WCAG 2.0/2.1/2.2 level A or AA: zero violations, in both themes;
- axe's best-practice rules (landmarks, empty table headers, ...): zero violations too, because the
  theme's defaults fail them and ``ccg_book.site_fixes`` / ``_templates`` fix them.
Exceptions, each with its reason, are listed in ``EXCEPTIONS``; it is empty today.
"""

from __future__ import annotations

import pytest
from sitecheck import PAGES, THEMES, WCAG_TAGS, SiteBrowser

pytestmark = [pytest.mark.book, pytest.mark.browser]

# {axe rule id: why a violation of it is accepted}. Keep empty unless a fix is impossible here.
EXCEPTIONS: dict[str, str] = {}


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; e.g. {targets}")
    return "\n".join(lines)


def _violations(page_visit_axe: dict, wcag: bool) -> list[dict]:
    found = []
    for violation in page_visit_axe["violations"]:
        if violation["id"] in EXCEPTIONS:
            continue
        is_wcag = bool(set(violation["tags"]) & set(WCAG_TAGS))
        if is_wcag == wcag:
            found.append(violation)
    return found


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_no_wcag_a_or_aa_violations(site_browser: SiteBrowser, page: str, theme: str) -> None:
    visit = site_browser.visit(page, theme)
    assert visit.axe.get("testEngine", {}).get("name") == "axe-core", "axe-core did not run"
    found = _violations(visit.axe, wcag=True)
    assert not found, f"{page} ({theme}): WCAG 2.x A/AA violations\n{_describe(found)}"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_no_best_practice_violations(site_browser: SiteBrowser, page: str, theme: str) -> None:
    visit = site_browser.visit(page, theme)
    found = _violations(visit.axe, wcag=False)
    assert not found, f"{page} ({theme}): axe best-practice violations\n{_describe(found)}"


_BADGES_JS = """
() => [...document.querySelectorAll('span.provenance')].map(el => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : [...m, 1]; };
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const s = getComputedStyle(el);
  const [a, b] = [lum(parse(s.color)), lum(parse(s.backgroundColor))].sort((x, y) => y - x);
  return {text: el.textContent.trim(), cls: el.className, ratio: (a + 0.05) / (b + 0.05),
          opaque: parse(s.backgroundColor)[3] === 1, font: s.fontFamily};
})
"""


@pytest.mark.parametrize("theme", THEMES)
def test_provenance_badges_are_words_with_aa_contrast(site_browser: SiteBrowser, theme: str) -> None:
    """The front page's legend shows every badge; each says its meaning in words, at AA contrast."""
    from ccg_leadership.provenance import LABELS, Provenance

    page, visit = site_browser.open(f"{PAGES[0]}.html", theme)
    try:
        badges = page.evaluate(_BADGES_JS)
    finally:
        page.close()
    assert {b["text"] for b in badges} >= set(LABELS.values()), f"legend badges missing: {badges}"
    for badge in badges:
        kind = next(p for p in Provenance if f"provenance-{p.value}" in badge["cls"])
        assert badge["text"] == LABELS[kind], badge
        assert badge["opaque"], f"badge without its own background: {badge}"
        assert badge["ratio"] >= 4.5, f"{theme}: badge contrast below AA: {badge}"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two sRGB hex colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic near-miss grey


def test_chart_palette_neighbours_and_background_contrast() -> None:
    """Categories drawn next to each other differ by >= 3:1, and each stands out from white by >= 3:1
    (WCAG 1.4.11 non-text contrast); colour is never the only cue, but it must not fail either."""
    from ccg_leadership.style import PALETTE

    for left, right in zip(PALETTE, PALETTE[1:], strict=False):
        assert contrast(left, right) >= 3.0, (
            f"neighbouring colours {left} {right}: {contrast(left, right):.2f}"
        )
    for colour in PALETTE:
        assert contrast(colour, "#FFFFFF") >= 3.0, f"{colour} on white: {contrast(colour, '#FFFFFF'):.2f}"
