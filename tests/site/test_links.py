"""Offline link check over the built HTML: every internal link, anchor and asset reference resolves.

Sphinx's nitpicky mode (the strict build) already fails on unresolved cross-references; this checks
what actually landed in the HTML, including theme templates, glued output and generated pages.
External links (http, https, mailto) are not fetched: tests never use the network.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.book

LINK_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
}
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "data", "javascript"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(str(values[key]))
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and values.get(attribute) is not None:
            self.links.append((tag, str(values[attribute])))


def _parse(path: Path, cache: dict[Path, _Collector]) -> _Collector:
    if path not in cache:
        collector = _Collector()
        collector.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = collector
    return cache[path]


def broken_links(site: Path) -> list[str]:
    """Every internal reference in ``site``'s HTML whose file or anchor does not exist."""
    cache: dict[Path, _Collector] = {}
    problems: list[str] = []
    root = site.resolve()
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.relative_to(site).parts:
            continue  # theme-internal template fragments (e.g. webpack-macros.html) are not pages
        for tag, url in _parse(page, cache).links:
            parts = urlsplit(url)
            if parts.scheme in EXTERNAL_SCHEMES or (parts.scheme == "" and parts.netloc):
                continue
            where = f"{page.relative_to(site)}: <{tag}> {url}"
            if parts.scheme:
                problems.append(f"{where} (scheme {parts.scheme!r} points outside the site)")
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(root):
                problems.append(f"{where} (leaves the site)")
            elif not target.is_file():
                problems.append(f"{where} (no such file)")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in _parse(target, cache).ids
            ):
                problems.append(f"{where} (no anchor #{parts.fragment})")
    return problems


def test_checker_finds_broken_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text(
        '<a href="sub/b.html#here">ok</a><a href="sub/b.html#gone">bad anchor</a>'
        '<a href="missing.html">bad file</a><img src="sub/pic.png"><a href="https://example.org/x">ext</a>'
        '<a href="#top">self</a><a id="top"></a><a href="file:///etc/passwd">local</a>',
        encoding="utf-8",
    )
    (tmp_path / "sub" / "b.html").write_text(
        '<h2 id="here">x</h2><a href="../a.html">back</a>', encoding="utf-8"
    )
    problems = broken_links(tmp_path)
    assert any("#gone" in p for p in problems)
    assert any("missing.html" in p for p in problems)
    assert any("sub/pic.png" in p for p in problems)
    assert any("file:///etc/passwd" in p for p in problems)
    assert len(problems) == 4, problems


def test_no_broken_internal_links_or_anchors(site: Path) -> None:
    problems = broken_links(site)
    assert not problems, f"{len(problems)} broken internal references:\n" + "\n".join(problems[:50])


def test_no_build_machine_paths_in_pages(site: Path, built_book: Path) -> None:
    """No page leaks the absolute path it was built in (it would break reproducibility and privacy)."""
    leaks = [
        str(page.relative_to(site))
        for page in site.rglob("*.html")
        if str(built_book) in page.read_text(encoding="utf-8", errors="replace")
    ]
    assert not leaks, f"pages containing the build directory {built_book}: {leaks}"


def test_root_page_is_an_accessible_redirect(site: Path) -> None:
    """The site's index.html (a redirect to the book's root page) has a language, a title, a heading and
    a plain link, so it works and reads correctly even where redirects are blocked."""
    html = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*\blang="[a-z]', html), "no language on the root page"
    assert re.search(r"<title>[^<]+</title>", html), "no title on the root page"
    assert re.search(r"<h1>[^<]+</h1>", html), "no heading on the root page"
    link = re.search(r'<a href="([^"]+)"', html)
    assert link and (site / link.group(1)).is_file(), "the root page does not link to the book"
