"""Every page of the ToC, opened in a real browser (Chromium) in the light and the dark theme.

What a reader would notice first: a page that does not load, a script error, a request to another site
(the book is self-hosted and must work offline), a missing or unlabelled chart, a theme in which text
is unreadable, a search that finds nothing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sitecheck import PAGES, THEMES, SiteBrowser

pytestmark = [pytest.mark.book, pytest.mark.browser]

# Console errors a page may log, as {regex: why it is acceptable}. Keep it short; prefer fixing the cause.
# It is empty: sphinx-thebe's duplicate `THEBE_JS_URL` declaration (see /work/shared/PITFALLS.md) is
# removed at build time by ccg_book.site_fixes instead of being allowed here, and the
# missing favicon is supplied by _static/favicon.svg.
CONSOLE_ALLOW: dict[str, str] = {}

# WCAG 2.x contrast minimum (1.4.3) for body text.
MIN_TEXT_CONTRAST = 4.5


def _unexpected(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(re.search(pattern, e) for pattern in CONSOLE_ALLOW)]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_errors(site_browser: SiteBrowser, page: str, theme: str) -> None:
    visit = site_browser.visit(page, theme)
    assert visit.status == 200, f"{page}: HTTP {visit.status}"
    assert visit.title.strip(), f"{page}: empty <title>"
    assert not visit.page_errors, f"{page} ({theme}): uncaught script errors {visit.page_errors}"
    assert not _unexpected(visit.console_errors), f"{page} ({theme}): console errors {visit.console_errors}"
    assert not visit.failed_requests, f"{page} ({theme}): failed requests {visit.failed_requests}"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_no_request_leaves_the_local_origin(site_browser: SiteBrowser, page: str, theme: str) -> None:
    visit = site_browser.visit(page, theme)
    assert not visit.foreign_requests, (
        f"{page} ({theme}) asked for resources outside the site (blocked): {visit.foreign_requests}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_images_load_are_visible_and_have_alt_text(site_browser: SiteBrowser, page: str) -> None:
    visit = site_browser.visit(page, "light")
    for image in visit.images:
        name = image["src"].rsplit("/", 1)[-1]
        assert image["complete"] and image["natural_width"] > 0, f"{page}: image {name} did not load"
        assert image["alt"] is not None, f"{page}: image {name} has no alt attribute"
        if image["in_figure"]:
            assert image["visible"], f"{page}: figure image {name} is not visible ({image})"
            assert len(image["alt"].strip()) >= 20, f"{page}: figure image {name} lacks a real alt text"


@pytest.mark.parametrize("page", PAGES)
def test_charts_stay_readable_in_dark_theme(site_browser: SiteBrowser, page: str) -> None:
    """Chart PNGs carry their own opaque background: dark text on a transparent chart would vanish."""
    visit = site_browser.visit(page, "dark")
    for image in visit.images:
        if image["in_figure"] and image["src"].endswith(".png"):
            assert image["opaque_corner"], f"{page}: chart {image['src']} has a transparent background"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_theme_applies_and_text_is_readable(site_browser: SiteBrowser, page: str, theme: str) -> None:
    visit = site_browser.visit(page, theme)
    assert visit.theme_applied == theme, f"{page}: asked for {theme}, page shows {visit.theme_applied!r}"
    assert visit.text_contrast, f"{page}: no prose found in <article>"
    for sample in visit.text_contrast:
        assert sample["ratio"] >= MIN_TEXT_CONTRAST, f"{page} ({theme}): low contrast {sample}"
        # The page itself follows the theme (boxes inside it, e.g. badges, may keep their own colours).
        dark_page = sample["page_luminance"] < 0.2
        assert dark_page == (theme == "dark"), f"{page}: {theme} theme not applied to the page {sample}"


class _ParagraphText(HTMLParser):
    """Collect the text of <p> elements inside <article>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"article": 0, "p": 0}
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.depth and self.depth[tag]:
            self.depth[tag] -= 1

    def handle_data(self, data: str) -> None:
        if self.depth["article"] and self.depth["p"]:
            self.words += re.findall(r"[A-Za-z]+", data)


def _prose_words(html_file: Path) -> set[str]:
    parser = _ParagraphText()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return {word.lower() for word in parser.words}


def search_term_for(site: Path, target: str, pages: list[str]) -> str:
    """A word of the target page's prose that no other ToC page uses (longest first), else its longest."""
    words = _prose_words(site / f"{target}.html")
    others = set().union(*(_prose_words(site / f"{p}.html") for p in pages if p != target))
    candidates = sorted((w for w in words if len(w) >= 6), key=lambda w: (-len(w), w))
    unique = [w for w in candidates if w not in others]
    assert candidates, f"{target}: no prose to search for"
    return (unique or candidates)[0]


def test_search_finds_a_chapter_3_term(site_browser: SiteBrowser, site: Path) -> None:
    chapter3 = next(p for p in PAGES if Path(p).name.startswith("03"))
    term = search_term_for(site, chapter3, PAGES)
    page, visit = site_browser.open(f"search.html?q={term}", "light")
    try:
        hit = page.wait_for_selector(f'#search-results a[href*="{Path(chapter3).name}"]', timeout=15_000)
        assert hit is not None, f"search for {term!r} did not list {chapter3}"
    finally:
        page.close()
    assert not visit.page_errors, visit.page_errors
    assert not _unexpected(visit.console_errors), visit.console_errors
