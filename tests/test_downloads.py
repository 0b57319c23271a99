"""Downloads for analysts (Appendix A): the data archive, executed notebooks and MyST sources.

Oracles: the files under the book's ``data/`` folder and the chapter sources themselves (read
directly), the ToC, and nbformat's own reader and validator for the notebooks.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
import yaml
from bookhelpers import REPO, build, toc_pages

from ccg_book import downloads

APPENDIX = "chapters/appendix-a-data"


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def front_matter(source: Path) -> dict:
    text = source.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return yaml.safe_load(match.group(1)) if match else {}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and "downloads/" in href:
            self.hrefs.append(href)


@pytest.fixture(scope="module")
def appendix_links(site: Path) -> dict[str, Path]:
    """The download links of Appendix A, each resolved (relative to the page) to a file of the site."""
    parser = _Links()
    parser.feed((site / f"{APPENDIX}.html").read_text(encoding="utf-8"))
    page_dir = (site / APPENDIX).parent
    return {href: (page_dir / href).resolve() for href in parser.hrefs}


def test_archive_is_reproducible_and_holds_every_data_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    downloads.write_archive(REPO, first)
    downloads.write_archive(REPO, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        unpacked = {name: hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()}
    assert unpacked == {f"data/{k}": v for k, v in tree_digest(REPO / "data").items()}


@pytest.mark.book
def test_links_are_relative_and_resolve_inside_the_site(appendix_links: dict[str, Path], site: Path) -> None:
    assert appendix_links, "Appendix A offers no downloads"
    for href, target in appendix_links.items():
        assert not urlsplit(href).scheme and not href.startswith("/"), href
        assert target.is_file(), f"{href} -> {target} missing"
        assert target.is_relative_to(site.resolve())


@pytest.mark.book
def test_archive_unpacks_to_the_data_folder(appendix_links: dict[str, Path], built_book: Path) -> None:
    [archive] = [t for h, t in appendix_links.items() if h.endswith(".zip")]
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as unpacked:
        assert unpacked.testzip() is None
        contents = {n: hashlib.sha256(unpacked.read(n)).hexdigest() for n in unpacked.namelist()}
    expected = {f"data/{k}": v for k, v in tree_digest(built_book / "data").items()}
    assert contents == expected
    assert "data/README.md" in contents
    assert any(name.startswith("data/schema/") for name in contents)


@pytest.mark.book
def test_the_build_wrote_nothing_into_data(built_book: Path) -> None:
    assert tree_digest(built_book / "data") == tree_digest(REPO / "data")


@pytest.mark.book
def test_every_page_is_offered_as_source_and_every_notebook_with_outputs(
    appendix_links: dict[str, Path], built_book: Path, site: Path
) -> None:
    """Sources are the chapter files; notebooks are executed and carry the charts their pages show."""
    offered = {href.split("downloads/", 1)[1]: target for href, target in appendix_links.items()}
    with_outputs = 0
    for page in toc_pages(built_book):
        source = built_book / f"{page}.md"
        assert offered[f"{page}.md"].read_bytes() == source.read_bytes(), page
        if "kernelspec" not in front_matter(source):
            assert f"{page}.ipynb" not in offered, page
            continue
        notebook = nbformat.read(offered[f"{page}.ipynb"], as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert len(code) == source.read_text(encoding="utf-8").count("```{code-cell}"), page
        assert not [c for c in code if "_ccg_record_dependencies" in c.source], page
        assert all(c.execution_count for c in code), f"{page}: a code cell was not executed"
        outputs = [o for c in code for o in c.outputs]
        with_outputs += bool(outputs)
        charts = (site / f"{page}.html").read_text(encoding="utf-8").count('<svg class="ccg-chart-svg"')
        pngs = sum("image/png" in o.get("data", {}) for o in outputs)
        svgs = sum("ccg-chart-svg" in str(o.get("data", {}).get("text/html", "")) for o in outputs)
        if charts:
            assert pngs > 0, f"{page}: the page shows charts, its notebook has no image output"
            assert svgs > 0, f"{page}: the page shows charts, its notebook has no chart SVG"
    assert with_outputs >= 8


@pytest.mark.book
def test_a_built_pdf_edition_is_offered_and_copied(built_book: Path, site: Path, tmp_path: Path) -> None:
    """Without the PDF the appendix says how to make it; once scripts/pdf.sh has written it, a rebuild
    (the no-change check counts the PDF as an input) links it and copies it into the site."""
    assert "scripts/pdf.sh" in (site / f"{APPENDIX}.html").read_text(encoding="utf-8")
    assert not (site / downloads.FOLDER / downloads.PDF).exists()
    book = tmp_path / "book"
    shutil.copytree(built_book, book, symlinks=True)
    fake_pdf = b"%PDF-1.7\n% stand-in for the PDF edition\n"
    (book / downloads.PDF_BUILT).parent.mkdir(parents=True, exist_ok=True)
    (book / downloads.PDF_BUILT).write_bytes(fake_pdf)
    result = build(book)
    assert result.returncode == 0, result.stderr[-3000:]
    html = (book / "_build" / "html" / f"{APPENDIX}.html").read_text(encoding="utf-8")
    assert f'href="../{downloads.FOLDER}/{downloads.PDF}"' in html
    assert (book / "_build" / "html" / downloads.FOLDER / downloads.PDF).read_bytes() == fake_pdf
    # ... and every page's download menu offers it (a page that was not otherwise rewritten, too).
    intro = (book / "_build" / "html" / "chapters" / "01-introduction.html").read_text(encoding="utf-8")
    assert f'href="../{downloads.FOLDER}/{downloads.PDF}"' in intro
    assert "download-book-pdf-button" in intro
