"""The PDF edition (``scripts/pdf.sh``), read back with pypdf.

Builds a copy of the session's built book (its notebooks come from the cache) with the documented
command, which installs Debian's TeX Live through apt when it is missing, then checks what a reader
and a librarian would: document title and author (from ``_config.yml``), one bookmark per chapter in
ToC order (titles read from the chapter files), every font embedded, no unresolved reference, the
study's citation on the title page, provenance labels as words, the tables as text, the explorer
replaced by a pointer to the website, and every number glued into the survey chapter's HTML present
in the PDF's text. Slow (minutes) and needs apt on a fresh machine: marked ``pdf``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from bookhelpers import REPO

pypdf = pytest.importorskip("pypdf")

pytestmark = [pytest.mark.book, pytest.mark.pdf]

PDF = "_build/latex/ccg-leadership-edition.pdf"


@pytest.fixture(scope="module")
def pdf_book(built_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("pdf") / "book"
    shutil.copytree(built_book, book, symlinks=True)
    result = subprocess.run(
        [str(REPO / "scripts" / "pdf.sh"), "--book", str(book)],
        capture_output=True,
        text=True,
        timeout=1800,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith("CCG_")},
        check=False,
    )
    (book / "pdf.log").write_text(result.stdout + "\n--- stderr ---\n" + result.stderr, encoding="utf-8")
    assert result.returncode == 0, f"scripts/pdf.sh failed; log {book / 'pdf.log'}\n{result.stderr[-4000:]}"
    return book


@pytest.fixture(scope="module")
def reader(pdf_book: Path) -> Any:
    return pypdf.PdfReader(pdf_book / PDF)


@pytest.fixture(scope="module")
def text(reader: Any) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def tokens(text: str) -> list[str]:
    """Words and numbers (decimals kept whole, sentence-ending dots dropped)."""
    return re.findall(r"\w+(?:[.,]\w+)*", text)


def _flat(text: str) -> str:
    return " ".join(text.split())


def chapter_titles(book: Path) -> list[str]:
    """The H1 of every top-level ToC entry, read from the chapter files."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    files = [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
    titles = []
    for name in files:
        source = (book / f"{name}.md").read_text(encoding="utf-8")
        titles.append(re.search(r"^# (.+)$", source, re.M).group(1).strip())
    return titles


def test_metadata_is_the_books_title_and_author(reader: Any, pdf_book: Path) -> None:
    config = yaml.safe_load((pdf_book / "_config.yml").read_text(encoding="utf-8"))
    assert reader.metadata.title == config["title"]
    assert reader.metadata.author == config["author"]


def test_outline_has_one_bookmark_per_chapter_in_order(reader: Any, pdf_book: Path) -> None:
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    expected = chapter_titles(pdf_book)
    # after the chapters, Sphinx's LaTeX writer prints the cited works ("References") and, since the
    # glossary's terms are index entries, the general index ("Index")
    assert top[: len(expected)] == expected and top[len(expected) :] == ["References", "Index"], top
    pages = [reader.get_destination_page_number(i) for i in reader.outline if not isinstance(i, list)]
    assert pages == sorted(pages)


def test_every_font_is_embedded(reader: Any) -> None:
    missing = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            if not embedded:
                missing.add(str(font.get("/BaseFont")))
    assert not missing


def test_no_unresolved_reference_or_raw_output(text: str) -> None:
    assert "??" not in text
    assert "IPython.core.display" not in text
    assert not re.search(r"\b(VBox|HBox|Dropdown)\(", text)


def test_reads_as_the_report_edition(text: str, reader: Any) -> None:
    front = _flat(reader.pages[0].extract_text())
    assert "Storey" in front and "doi:10.3310/hsdr06020" in front
    flat = _flat(text)
    assert "Computed from reconstructed data" in flat
    assert "Reported by the study" in flat
    assert "Table behind the figure" in flat
    assert "is not reproduced in the PDF edition" in flat  # the explorer, pointing to the site
    assert "Case 8" in flat and "Bibliography" in flat


def test_glued_numbers_of_the_survey_chapter_match_the_html(text: str, pdf_book: Path) -> None:
    html = (pdf_book / "_build/html/chapters/03-survey-findings.html").read_text(encoding="utf-8")
    glued = Counter(re.findall(r'<span class="pasted-text">([^<]+)</span>', html))
    assert sum(glued.values()) > 20
    words = Counter(tokens(text))
    absent = {value: n for value, n in glued.items() if any(words[t] < n for t in tokens(value))}
    assert not absent, f"glued values of the HTML missing from the PDF (value: times in HTML): {absent}"
