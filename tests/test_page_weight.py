"""Page-weight budget: the bytes a reader downloads to see each page of the ToC.

Weight of a page = its HTML + every script and stylesheet it links (with CSS ``@import`` followed) +
its images + the web fonts its stylesheets declare (first ``src`` of each ``@font-face``, the woff2 the
browser picks). Font Awesome's regular and brands faces are counted only when the page's HTML or its
scripts use that icon style (``fa-regular``, ``fa-brands``): browsers fetch a font only for glyphs on
the page. Otherwise it is an upper bound of a cold first visit: nothing is assumed cached. Source maps
are not counted (only developer tools fetch them).

Budget: 1.5 MB per page. Why: a chapter is mostly text plus a few PNG charts (about 100-200 kB each
at 150 dpi); 1.5 MB keeps a page usable on a slow mobile connection (about 4 s at 3 Mbit/s) and leaves
room for a few charts on top of the theme's fixed cost (about 1.07 MB measured: CSS, Bootstrap, icon
fonts, search index) once its unused 1.4 MB fontawesome.js is dropped (``_templates/layout.html``).
Pages with interactive widgets (their HTML holds a Jupyter widget state) have their own budget,
``WIDGET_PAGE_BUDGET`` = 6 MB: they must also load the widget manager that renders widgets offline
(``@jupyter-widgets/html-manager``'s ``embed-amd.js``, about 3.6 MB, plus require.js; it cannot be split)
and carry the precomputed widget views in the page (about 0.5 MB for the survey explorer). Only pages
with widgets load it. Any other page above budget must be listed in ``OVER_BUDGET`` with its reason.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bookhelpers import toc_pages

pytestmark = pytest.mark.book

REPO = Path(__file__).resolve().parents[1]
BUDGET = 1_500_000  # bytes per page
WIDGET_PAGE_BUDGET = 6_000_000  # bytes per page that embeds Jupyter widgets (see the module docstring)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# {page: (limit in bytes, reason)} for pages allowed above BUDGET. Empty today.
OVER_BUDGET: dict[str, tuple[int, str]] = {}

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]([^'"]+)['"]""")
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.styles.append(a["href"])
        elif tag == "link" and a.get("rel") == "preload" and a.get("href"):
            self.scripts.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.images.append(a["src"])


def _local(base: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (base.parent / unquote(parts.path)).resolve()


def font_needed(face: str, page_text: str) -> bool:
    """Whether a page needs the font of an ``@font-face`` block (Font Awesome styles only if used)."""
    if "Font Awesome" not in face:
        return True
    if "Brands" in face:
        return "fa-brands" in page_text
    if re.search(r"font-weight:\s*400", face):
        return "fa-regular" in page_text
    return True


def _stylesheet_files(css: Path, seen: set[Path], page_text: str = "") -> None:
    """Add ``css``, its @imports and the files of the @font-face blocks it needs (first src) to ``seen``."""
    if css in seen or not css.is_file():
        return
    seen.add(css)
    text = css.read_text(encoding="utf-8", errors="replace")
    for target in CSS_IMPORT.findall(text):
        path = _local(css, target)
        if path is not None:
            _stylesheet_files(path, seen, page_text)
    for block in FONT_FACE.findall(text):
        if not font_needed(block, page_text):
            continue
        first = CSS_URL.search(block)
        path = _local(css, first.group(1)) if first else None
        if path is not None and path.is_file():
            seen.add(path)


def page_files(html: Path) -> set[Path]:
    """Every local file a browser needs to show ``html`` (see the module docstring)."""
    parser = _Assets()
    parser.feed(html.read_text(encoding="utf-8"))
    files = {html.resolve()}
    for url in parser.scripts + parser.images:
        path = _local(html, url)
        if path is not None and path.is_file():
            files.add(path)
    page_text = "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in files if p.suffix in {".html", ".js"}
    )
    for url in parser.styles:
        path = _local(html, url)
        if path is not None:
            _stylesheet_files(path, files, page_text)
    return files


def page_weight(html: Path) -> int:
    return sum(p.stat().st_size for p in page_files(html))


def test_icon_fonts_count_only_when_their_style_is_used() -> None:
    brands = 'font-family:"Font Awesome 6 Brands";font-weight:400;src:url(b.woff2)'
    regular = 'font-family:"Font Awesome 6 Free";font-weight:400;src:url(r.woff2)'
    solid = 'font-family:"Font Awesome 6 Free";font-weight:900;src:url(s.woff2)'
    assert not font_needed(brands, '<i class="fa-solid fa-sun">') and font_needed(
        brands, "fa-brands fa-github"
    )
    assert not font_needed(regular, "fa-solid") and font_needed(regular, "fa-regular fa-copy")
    assert font_needed(solid, "") and font_needed('font-family:"Lato";src:url(l.woff2)', "")


def test_weight_counts_html_scripts_css_imports_fonts_and_images(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.css").write_text('@import "b.css"; body{}', encoding="utf-8")
    (tmp_path / "s" / "b.css").write_text(
        '@font-face{src:url(f.woff2) format("woff2"),url(f.ttf) format("truetype")}', encoding="utf-8"
    )
    (tmp_path / "s" / "f.woff2").write_bytes(b"x" * 1000)
    (tmp_path / "s" / "f.ttf").write_bytes(b"x" * 5000)
    (tmp_path / "s" / "j.js").write_bytes(b"x" * 300)
    (tmp_path / "i.png").write_bytes(b"x" * 70)
    html = tmp_path / "p.html"
    html.write_text(
        '<link rel="stylesheet" href="s/a.css?v=1"><script src="s/j.js"></script><img src="i.png">'
        '<script src="https://cdn.example/x.js"></script>',
        encoding="utf-8",
    )
    expected = (
        sum(p.stat().st_size for p in (html, tmp_path / "s" / "a.css", tmp_path / "s" / "b.css")) + 1370
    )
    assert page_weight(html) == expected


@pytest.mark.parametrize("page", toc_pages())
def test_page_weight_within_budget(
    site: Path, built_book: Path, page: str, record_property: pytest.RecordProperty
) -> None:
    if page not in toc_pages(built_book):
        pytest.skip(f"{page} was added to _toc.yml after this session's build copy was taken")
    html = site / f"{page}.html"
    weight = page_weight(html)
    record_property("bytes", weight)
    print(f"page weight {page}: {weight} bytes")
    default = (BUDGET, "default budget")
    if WIDGET_STATE in html.read_text(encoding="utf-8"):
        default = (WIDGET_PAGE_BUDGET, "page with widgets: widget manager bundle")
    limit, reason = OVER_BUDGET.get(page, default)
    biggest = sorted(page_files(html), key=lambda p: -p.stat().st_size)[:5]
    assert weight <= limit, f"{page}: {weight:,} bytes > {limit:,} ({reason}); largest files: " + ", ".join(
        f"{p.name} {p.stat().st_size:,}" for p in biggest
    )


def test_unused_theme_assets_are_not_loaded(site: Path, built_book: Path) -> None:
    """The fixes that keep pages light stay in place: no fontawesome.js, no sphinx-thebe."""
    for page in toc_pages(built_book):
        names = {p.name for p in page_files(site / f"{page}.html")}
        assert "fontawesome.js" not in names, page
        assert not any("thebe" in n for n in names), page
