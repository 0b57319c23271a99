"""Plumbing shared by the tests, the fixtures and scripts/dev_build.sh: copy, build, list ToC pages.

A uniquely named module (two ``conftest`` modules would shadow each other under ``from conftest import``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from ccg_book.inputs import copy_ignore

REPO = Path(__file__).resolve().parents[1]


def copy_book(target: Path) -> Path:
    """Copy the book's sources (not the venv, build output or git data) into ``target``."""
    shutil.copytree(REPO, target, ignore=copy_ignore())
    if (REPO / "node_modules").is_dir():  # pinned widget assets (npm ci); large, so linked not copied
        (target / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return target


def build(book: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Build ``book`` strictly with the project's build entry point, against the copy's own ``src/``.

    ``env`` adds environment variables for this build (e.g. ``CCG_WARM_KERNELS=off``).
    """
    return subprocess.run(
        [sys.executable, "-m", "ccg_book.build", "--book", str(book), *extra],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(book / "src"), **(env or {})},
    )


def stock_build(book: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Build ``book`` with the documented stock command, ``jupyter-book build . -W -n --keep-going``.

    Run in the book's folder with the copy's ``src/`` first on the path (a stand-in for installing
    the copy's package), and none of the entry point's speed-ups.
    """
    command = Path(sys.executable).with_name("jupyter-book")
    return subprocess.run(
        [str(command), "build", ".", "-W", "-n", "--keep-going", *extra],
        cwd=book,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(book / "src")},
    )


def toc_pages(book: Path = REPO) -> list[str]:
    """Every document named in ``book``'s ``_toc.yml`` (root first), as paths without suffix."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    pages = [str(toc["root"])]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(str(entry["file"]).removesuffix(".md").removesuffix(".ipynb"))
            walk(entry.get("sections", []))

    walk(toc.get("chapters", []))
    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return pages
