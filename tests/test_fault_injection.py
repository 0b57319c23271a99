"""Failure is loud: break one cell of a chapter in a temporary copy; the build must fail and say where.

The copy is the session's book with its ``_build`` (execution cache included), so only the broken
chapter is executed again. The chapter broken is the first chapter of the ToC (after the front page)
that has a code cell, so the test follows the book as it grows. Its first code cell gets an extra last
line that raises; the build output must name the chapter's file and show that cell (its source and the
error).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from bookhelpers import build

pytestmark = pytest.mark.book


FAULT = "raise RuntimeError('fault injected by tests/test_fault_injection.py')"
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(?P<body>.*?)^```\s*$", re.S | re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def first_chapter_with_code(book: Path) -> Path:
    """The first ToC chapter (not the root page) whose source has a code cell."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(str(entry["file"]).removesuffix(".md"))
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    for name in names:
        path = book / f"{name}.md"
        if path.is_file() and CODE_CELL.search(path.read_text(encoding="utf-8")):
            return path
    raise AssertionError("no chapter with a code cell in _toc.yml")


def break_first_cell(chapter: Path) -> str:
    """Append a raising line to the chapter's first code cell; return that cell's first code line."""
    text = chapter.read_text(encoding="utf-8")
    cell = CODE_CELL.search(text)
    assert cell is not None
    body = cell.group("body")
    first_code = next(
        line for line in body.splitlines() if line.strip() and not line.lstrip().startswith((":", "#"))
    )
    end = cell.end("body")
    chapter.write_text(text[:end] + FAULT + "\n" + text[end:], encoding="utf-8")
    return first_code.strip()


def test_break_first_cell_edits_only_that_cell(tmp_path: Path) -> None:
    chapter = tmp_path / "c.md"
    chapter.write_text(
        "# T\n\n```{code-cell} ipython3\n:tags: [remove-cell]\nx = 1\n```\n\ntext\n\n"
        "```{code-cell} ipython3\ny = 2\n```\n",
        encoding="utf-8",
    )
    assert break_first_cell(chapter) == "x = 1"
    cells = CODE_CELL.findall(chapter.read_text(encoding="utf-8"))
    assert FAULT in cells[0] and FAULT not in cells[1]


@pytest.fixture(scope="module")
def broken_build(built_book: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, object]:
    # A copy of the session's book with its _build (execution cache included), taken from the session copy
    # rather than the working tree so that the only difference is the injected fault.
    book = tmp_path_factory.mktemp("fault") / "book"
    shutil.copytree(built_book, book, ignore=shutil.ignore_patterns("build.log", "__pycache__"))
    chapter = first_chapter_with_code(book)
    first_code = break_first_cell(chapter)
    result = build(book, "--jobs", "1")
    return chapter.relative_to(book), first_code, result


def test_broken_cell_fails_the_build(broken_build: tuple[Path, str, object]) -> None:
    _, _, result = broken_build
    assert result.returncode != 0, "the build succeeded although a cell raised"


def test_failure_names_the_chapter_and_the_cell(broken_build: tuple[Path, str, object]) -> None:
    chapter, first_code, result = broken_build
    output = ANSI.sub("", result.stdout + result.stderr)
    assert str(chapter.with_suffix("")) in output, f"the output does not name {chapter}"
    assert "CellExecutionError" in output, "the output does not say a cell failed"
    assert first_code in output, f"the output does not show the failing cell (expected {first_code!r})"
    assert "fault injected by tests/test_fault_injection.py" in output, "the cell's error is not shown"
