"""A ToC entry naming a missing page fails the build with a message naming ``_toc.yml`` and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from bookhelpers import copy_book, stock_build

from ccg_book.toc_check import missing_pages

SUFFIXES = [".md", ".ipynb"]


def small_book(root: Path, entries: list[str]) -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "index.md").write_text("# Index\n", encoding="utf-8")
    (root / "chapters" / "a.md").write_text("# A\n", encoding="utf-8")
    (root / "chapters" / "b.ipynb").write_text("{}", encoding="utf-8")
    lines = ["format: jb-book", "root: chapters/index", "chapters:"]
    lines += [f"  - file: {entry}" for entry in entries]
    (root / "_toc.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_existing_pages_with_either_suffix_pass(tmp_path: Path) -> None:
    book = small_book(tmp_path, ["chapters/a", "chapters/b.ipynb"])
    assert missing_pages(book / "_toc.yml", book, SUFFIXES) == []


def test_a_missing_page_names_the_toc_file_line_and_entry(tmp_path: Path) -> None:
    book = small_book(tmp_path, ["chapters/a", "chapters/typo", "chapters/b"])
    toc = book / "_toc.yml"
    assert missing_pages(toc, book, SUFFIXES) == [
        f"{toc}: line 5: the entry 'chapters/typo' names no page "
        "(none of chapters/typo.md, chapters/typo.ipynb exists)"
    ]


@pytest.mark.book
def test_stock_build_stops_on_a_missing_chapter_naming_the_toc(tmp_path: Path) -> None:
    book = copy_book(tmp_path / "book")
    toc = book / "_toc.yml"
    text = toc.read_text(encoding="utf-8")
    anchor = "      - file: chapters/06-conclusions\n"
    assert anchor in text
    toc.write_text(text.replace(anchor, anchor + "      - file: chapters/07-missing\n"), encoding="utf-8")
    line = text[: text.index(anchor)].count("\n") + 2
    result = stock_build(book)
    assert result.returncode != 0
    assert f"{toc}: line {line}: the entry 'chapters/07-missing' names no page" in result.stderr
    assert list((book / "_build" / "html").rglob("*.html")) == []  # stopped before writing a page
