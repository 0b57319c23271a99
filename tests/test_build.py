"""The whole book builds strictly, and the built pages hold what a reader needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bookhelpers import toc_pages

pytestmark = pytest.mark.book


def test_every_toc_page_is_built(repo: Path, site: Path) -> None:
    missing = [p for p in toc_pages(repo) if not (site / f"{p}.html").is_file()]
    assert not missing, f"pages in _toc.yml with no HTML: {missing}"
    assert (site / "index.html").is_file()


def test_no_unresolved_glue_or_roles(repo: Path, site: Path) -> None:
    for page in toc_pages(repo):
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        for leftover in ("{glue:", "{numref}", "{ref}", "{cite:", "glue:text", "problematic"):
            assert leftover not in html, f"{page}: unresolved {leftover!r}"


def test_no_error_or_stderr_output(repo: Path, site: Path) -> None:
    for page in toc_pages(repo):
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        assert "output stderr" not in html, f"{page}: a cell wrote to stderr"
        assert "output traceback" not in html, f"{page}: a cell raised"
        assert "system-message" not in html, f"{page}: a docutils error is shown"


def test_bibliography_renders_report_entry(site: Path) -> None:
    html = (site / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    assert "Clinical leadership in service redesign" in html
    assert "10.3310/hsdr06020" in html


def test_chapter2_figure_is_numbered_with_alt_text(site: Path) -> None:
    html = (site / "chapters" / "02-design-and-methods.html").read_text(encoding="utf-8")
    figures = re.findall(r"<figure.*?</figure>", html, flags=re.S)
    assert figures, "chapter 2 has no figure"
    for figure in figures:
        alt = re.search(r'<svg[^>]*role="img" aria-label="([^"]*)"', figure)
        assert alt and len(alt.group(1)) > 40, "figure without meaningful alt text"
        assert re.search(r'caption-number">Fig\. 2\.\d', figure), "figure caption is not numbered"


def test_front_page_explains_provenance_labels(site: Path) -> None:
    html = (site / "chapters" / "index.html").read_text(encoding="utf-8")
    for label in (
        "Reported by the study",
        "Computed from reconstructed data",
        "Illustrative, not from the study",
    ):
        assert label in html
