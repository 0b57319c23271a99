"""The built site served under a sub-path, as GitHub Pages serves it (``https://OWNER.github.io/REPO/``).

A local server answers only below ``/ccg-book/`` (anything else is a 404), so a link, asset, chart or
script addressed from the server root instead of relative to the page fails here. Every ToC page is
opened in Chromium and must load with no failed request, console error or request outside the prefix;
every link and asset the pages name is then fetched under the prefix; the explorer's controls, the
search page and the root redirect must work there too.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from sitecheck import PAGES, SiteBrowser, _QuietHandler

pytestmark = [pytest.mark.book, pytest.mark.browser]

PREFIX = "/ccg-book/"


class _PrefixHandler(_QuietHandler):
    """Serve the site folder only under ``PREFIX``; every other path is outside the site (404)."""

    def translate_path(self, path: str) -> str:
        route = urlsplit(path).path
        if not route.startswith(PREFIX):
            return str(Path(self.directory) / ".outside-the-prefix" / "missing")
        return super().translate_path(route[len(PREFIX) - 1 :])


@pytest.fixture(scope="module")
def prefixed_url(site: Path) -> Iterator[str]:
    """Serve ``site`` at ``http://127.0.0.1:PORT/ccg-book/`` for this module; yields that URL."""
    handler = functools.partial(_PrefixHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def prefixed_browser(browser_context: Any, prefixed_url: str) -> SiteBrowser:
    return SiteBrowser(browser_context, prefixed_url)


def test_the_server_really_hides_the_root(browser_context: Any, prefixed_url: str) -> None:
    """The check is only meaningful if root-relative addresses fail: they must 404 here."""
    root = prefixed_url.removesuffix(PREFIX)
    assert browser_context.request.get(f"{root}/index.html").status == 404
    assert browser_context.request.get(f"{root}/_static/ccg.css").status == 404
    assert browser_context.request.get(f"{prefixed_url}_static/ccg.css").status == 200


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_under_the_prefix(prefixed_browser: SiteBrowser, page: str) -> None:
    visit = prefixed_browser.visit(page, "light")
    assert visit.status == 200, f"{page}: HTTP {visit.status}"
    assert not visit.failed_requests, f"{page}: failed requests under {PREFIX}: {visit.failed_requests}"
    assert not visit.foreign_requests, f"{page}: requests outside {PREFIX}: {visit.foreign_requests}"
    assert not visit.page_errors, f"{page}: script errors {visit.page_errors}"
    assert not visit.console_errors, f"{page}: console errors {visit.console_errors}"
    for image in visit.images:
        assert image["src"].startswith(prefixed_browser.base_url), image["src"]
        assert image["complete"] and image["natural_width"] > 0, f"{page}: {image['src']} did not load"


class _References(HTMLParser):
    """Collect every href/src a page names."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.found.add(value)


def test_every_link_and_asset_resolves_under_the_prefix(
    browser_context: Any, prefixed_url: str, site: Path
) -> None:
    """Fetch each internal address the ToC pages name (links, downloads, styles, scripts, images)."""
    addresses: dict[str, str] = {}
    for page in PAGES:
        parser = _References()
        parser.feed((site / f"{page}.html").read_text(encoding="utf-8"))
        page_url = f"{prefixed_url}{page}.html"
        for reference in parser.found:
            if urlsplit(reference).scheme or reference.startswith(("#", "//")):
                continue  # external (never fetched: tests stay offline) or an anchor on the same page
            absolute = urljoin(page_url, reference).split("#", 1)[0]
            addresses.setdefault(absolute, page)
    assert len(addresses) > len(PAGES)
    broken = []
    for address, page in sorted(addresses.items()):
        status = browser_context.request.get(address).status if address.startswith(prefixed_url) else 0
        if status != 200:
            broken.append(f"{page}: {address} -> {status or 'outside ' + PREFIX}")
    assert not broken, "\n".join(broken)


def test_root_redirects_to_the_front_page_under_the_prefix(prefixed_browser: SiteBrowser) -> None:
    page, visit = prefixed_browser.open("", "light")
    try:
        page.wait_for_url(f"{prefixed_browser.base_url}chapters/index.html")
        assert not visit.failed_requests and not visit.foreign_requests
    finally:
        page.close()


def test_explorer_works_under_the_prefix(prefixed_browser: SiteBrowser) -> None:
    page, visit = prefixed_browser.open("chapters/03-survey-explorer.html", "light")
    try:
        page.wait_for_selector(".widget-dropdown select", timeout=60_000)
        caption = page.locator(".ccg-view:visible caption")
        first = caption.inner_text()
        page.locator(".widget-dropdown select").nth(0).select_option(index=1)
        page.wait_for_timeout(200)
        assert caption.inner_text() != first
        assert not visit.failed_requests, visit.failed_requests
        assert not visit.foreign_requests, visit.foreign_requests
        assert not visit.console_errors and not visit.page_errors
    finally:
        page.close()


def test_search_works_under_the_prefix(prefixed_browser: SiteBrowser) -> None:
    page, visit = prefixed_browser.open("search.html?q=leadership", "light")
    try:
        results = page.locator("#search-results li a")
        results.first.wait_for(timeout=30_000)
        assert results.count() > 0
        assert results.first.evaluate("a => a.href").startswith(prefixed_browser.base_url)
        assert not visit.failed_requests and not visit.foreign_requests
    finally:
        page.close()
