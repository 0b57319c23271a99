"""Shared fixtures: a pristine copy of the book and one strict build of it per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from bookhelpers import REPO, build, copy_book


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root (read-only for tests)."""
    return REPO


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the book built once, strictly; returns the copy's root (HTML in _build/html)."""
    book = copy_book(tmp_path_factory.mktemp("built") / "book")
    result = build(book)
    log = book / "build.log"
    log.write_text(result.stdout + "\n--- stderr ---\n" + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        pytest.fail(f"strict build failed (rc={result.returncode}); log: {log}\n{result.stderr[-4000:]}")
    return book


@pytest.fixture(scope="session")
def site(built_book: Path) -> Path:
    """The built HTML folder of the session's book."""
    return built_book / "_build" / "html"
