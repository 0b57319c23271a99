"""Rebuilds re-execute exactly the chapters whose inputs changed, and nothing when nothing changed.

A small book is made from a copy of this one (same config, extension, package and build entry point) with
a table of contents of probe chapters whose dependencies are known by construction:

- ``probe-value`` reads ``data/probe/value.csv`` through a probe helper module and glues the value;
- ``probe-study`` glues a design fact through ``ccg_leadership.study`` (``data/study/``);
- ``probe-listing`` counts the files in ``data/probe/`` (lists the folder, reads no file in it);
- ``probe-plain`` computes a number without the package or any data.

Counts of executed notebooks come from myst-nb's own log lines, not from timings. The tracking lives
in the Sphinx extension, so a stock ``jupyter-book build`` follows a data edit exactly as well.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from bookhelpers import build as entry_point_build
from bookhelpers import copy_book, stock_build

from ccg_book import dependencies

pytestmark = pytest.mark.book

FRONT = (
    "---\njupytext:\n  text_representation:\n    format_name: myst\n"
    "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
)
EXECUTED = re.compile(r"^\S+/(chapters/[\w-]+)\.md: Executed notebook in", re.MULTILINE)
PROBE_MODULE = '''"""Probe helper for tests/test_rebuild.py: read one value from data/probe/value.csv."""

from .paths import data_dir


def value() -> int:
    """Return the number in data/probe/value.csv."""
    lines = (data_dir() / "probe" / "value.csv").read_text(encoding="utf-8").splitlines()
    return int(lines[1]) + OFFSET


OFFSET = 0
'''


def cell(code: str) -> str:
    return f"```{{code-cell}} ipython3\n:tags: [remove-cell]\n{code}\n```\n\n"


PAGES = {
    "index": FRONT + "(probe-index)=\n# Probe book\n\nA page without code.\n",
    "probe-value": FRONT
    + "# Value\n\n"
    + cell(
        "from myst_nb import glue\nfrom ccg_leadership import rebuild_probe\n"
        'glue("probe_value", rebuild_probe.value(), display=False)'
    )
    + "The value is **{glue:text}`probe_value`**.\n",
    "probe-study": FRONT
    + "# Study\n\n"
    + cell(
        "from myst_nb import glue\nfrom ccg_leadership import study\n"
        'glue("probe_cases", study.fact("cases"), display=False)'
    )
    + "Cases: {glue:text}`probe_cases`.\n",
    "probe-listing": FRONT
    + "# Listing\n\n"
    + cell(
        "import os\nfrom myst_nb import glue\n"
        'glue("probe_files", len(os.listdir("../data/probe")), display=False)'
    )
    + "Files: **{glue:text}`probe_files`**.\n",
    "probe-plain": FRONT
    + "# Plain\n\n"
    + cell('from myst_nb import glue\nglue("probe_plain", 6 * 7, display=False)')
    + "Plain: {glue:text}`probe_plain`.\n",
    "probe-notes": FRONT
    + "# Notes\n\nA page of prose only, so that a full re-read has more than five pages.\n",
}
TOC = "format: jb-book\nroot: chapters/index\nchapters:\n" + "".join(
    f"  - file: chapters/{name}\n" for name in PAGES if name != "index"
)


def build(book: Path, *extra: str, stock: bool = False) -> tuple[int, set[str], str]:
    """Build with the project's entry point (or stock jupyter-book); return status, executed chapters, log."""
    result = stock_build(book, *extra) if stock else entry_point_build(book, *extra)
    log = result.stdout + "\n--- stderr ---\n" + result.stderr
    return result.returncode, set(EXECUTED.findall(result.stdout)), log


def shown(book: Path, name: str) -> list[str]:
    """Return the glued numbers shown in bold on a built probe page."""
    html = (book / "_build" / "html" / "chapters" / f"{name}.html").read_text(encoding="utf-8")
    return re.findall(r'<strong><span class="pasted-text">(\d+)</span></strong>', html)


@pytest.fixture(scope="module")
def probe_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the book whose contents are the probe chapters, built once (cold)."""
    book = copy_book(tmp_path_factory.mktemp("rebuild") / "book")
    (book / "_toc.yml").write_text(TOC, encoding="utf-8")
    shutil.rmtree(book / "data" / "cases", ignore_errors=True)  # no generated case pages in this book
    for name, text in PAGES.items():
        (book / "chapters" / f"{name}.md").write_text(text, encoding="utf-8")
    (book / "data" / "probe").mkdir()
    (book / "data" / "probe" / "value.csv").write_text("value\n41\n", encoding="utf-8")
    (book / "src" / "ccg_leadership" / "rebuild_probe.py").write_text(PROBE_MODULE, encoding="utf-8")
    status, executed, log = build(book)
    assert status == 0, log[-4000:]
    assert executed == {
        "chapters/probe-value",
        "chapters/probe-study",
        "chapters/probe-listing",
        "chapters/probe-plain",
    }
    assert shown(book, "probe-value") == ["41"]
    assert "warm kernels: started (cold build" in log  # every notebook executes: kernels are warm forks
    # executed on two processes before Sphinx read them; myst-nb then found every one in the cache
    assert re.search(r"executing 4 notebooks on [2-4] processes", log)
    assert "Executing notebook using" not in log
    return book


def test_nothing_changed_nothing_reexecutes(probe_book: Path) -> None:
    status, executed, log = build(probe_book, "--force")  # Sphinx runs and checks every fingerprint
    assert status == 0, log[-4000:]
    assert executed == set()
    status, executed, log = build(probe_book)  # the driver's no-change shortcut
    assert status == 0 and executed == set()
    assert "Sphinx not run" in log


def test_data_edit_reexecutes_exactly_its_readers(probe_book: Path) -> None:
    (probe_book / "data" / "probe" / "value.csv").write_text("value\n57\n", encoding="utf-8")
    status, executed, log = build(probe_book)
    assert status == 0, log[-4000:]
    assert executed == {"chapters/probe-value"}
    assert shown(probe_book, "probe-value") == ["57"]
    assert "warm kernels" not in log  # incremental builds use ordinary kernels


def test_stock_jupyter_book_follows_a_data_edit_exactly(probe_book: Path) -> None:
    """The documented command re-executes exactly the reader of an edited data file, too."""
    (probe_book / "data" / "probe" / "value.csv").write_text("value\n63\n", encoding="utf-8")
    status, executed, log = build(probe_book, stock=True)
    assert status == 0, log[-4000:]
    assert executed == {"chapters/probe-value"} and "Executing notebook using" in log  # by myst-nb
    assert shown(probe_book, "probe-value") == ["63"]
    status, executed, log = build(probe_book, stock=True)
    assert status == 0 and executed == set(), log[-4000:]


def test_new_file_in_a_listed_folder_reexecutes_the_lister(probe_book: Path) -> None:
    (probe_book / "data" / "probe" / "notes.md").write_text("A second file.\n", encoding="utf-8")
    status, executed, log = build(probe_book)
    assert status == 0, log[-4000:]
    assert executed == {"chapters/probe-listing"}
    assert shown(probe_book, "probe-listing") == ["2"]


def test_helper_module_edit_reexecutes_exactly_its_importers(probe_book: Path) -> None:
    module = probe_book / "src" / "ccg_leadership" / "rebuild_probe.py"
    module.write_text(
        module.read_text(encoding="utf-8").replace("OFFSET = 0", "OFFSET = 1000"), encoding="utf-8"
    )
    status, executed, log = build(probe_book)
    assert status == 0, log[-4000:]
    assert executed == {"chapters/probe-value"}
    assert shown(probe_book, "probe-value") == ["1063"]  # the stock test left 63 in value.csv

    study = probe_book / "src" / "ccg_leadership" / "study.py"
    study.write_text(
        study.read_text(encoding="utf-8") + "\n# an edit to the study helpers\n", encoding="utf-8"
    )
    status, executed, log = build(probe_book)
    assert status == 0, log[-4000:]
    assert executed == {"chapters/probe-study"}

    extension = probe_book / "src" / "ccg_book" / "alt_text.py"
    extension.write_text(extension.read_text(encoding="utf-8") + "\n# an edit to build-time code\n")
    status, executed, log = build(probe_book)
    assert status == 0, log[-4000:]
    assert executed == set()  # pages are re-read with the new extension code; no notebook re-runs
    assert "re-reading every page" in log


def test_shared_helper_edit_reexecutes_both_importers(probe_book: Path) -> None:
    paths = probe_book / "src" / "ccg_leadership" / "paths.py"
    paths.write_text(paths.read_text(encoding="utf-8") + "\n# an edit to a shared helper\n", encoding="utf-8")
    status, executed, log = build(probe_book)
    assert status == 0, log[-4000:]
    assert executed == {"chapters/probe-value", "chapters/probe-study"}


def test_build_stays_strict(probe_book: Path) -> None:
    """A warning or a failing cell fails the build, and the no-change short cut then does not skip it."""
    plain = probe_book / "chapters" / "probe-plain.md"
    plain.write_text(PAGES["probe-plain"] + "\nSee {ref}`no-such-label-anywhere`.\n", encoding="utf-8")
    status, executed, log = build(probe_book, "--all")
    assert status != 0, "an unresolved reference (a warning) must fail the build"
    assert "no-such-label-anywhere" in log
    status, executed, log = build(probe_book)  # same inputs as the failed build: Sphinx must run again
    assert "Sphinx not run" not in log
    plain.write_text(PAGES["probe-plain"], encoding="utf-8")

    study = probe_book / "chapters" / "probe-study.md"
    study.write_text(PAGES["probe-study"] + cell('raise ValueError("probe cell failure")'), encoding="utf-8")
    status, executed, log = build(probe_book, "--all")
    assert status != 0, "a failing cell must fail the build"
    assert "probe cell failure" in log
    study.write_text(PAGES["probe-study"], encoding="utf-8")
    status, executed, log = build(probe_book)
    assert status == 0, log[-4000:]


def test_fingerprint_reuses_the_recorded_one_until_a_recorded_file_changes(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    source = tmp_path / "data" / "a.csv"
    source.write_text("x\n1\n", encoding="utf-8")
    record = {
        "fingerprint": "all-previous",
        "files": {"data/a.csv": dependencies.file_hash(source)},
        "folders": {"data": dependencies.listing_hash(tmp_path / "data")},
    }
    assert dependencies.fingerprint(tmp_path, record) == "all-previous"
    source.write_text("x\n2\n", encoding="utf-8")
    changed = dependencies.fingerprint(tmp_path, record)
    assert changed.startswith("rec-") and changed != "all-previous"
    source.write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "data" / "b.csv").write_text("x\n3\n", encoding="utf-8")  # folder listing changed
    assert dependencies.fingerprint(tmp_path, record) not in {"all-previous", changed}


def test_conservative_fingerprint_is_deterministic_and_content_based(tmp_path: Path) -> None:
    books = []
    for name in ("one", "two"):
        book = tmp_path / name
        (book / "src" / "pkg").mkdir(parents=True)
        (book / "data").mkdir()
        (book / "src" / "pkg" / "m.py").write_text("X = 1\n", encoding="utf-8")
        (book / "data" / "d.csv").write_text("a\n1\n", encoding="utf-8")
        books.append(book)
    first, second = (dependencies.fingerprint(book, None) for book in books)
    assert first == second and first.startswith("all-")
    (books[1] / "data" / "d.csv").write_text("a\n2\n", encoding="utf-8")
    assert dependencies.fingerprint(books[1], None) != first


def test_declared_inputs_join_the_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "table.txt").write_text("one\n", encoding="utf-8")
    text = "---\nkernelspec:\n  name: python3\nccg_depends: [extra]\n---\n\n# A chapter\n"
    assert dependencies.declared_dependencies(text) == ["extra"]
    record = {"fingerprint": "all-previous", "files": {}, "folders": {}}
    before = dependencies.chapter_fingerprint(tmp_path, record, text)
    assert before.startswith("all-previous+declared-")
    assert dependencies.chapter_fingerprint(tmp_path, record, "---\nkernelspec: {}\n---\n") == "all-previous"
    # the kernel records the full value; reusing it must not stack the declared part twice
    assert dependencies.chapter_fingerprint(tmp_path, {**record, "fingerprint": before}, text) == before
    (tmp_path / "extra" / "table.txt").write_text("two\n", encoding="utf-8")
    assert dependencies.chapter_fingerprint(tmp_path, record, text) != before


def test_sphinx_code_digest_ignores_modules_imported_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether the case-page generator ran (importing more of the package) is not a code change."""
    monkeypatch.setattr(dependencies, "_SPHINX_CODE", {})
    monkeypatch.delitem(sys.modules, "ccg_leadership.cases.pages", raising=False)
    import ccg_book.extension  # noqa: F401 - what Sphinx loads when it sets the extension up

    dependencies.snapshot_sphinx_code()
    assert "ccg_leadership.style" in dependencies._SPHINX_CODE  # imported by ccg_book.alt_text
    before = dependencies.build_code_digest()
    import ccg_leadership.cases.pages  # noqa: F401 - what the generator imports when it runs

    assert dependencies.build_code_digest() == before


def test_sphinx_code_digest_does_not_depend_on_what_the_entry_point_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The entry point imports more of ccg_book than a stock build: the digest must not see that."""
    monkeypatch.setattr(dependencies, "_SPHINX_CODE", {})
    monkeypatch.delitem(sys.modules, "ccg_book.parallel_execution", raising=False)
    dependencies.snapshot_sphinx_code()
    before = dependencies.build_code_digest()
    import ccg_book.parallel_execution  # noqa: F401 - what the entry point imports before Sphinx starts

    dependencies.snapshot_sphinx_code()
    assert dependencies.build_code_digest() == before
