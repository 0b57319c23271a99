"""Helpers for checking the built site in a real browser (imported by tests in this folder).

A uniquely named module, not conftest.py: two conftest modules would clash on ``from conftest import``.
One Chromium (Debian's ``/usr/bin/chromium``, never a downloaded build) with a fresh profile is driven
by Playwright; :class:`SiteBrowser` opens every page once per colour theme and records what the browser
saw (console errors, requests, images, theme, axe-core results) in a :class:`Visit` shared by the tests.
"""

from __future__ import annotations

import functools
import http.server
from dataclasses import dataclass, field
from typing import Any

from bookhelpers import REPO, toc_pages  # noqa: F401 - REPO re-exported for the tests here

from ccg_book.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - used by the tests here

THEMES = ("light", "dark")

# WCAG 2.x level A and AA rule tags of axe-core; every rule with one of these tags is a hard gate.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


PAGES = toc_pages()


@dataclass
class Visit:
    """What the browser recorded while loading one page in one theme."""

    page: str
    theme: str
    status: int | None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    theme_applied: str = ""
    title: str = ""
    images: list[dict[str, Any]] = field(default_factory=list)
    text_contrast: list[dict[str, Any]] = field(default_factory=list)
    axe: dict[str, Any] = field(default_factory=dict)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


def _same_origin(url: str, origin: str) -> bool:
    return url.startswith(origin) or url.startswith(("data:", "blob:", "about:"))


_READ_PAGE_JS = """
() => {
  const images = [...document.querySelectorAll('main img, article img')].map(img => {
    const r = img.getBoundingClientRect();
    const style = getComputedStyle(img);
    let opaqueCorner = null;
    try {
      const c = document.createElement('canvas');
      c.width = 4; c.height = 4;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0, img.naturalWidth, img.naturalHeight, 0, 0, 4, 4);
      opaqueCorner = ctx.getImageData(0, 0, 1, 1).data[3] === 255;
    } catch (e) { opaqueCorner = null; }
    return {
      src: img.currentSrc || img.src,
      alt: img.getAttribute('alt'),
      in_figure: !!img.closest('figure, .cell_output'),
      complete: img.complete,
      natural_width: img.naturalWidth,
      width: r.width,
      height: r.height,
      visible: style.visibility !== 'hidden' && style.display !== 'none' && r.width > 0 && r.height > 0,
      opaque_corner: opaqueCorner,
    };
  });
  return {theme: document.documentElement.dataset.theme || '', title: document.title, images};
}
"""

# Contrast of body text against the page background, computed as WCAG relative luminance: checks
# that the theme switch really changed the colours and that prose stays readable in both themes.
_TEXT_CONTRAST_JS = """
() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : [...m, 1]; };
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  };
  const page = lum(background(document.querySelector('article') || document.body));
  return [...document.querySelectorAll('article p, article li, article h1, article h2')].slice(0, 40)
    .filter(el => el.textContent.trim().length > 0)
    .map(el => {
      const fg = parse(getComputedStyle(el).color), bg = background(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      return {text: el.textContent.trim().slice(0, 60), ratio: (a + 0.05) / (b + 0.05),
              bg_luminance: lum(bg), page_luminance: page};
    });
}
"""


class SiteBrowser:
    """Open pages of the served site in a theme, once each, and remember what was seen."""

    def __init__(self, context: Any, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.origin = base_url.rstrip("/")
        self._visits: dict[tuple[str, str], Visit] = {}

    def open(self, path: str, theme: str) -> tuple[Any, Visit]:
        """Open ``path`` (relative URL) in ``theme`` on a new tab; return (page, partial Visit)."""
        page = self.context.new_page()
        visit = Visit(page=path, theme=theme, status=None)
        # The handlers append to these list objects; ``visit`` later keeps frozen copies.
        console, errors, failed = visit.console_errors, visit.page_errors, visit.failed_requests
        page.on("console", lambda m: m.type == "error" and console.append(_describe(m)))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: _same_origin(r.url, self.origin) and failed.append(r.url))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))

        def guard(route: Any) -> None:
            url = route.request.url
            if _same_origin(url, self.origin):
                route.continue_()
            else:
                visit.foreign_requests.append(url)
                route.abort("blockedbyclient")

        page.route("**/*", guard)
        # The theme's own switcher stores the choice in localStorage; set it before any script runs.
        page.add_init_script(
            f"try {{ localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}'); }}"
            " catch (e) {}"
        )
        page.emulate_media(color_scheme=theme)
        response = page.goto(self.base_url + path, wait_until="load")
        visit.status = response.status if response else None
        # "load" follows the deferred theme scripts; wait for images still decoding, not for network idle
        # (a flaky signal on a busy machine).
        page.wait_for_function(
            "[...document.images].every(img => { img.loading = 'eager'; return img.complete; })"
        )
        return page, visit

    def visit(self, page_name: str, theme: str) -> Visit:
        """Load a ToC page in a theme (once per session) and record everything the tests need."""
        key = (page_name, theme)
        if key in self._visits:
            return self._visits[key]
        page, visit = self.open(f"{page_name}.html", theme)
        try:
            seen = page.evaluate(_READ_PAGE_JS)
            visit.theme_applied = seen["theme"]
            visit.title = seen["title"]
            visit.images = seen["images"]
            visit.text_contrast = page.evaluate(_TEXT_CONTRAST_JS)
            # Freeze what the page itself logged: axe-core's own stylesheet probing (it re-fetches
            # @import targets against the page URL) must not count as the page's errors.
            visit.console_errors = list(visit.console_errors)
            visit.page_errors = list(visit.page_errors)
            visit.failed_requests = list(visit.failed_requests)
            visit.axe = _run_axe(page)
        finally:
            page.close()
        self._visits[key] = visit
        return visit


def _describe(message: Any) -> str:
    location = message.location or {}
    return f"{message.text} @ {location.get('url', '')}:{location.get('lineNumber', '')}"


@functools.cache
def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def _run_axe(page: Any) -> dict[str, Any]:
    """Run the packaged axe-core (no download) on the whole page; WCAG 2.x A/AA rules plus best practice."""
    page.evaluate(_axe_script())
    options = {
        "runOnly": {"type": "tag", "values": [*WCAG_TAGS, "best-practice"]},
        "resultTypes": ["violations"],
    }
    return page.evaluate("options => axe.run(document, options)", options)
