"""The build entry point (``python -m ccg_book.build``) adds only speed to jupyter-book's own build.

Unit tests check the no-change short cut (what its signature follows, and that it never accepts a
build that did not finish) and the widget-asset copy; a ``book`` test builds a small probe book
through prose, configuration and code edits. That the entry point and a stock ``jupyter-book build``
make the same site is checked by tests/test_reproducible.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from bookhelpers import build, copy_book

from ccg_book import build as entry_point
from ccg_book import widget_assets


def small_book(root: Path) -> Path:
    """A folder with a few book-like files (no build)."""
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "a.md").write_text("# A\n", encoding="utf-8")
    (root / "_build" / "html").mkdir(parents=True)
    (root / "node_modules").mkdir()
    (root / ".gitignore").write_text("chapters/cases/case-*.md\n", encoding="utf-8")
    return root


def test_signature_follows_book_files_but_not_build_output_or_ignored_files(tmp_path: Path) -> None:
    book = small_book(tmp_path / "book")
    first = entry_point.input_signature(book, {})
    (book / "_build" / "html" / "page.html").write_text("output", encoding="utf-8")
    (book / "node_modules" / "x.js").write_text("pinned by package-lock.json", encoding="utf-8")
    (book / "chapters" / "cases").mkdir()
    (book / "chapters" / "cases" / "case-1.md").write_text("generated", encoding="utf-8")
    assert entry_point.input_signature(book, {}) == first
    (book / "chapters" / "a.md").write_text("# A, edited\n", encoding="utf-8")
    edited = entry_point.input_signature(book, {})
    assert edited != first
    assert entry_point.input_signature(book, {"CCG_X": "1"}) != edited


def test_no_change_short_cut_needs_a_stamp_of_the_same_inputs_and_the_output(tmp_path: Path) -> None:
    book = small_book(tmp_path / "book")
    signature = entry_point.input_signature(book, {})
    assert not entry_point.up_to_date(book, signature)  # never built
    for path in entry_point.OUTPUTS:
        (book / path).parent.mkdir(parents=True, exist_ok=True)
        (book / path).write_text("x", encoding="utf-8")
    assert not entry_point.up_to_date(book, signature)  # output there, but no successful build stamped
    (book / entry_point.STAMP).parent.mkdir(parents=True)
    (book / entry_point.STAMP).write_text(signature + "\n", encoding="utf-8")
    assert entry_point.up_to_date(book, signature)
    assert not entry_point.up_to_date(book, "another signature")
    (book / entry_point.OUTPUTS[0]).unlink()
    assert not entry_point.up_to_date(book, signature)


@pytest.mark.book
def test_a_failed_build_leaves_no_stamp(tmp_path: Path) -> None:
    """A build that fails (here: at the first step, a broken configuration) is never short-cut later."""
    book = copy_book(tmp_path / "book")
    (book / entry_point.STAMP).parent.mkdir(parents=True)
    (book / entry_point.STAMP).write_text("stale\n", encoding="utf-8")
    config = book / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nsphinx: [not, a, mapping]\n", encoding="utf-8")
    result = build(book)
    assert result.returncode != 0
    assert not (book / entry_point.STAMP).exists()
    assert "Sphinx not run" not in build(book).stdout


def test_widget_assets_are_copied_once_and_repaired_when_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = tmp_path / "node_modules"
    for relative in [*widget_assets.ASSETS.values(), "@jupyter-widgets/html-manager/dist/icons.woff2"]:
        (modules / relative).parent.mkdir(parents=True, exist_ok=True)
        (modules / relative).write_text(f"/* {relative} */\n", encoding="utf-8")
    monkeypatch.setenv("CCG_NODE_MODULES", str(modules))
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"), outdir=str(tmp_path / "html"), srcdir=str(tmp_path)
    )
    target = tmp_path / "html" / widget_assets.TARGET

    widget_assets.copy_assets(app, None)
    assert {p.name for p in target.iterdir()} == {
        "require.js",
        "embed-amd.js",
        "icons.woff2",
        "require-config.js",
    }
    for path in target.iterdir():
        os.utime(path, ns=(10**9, 10**9))  # a rewrite would give the file the current time
    widget_assets.copy_assets(app, None)
    assert {p.stat().st_mtime_ns for p in target.iterdir()} == {10**9}, "identical assets rewritten"

    (target / "require.js").write_text("/* edited */\n", encoding="utf-8")
    (target / "require-config.js").write_text("var require = {};\n", encoding="utf-8")
    widget_assets.copy_assets(app, None)
    assert (target / "require.js").read_bytes() == (modules / "requirejs" / "require.js").read_bytes()
    assert (target / "require-config.js").read_text(encoding="utf-8") == widget_assets.REQUIRE_CONFIG


# --- whole builds ---------------------------------------------------------------------------------

PROBE_TOC = """\
format: jb-book
root: chapters/probe-index
chapters:
  - file: chapters/probe-notebook
  - file: chapters/probe-status
"""
NOTEBOOK_HEADER = (
    "---\njupytext:\n  text_representation:\n    format_name: myst\n"
    "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
)
PROBE_PAGES = {
    "probe-index": "# Probe front page\n\nA page without code.\n",
    "probe-notebook": NOTEBOOK_HEADER
    + "# Probe notebook\n\nThe text.\n\n```{code-cell} ipython3\nprint('one')\n```\n",
    "probe-status": "# Probe status\n\n```{nb-exec-table}\n```\n",
}
EXECUTED = re.compile(r"executed notebooks: (\d+)")


def executed(result: subprocess.CompletedProcess[str]) -> int:
    """How many notebooks the build executed (from the driver's last line)."""
    found = EXECUTED.findall(result.stdout)
    assert found, result.stdout[-2000:] + result.stderr[-2000:]
    return int(found[-1])


@pytest.mark.book
def test_probe_book_rebuilds_follow_prose_code_and_config_edits(tmp_path: Path) -> None:
    book = copy_book(tmp_path / "book")
    shutil.rmtree(book / "data" / "cases")  # no generated case pages in this book
    (book / "_toc.yml").write_text(PROBE_TOC, encoding="utf-8")
    for name, text in PROBE_PAGES.items():
        (book / "chapters" / f"{name}.md").write_text(text, encoding="utf-8")
    strays = [p for p in (book / "chapters").rglob("*.md") if not p.stem.startswith("probe-")]
    env = {"CCG_WARM_KERNELS": "off"}
    html = book / "_build" / "html" / "chapters"

    result = build(book, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    assert executed(result) == 1
    assert f"Excluded {len(strays)} extra file(s) not in toc" in result.stdout
    assert not (html / "01-introduction.html").exists()

    page = book / "chapters" / "probe-notebook.md"
    for edit in ("The first edit.", "The second edit."):
        page.write_text(
            re.sub(r"The (text|first edit)\.", edit, page.read_text(encoding="utf-8")), encoding="utf-8"
        )
        result = build(book, env=env)
        assert result.returncode == 0 and executed(result) == 0, result.stderr[-4000:]
        assert edit in (html / "probe-notebook.html").read_text(encoding="utf-8")

    config = book / "_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'title: "Clinical leadership in CCGs: an executable edition"', 'title: "Retitled probe"'
        ),
        encoding="utf-8",
    )
    result = build(book, env=env)
    assert result.returncode == 0 and executed(result) == 0, result.stderr[-4000:]
    assert "<title>Probe front page &#8212; Retitled probe</title>" in (html / "probe-index.html").read_text(
        encoding="utf-8"
    )

    # a slower cell, so that the table's run time (shown to 1/100 s) surely changes
    code = "import time\ntime.sleep(1.5)\nprint('two')"
    page.write_text(page.read_text(encoding="utf-8").replace("print('one')", code), encoding="utf-8")
    before = (html / "probe-status.html").read_text(encoding="utf-8")
    result = build(book, env=env)
    assert result.returncode == 0 and executed(result) == 1, result.stderr[-4000:]
    assert (html / "probe-status.html").read_text(encoding="utf-8") != before, (
        "new execution not in the table"
    )


def test_build_sh_runs_the_entry_point(repo: Path) -> None:
    script = (repo / "scripts" / "build.sh").read_text(encoding="utf-8")
    assert "python -m ccg_book.build" in script
    result = subprocess.run(
        [str(repo / ".venv" / "bin" / "python"), "-m", "ccg_book.build", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(repo / "src")},
    )
    assert result.returncode == 0 and "jupyter-book build" in result.stdout
