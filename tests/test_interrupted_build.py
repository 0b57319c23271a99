"""A build stopped part-way is repaired by the next build: the site equals a clean build's.

Unit tests drive the extension's handlers (:mod:`ccg_book.interrupted_builds`) and the entry point's
no-change check with a stand-in for Sphinx's application object. The ``book`` tests start a cold
build of a copy, kill its whole process group with SIGKILL at a moment of the write phase (the first
chapter page written; every page written and the images being copied, before the search index),
build again, and compare the site with the session's clean build (the execution-status table and
asset checksums masked, as in tests/test_reproducible.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from bookhelpers import build, copy_book
from test_reproducible import differences, searchindex_without_numbers, without_asset_checksums

from ccg_book import build as entry_point
from ccg_book import interrupted_builds
from ccg_book.build_state import IN_PROGRESS


def fake_app(book: Path) -> SimpleNamespace:
    return SimpleNamespace(srcdir=str(book), doctreedir=str(book / "_build" / ".doctrees"))


def fake_env(docs: set[str]) -> SimpleNamespace:
    return SimpleNamespace(found_docs=set(docs))


def test_a_finished_build_leaves_no_marker_and_outdates_nothing(tmp_path: Path) -> None:
    app = fake_app(tmp_path)
    interrupted_builds.on_builder_inited(app)
    assert (tmp_path / "_build" / IN_PROGRESS).is_file()
    assert interrupted_builds.on_env_get_outdated(app, fake_env({"a", "b"}), set(), set(), set()) == []
    interrupted_builds.on_build_finished(app, None)
    assert not (tmp_path / "_build" / IN_PROGRESS).exists()


def test_after_an_interrupted_build_every_document_is_outdated_until_a_build_finishes(tmp_path: Path) -> None:
    app = fake_app(tmp_path)
    interrupted_builds.on_builder_inited(app)  # ... and the process is killed: no build-finished
    interrupted_builds.on_builder_inited(app)  # the next build
    env = fake_env({"index", "chapters/a", "chapters/b", "gone"})
    assert interrupted_builds.on_env_get_outdated(app, env, {"new"}, set(), {"gone"}) == [
        "chapters/a",
        "chapters/b",
        "index",
    ]
    interrupted_builds.on_build_finished(app, RuntimeError("failed"))  # a failed build keeps the marker
    assert (tmp_path / "_build" / IN_PROGRESS).is_file()
    interrupted_builds.on_builder_inited(app)
    interrupted_builds.on_build_finished(app, None)
    interrupted_builds.on_builder_inited(app)
    assert interrupted_builds.on_env_get_outdated(app, env, set(), set(), set()) == []


def test_no_change_short_cut_refuses_a_site_with_the_marker(tmp_path: Path) -> None:
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    signature = entry_point.input_signature(book, {})
    for path in (*entry_point.OUTPUTS, entry_point.STAMP):
        (book / path).parent.mkdir(parents=True, exist_ok=True)
        (book / path).write_text(signature + "\n", encoding="utf-8")
    assert entry_point.up_to_date(book, signature)
    (book / "_build" / IN_PROGRESS).write_text("x", encoding="utf-8")
    assert not entry_point.up_to_date(book, signature)


def first_page_written(html: Path, start: float) -> bool:
    """A chapter page of this build is there: the write phase has begun."""
    pages = html / "chapters"
    return pages.is_dir() and any(p.stat().st_mtime >= start for p in pages.glob("*.html"))


def kill_when(book: Path, moment, timeout: float = 1800) -> float:
    """Start a cold build of ``book``; SIGKILL its process group as soon as ``moment(html, start)``.

    Returns the seconds from start to kill. Fails if the build ends before the moment comes.
    """
    start = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "ccg_book.build", "--book", str(book)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(book / "src")},
        start_new_session=True,
    )
    html = book / "_build" / "html"
    try:
        while time.time() - start < timeout:
            if process.poll() is not None:
                pytest.fail(f"the build ended (rc={process.returncode}) before it could be interrupted")
            if moment(html, start):
                break
            time.sleep(0.05)
        else:
            pytest.fail("no page was written in time")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return time.time() - start


@pytest.mark.book
def test_a_cold_build_killed_while_writing_is_repaired_by_the_next(site: Path, tmp_path: Path) -> None:
    book = copy_book(tmp_path / "book")
    kill_when(book, first_page_written)
    assert (book / "_build" / IN_PROGRESS).is_file()
    assert not (book / "_build" / "html" / "searchindex.js").exists(), "the build was not interrupted"
    result = build(book)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Sphinx not run" not in result.stdout
    assert not (book / "_build" / IN_PROGRESS).exists()
    rebuilt = book / "_build" / "html"
    problems = differences(site, rebuilt, normalise=without_asset_checksums)
    assert not problems, "the repaired site differs from a clean build:\n" + "\n\n".join(problems[:10])
    assert searchindex_without_numbers(rebuilt / "searchindex.js") == searchindex_without_numbers(
        site / "searchindex.js"
    )
    assert "Sphinx not run" in build(book).stdout  # and the repaired site is then accepted


EDITED = ("chapters/01-introduction.md", "chapters/02-design-and-methods.md", "chapters/06-conclusions.md")
NEW_WORD = "Zymurgically"


def edited_copy(built_book: Path, target: Path) -> Path:
    """A copy of the session's built book (with its _build) whose chapters in EDITED gain a sentence."""
    shutil.copytree(built_book, target, symlinks=True, ignore=shutil.ignore_patterns("build.log"))
    for name in EDITED:
        path = target / name
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.rstrip("\n") + f"\n\n{NEW_WORD} speaking, this sentence is new.\n", encoding="utf-8"
        )
    return target


@pytest.mark.book
def test_an_edit_build_killed_while_writing_is_repaired_by_the_next(built_book: Path, tmp_path: Path) -> None:
    """After a prose edit the search index (written last) is the stale one if the build is cut short."""
    reference = edited_copy(built_book, tmp_path / "reference")
    result = build(reference)
    assert result.returncode == 0, result.stderr[-3000:]
    book = edited_copy(built_book, tmp_path / "book")
    kill_when(book, first_page_written)
    assert (book / "_build" / IN_PROGRESS).is_file()
    html = book / "_build" / "html"
    assert NEW_WORD.lower() not in (html / "searchindex.js").read_text(encoding="utf-8").lower(), (
        "the build was not interrupted before its search index"
    )
    result = build(book)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (book / "_build" / IN_PROGRESS).exists()
    site = reference / "_build" / "html"
    problems = differences(site, html, normalise=without_asset_checksums)
    assert not problems, "the repaired site differs from an uninterrupted build:\n" + "\n\n".join(
        problems[:10]
    )
    assert searchindex_without_numbers(html / "searchindex.js") == searchindex_without_numbers(
        site / "searchindex.js"
    )
