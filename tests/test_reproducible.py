"""Reproducible build: a second clean build, of a copy in another directory, gives the same site.

The session build (``built_book``) is made by the project's entry point (``scripts/build.sh``'s
``python -m ccg_book.build``, with warm kernels); the second by the documented stock command,
``jupyter-book build . -W -n --keep-going`` (ordinary kernels, none of the entry point's speed-ups),
of a fresh copy made from scratch (no execution cache, no doctrees) in a directory with a different
path, so that leaked absolute paths show up too. Every HTML page and image is compared after masking
the execution facts, and then every other file of the site byte for byte, the search index's
numeric terms (words of the execution table) aside.

What makes the build deterministic (see ccg_book.book_environment and ccg_leadership.style): a fixed
``SOURCE_DATE_EPOCH`` (dates Sphinx prints), ``PYTHONHASHSEED=0`` (set ordering), seeded random
generation in the data reconstruction, content-hashed image names, matplotlib PNGs without a time
stamp and SVGs with a fixed ``svg.hashsalt``.

What cannot be made identical, and is masked before comparing (and only there):
- the execution-status table (``{nb-exec-table}``, Appendix D) reports when each notebook was executed
  and how long it took; those are facts about a particular build, different every time by design.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest
from bookhelpers import build, stock_build

pytestmark = pytest.mark.book


COMPARED_SUFFIXES = {".html", ".png", ".svg", ".jpg", ".jpeg", ".gif"}
_EXEC_TABLE = re.compile(r"<table[^>]*>(?:(?!</table>).)*Run Time \(s\)(?:(?!</table>).)*</table>", re.S)
_TIMESTAMP = re.compile(r"<td><p>\d{4}-\d\d-\d\d \d\d:\d\d</p></td>")
_SECONDS = re.compile(r"<td><p>\d+(?:\.\d+)?</p></td>")


def mask_build_facts(html: str) -> str:
    """Blank the per-build timestamps and run times of execution-status tables."""

    def one(match: re.Match[str]) -> str:
        table = _TIMESTAMP.sub("<td><p>[executed at]</p></td>", match.group(0))
        return _SECONDS.sub("<td><p>[seconds]</p></td>", table)

    return _EXEC_TABLE.sub(one, html)


def site_files(site: Path) -> dict[str, Path]:
    """Compared files of a built site, keyed by path relative to the site root."""
    return {
        str(p.relative_to(site)): p
        for p in sorted(site.rglob("*"))
        if p.is_file()
        and p.suffix.lower() in COMPARED_SUFFIXES
        and "_static" not in p.relative_to(site).parts
    }


_ASSET_CHECKSUM = re.compile(r"\?v=[0-9a-f]{8}\b")


def without_asset_checksums(html: str) -> str:
    """Drop the ``?v=<checksum>`` Sphinx appends to an asset's URL when the asset is already in the
    output folder as the page is written: true on a rebuild, not for assets a cold build copies late."""
    return _ASSET_CHECKSUM.sub("", html)


def differences(first: Path, second: Path, normalise=lambda html: html) -> list[str]:
    """Human-readable differences between two built sites (empty when they are identical)."""
    a, b = site_files(first), site_files(second)
    problems = [f"only in the first build: {k}" for k in sorted(a.keys() - b.keys())]
    problems += [f"only in the second build: {k}" for k in sorted(b.keys() - a.keys())]
    for key in sorted(a.keys() & b.keys()):
        left, right = a[key].read_bytes(), b[key].read_bytes()
        if key.endswith(".html"):
            left_text = normalise(mask_build_facts(left.decode("utf-8")))
            right_text = normalise(mask_build_facts(right.decode("utf-8")))
            if left_text != right_text:
                diff = difflib.unified_diff(
                    left_text.splitlines(), right_text.splitlines(), "first", "second", n=0, lineterm=""
                )
                problems.append(f"{key} differs:\n" + "\n".join(list(diff)[:12]))
        elif left != right:
            problems.append(f"{key} differs ({len(left)} vs {len(right)} bytes)")
    return problems


def test_mask_hides_only_execution_facts() -> None:
    table = (
        "<table><tr><th>Run Time (s)</th></tr><tr><td><p>2026-11-27 16:24</p></td><td><p>7.2</p></td>"
        "<td><p>cache</p></td></tr></table>"
    )
    masked = mask_build_facts(table + "<table><tr><td><p>7.2</p></td></tr></table>")
    assert "16:24" not in masked and "[seconds]" in masked and "cache" in masked
    assert masked.endswith("<td><p>7.2</p></td></tr></table>"), "a table without run times was masked"


def test_differences_reports_changed_and_missing_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for site in (first, second):
        (site / "_images").mkdir(parents=True)
        (site / "p.html").write_text("<p>same</p>", encoding="utf-8")
    (first / "_images" / "f.png").write_bytes(b"1")
    (second / "_images" / "f.png").write_bytes(b"2")
    (first / "q.html").write_text("x", encoding="utf-8")
    found = differences(first, second)
    assert len(found) == 2 and any("f.png" in f for f in found) and any("q.html" in f for f in found)


@pytest.fixture(scope="session")
def second_build(built_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session build's sources, copied to a differently named directory, built by stock jupyter-book.

    Copied from the session's copy (not from the working tree, which may have changed since), without
    its ``_build``: no execution cache, no doctrees; the generated case pages are removed too, so the
    stock build generates them itself. Stock jupyter-book uses ordinary kernels where the session build
    used warm ones: so the comparison also proves that forked kernels change nothing.
    """
    book = tmp_path_factory.mktemp("rebuilt") / "second-copy-of-the-book"
    ignore = shutil.ignore_patterns("_build", "build.log", "__pycache__", "case-*.md")
    shutil.copytree(built_book, book, symlinks=True, ignore=ignore)
    result = stock_build(book)
    (book / "build.log").write_text(result.stdout + "\n--- stderr ---\n" + result.stderr, encoding="utf-8")
    if "warm kernels" in result.stdout:
        pytest.fail("a stock build started warm kernels")
    if result.returncode != 0:
        pytest.fail(f"stock build failed (rc={result.returncode}):\n{result.stderr[-3000:]}")
    return book / "_build" / "html"


def test_two_clean_builds_are_identical(built_book: Path, site: Path, second_build: Path) -> None:
    assert "warm kernels: started" in (built_book / "build.log").read_text(encoding="utf-8")
    problems = differences(site, second_build)
    assert not problems, f"{len(problems)} differences between two clean builds:\n" + "\n\n".join(
        problems[:20]
    )
    assert site_files(site), "nothing was compared"


def searchindex_without_numbers(path: Path) -> dict:
    """The search index's data, without the terms that are numbers (the execution table's times)."""
    text = path.read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    index["terms"] = {k: v for k, v in index["terms"].items() if not re.fullmatch(r"[\d.]+", k)}
    return index


def test_stock_jupyter_book_builds_the_same_files_byte_for_byte(site: Path, second_build: Path) -> None:
    """Every file of the two sites (scripts, styles, fonts, .buildinfo, ...), not only pages and images."""
    first = {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(second_build).as_posix(): p for p in second_build.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    masked = set(site_files(site)) | {"searchindex.js"}  # compared with masks above and below
    differing = [
        k for k in sorted(first) if k not in masked and first[k].read_bytes() != second[k].read_bytes()
    ]
    assert differing == []
    assert searchindex_without_numbers(site / "searchindex.js") == searchindex_without_numbers(
        second_build / "searchindex.js"
    )


def test_a_rebuild_from_the_execution_cache_gives_the_same_site(
    built_book: Path, site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every page re-read with notebooks taken from jupyter-cache (stored with sorted keys), not executed."""
    book = tmp_path_factory.mktemp("cached") / "book"
    ignore = shutil.ignore_patterns("build.log", "__pycache__")
    shutil.copytree(built_book, book, symlinks=True, ignore=ignore)
    result = build(book, "--all")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "executed notebooks: 0" in result.stdout
    problems = differences(site, book / "_build" / "html", normalise=without_asset_checksums)
    assert not problems, "a rebuild from the cache differs:\n" + "\n\n".join(problems[:10])
