"""A build stopped part-way is repaired by the next build: the site equals a clean build's.

Unit tests drive the extension's handlers (:mod:`ccg_book.interrupted_builds`) and the entry point's
no-change check with a stand-in for Sphinx's application object. The ``book`` test starts a cold
build of a copy, kills its whole process group with SIGKILL as soon as the first chapter page of the
write phase appears, builds again, and compares the site with the session's clean build (the
execution-status table and asset checksums masked, as in tests/test_reproducible.py).
"""

from __future__ import annotations

import os
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


def kill_when_writing(book: Path, timeout: float = 1800) -> float:
    """Start a cold build of ``book``; SIGKILL its process group when a chapter page is written.

    Returns the seconds from start to kill. Fails if the build ends before any page appears.
    """
    start = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "ccg_book.build", "--book", str(book)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(book / "src")},
        start_new_session=True,
    )
    pages = book / "_build" / "html" / "chapters"
    try:
        while time.time() - start < timeout:
            if process.poll() is not None:
                pytest.fail(f"the build ended (rc={process.returncode}) before it could be interrupted")
            if pages.is_dir() and any(p.stat().st_mtime >= start for p in pages.glob("*.html")):
                break
            time.sleep(0.05)
        else:
            pytest.fail("no page was written in time")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return time.time() - start


@pytest.mark.book
def test_a_build_killed_while_writing_pages_is_repaired_by_the_next(site: Path, tmp_path: Path) -> None:
    book = copy_book(tmp_path / "book")
    kill_when_writing(book)
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
