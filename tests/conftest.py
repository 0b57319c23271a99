"""Shared fixtures: a pristine copy of the book and one strict build of it per test session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(
    ".venv",
    "_build",
    ".git",
    "node_modules",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "*.egg-info",
)


def copy_book(target: Path) -> Path:
    """Copy the book's sources (not the venv, build output or git data) into ``target``."""
    shutil.copytree(REPO, target, ignore=IGNORE)
    if (REPO / "node_modules").is_dir():  # pinned widget assets (npm ci); large, so linked not copied
        (target / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return target


def build(book: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Build ``book`` strictly with the project's build driver; return the finished process."""
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_book.py"), "--book", str(book), *extra],
        capture_output=True,
        text=True,
        check=False,
    )


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
