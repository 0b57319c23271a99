"""The authors' live preview (``scripts/preview.sh``): serve, rebuild on save, reload, survive a failing cell.

A copy of the session's built book is previewed on 127.0.0.1 (a free port). Chromium keeps the
chapter open while the test edits it: the page must change by itself (the browser is reloaded by
sphinx-autobuild) with no notebook executed; a failing cell must print its error in the terminal
while the server keeps serving; removing the cell must bring a successful build back. The server is
stopped at the end (its whole process group), every wait is bounded.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bookhelpers import REPO

pytestmark = [pytest.mark.book, pytest.mark.browser]

CHAPTER = "chapters/01-introduction"
SERVING = re.compile(r"Serving on (http://127\.0\.0\.1:\d+)")


class Preview:
    """A running ``scripts/preview.sh`` and its terminal output."""

    def __init__(self, book: Path, log: Path) -> None:
        self.log = log
        self.handle = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [str(REPO / "scripts" / "preview.sh"), "--book", str(book), "--port", "0"],
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("CCG_")},
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 240) -> str:
        """Wait until ``pattern`` appears in the output past offset ``after``; return that output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.output()[after:]
            if re.search(pattern, text):
                return text
            assert self.process.poll() is None, (
                f"preview stopped (rc={self.process.returncode}):\n{text[-3000:]}"
            )
            time.sleep(0.5)
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.output()[after:][-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self.handle.close()


def wait_until_listening(url: str, timeout: float = 60) -> None:
    """sphinx-autobuild prints its address just before its server starts listening: wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


@pytest.fixture
def preview(built_book: Path, tmp_path: Path) -> Iterator[tuple[Preview, Path, str]]:
    book = tmp_path / "book"
    shutil.copytree(built_book, book, symlinks=True)
    running = Preview(book, tmp_path / "preview.log")
    try:
        first = running.wait_for(SERVING.pattern, timeout=300)
        assert "build succeeded" in first, first[-3000:]
        url = SERVING.search(first).group(1) + "/"
        wait_until_listening(url)
        yield running, book, url
    finally:
        running.stop()


def _build_output(text: str) -> str:
    """The part of the output from the last rebuild's change detection on."""
    return text[text.rfind("Detected changes") :]


def test_edit_rebuilds_and_reloads_and_a_failing_cell_keeps_the_server(
    preview: tuple[Preview, Path, str], browser_context: Any
) -> None:
    running, book, url = preview
    chapter = book / f"{CHAPTER}.md"
    original = chapter.read_text(encoding="utf-8")
    sentinel = f"Preview check {uuid.uuid4().hex[:12]}."
    page = browser_context.new_page()
    try:
        page.goto(f"{url}{CHAPTER}.html", wait_until="load")
        assert sentinel not in page.inner_text("body")

        # A prose edit: the open page changes by itself, and no notebook is executed.
        mark = len(running.output())
        chapter.write_text(original + f"\n{sentinel}\n", encoding="utf-8")
        page.wait_for_function("s => document.body.innerText.includes(s)", arg=sentinel, timeout=120_000)
        rebuilt = _build_output(running.wait_for("build succeeded", after=mark))
        assert f"{CHAPTER}.md: Using cached notebook" in rebuilt, rebuilt[-3000:]
        assert "Executing notebook" not in rebuilt, rebuilt[-3000:]

        # A failing cell: a clear error in the terminal, the server keeps running and serving.
        mark = len(running.output())
        failure = f"preview test failure {uuid.uuid4().hex[:8]}"
        chapter.write_text(
            original + f"\n{sentinel}\n\n```{{code-cell}} ipython3\nraise RuntimeError({failure!r})\n```\n",
            encoding="utf-8",
        )
        failed = running.wait_for("Sphinx exited with exit code", after=mark)
        assert f"RuntimeError: {failure}" in re.sub(r"\x1b\[[0-9;]*m", "", failed), failed[-3000:]
        assert f"{CHAPTER}.md" in failed
        running.wait_for("Serving on", after=mark + failed.index("Sphinx exited"))
        assert running.process.poll() is None
        assert browser_context.request.get(f"{url}{CHAPTER}.html").status == 200

        # Fixing it brings a successful build back, still without executing anything.
        mark = len(running.output())
        chapter.write_text(original + f"\n{sentinel}\n", encoding="utf-8")
        fixed = _build_output(running.wait_for("build succeeded", after=mark))
        assert "Executing notebook" not in fixed, fixed[-3000:]
        page.goto(f"{url}{CHAPTER}.html", wait_until="load")
        assert sentinel in page.inner_text("body")
        assert failure not in page.inner_text("body")
    finally:
        page.close()
