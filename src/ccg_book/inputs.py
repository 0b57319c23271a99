"""The one list of folders in a book tree that are not book inputs (build output, caches, tool state).

Used wherever the tooling walks or copies the book: the dependency audit and the conservative
fingerprint (:mod:`ccg_book.dependencies`), the build entry point's no-change check
(:mod:`ccg_book.build`), and the tests' and benchmarks' book copies (:func:`copy_ignore`).
``node_modules`` is here because ``package-lock.json`` (an input) pins it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

NOT_INPUTS: frozenset[str] = frozenset(
    {
        "_build",
        ".git",
        ".venv",
        "node_modules",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
    }
)
NOT_INPUT_SUFFIXES: tuple[str, ...] = (".egg-info", ".pyc")
PDF_EDITION = "_build/latex/ccg-leadership-edition.pdf"
"""The PDF edition ``scripts/pdf.sh`` writes; the one build product the HTML site takes in (offered as
a download when present), so the no-change check counts it as an input."""


def is_input_part(name: str) -> bool:
    """True unless a path component ``name`` is a non-input folder (or an egg-info/pyc leftover)."""
    return name not in NOT_INPUTS and not name.endswith(NOT_INPUT_SUFFIXES)


def copy_ignore() -> Callable[[str, list[str]], set[str]]:
    """An ``ignore`` callable for :func:`shutil.copytree` that leaves every non-input out of a copy."""
    return shutil.ignore_patterns(*sorted(NOT_INPUTS), *(f"*{suffix}" for suffix in NOT_INPUT_SUFFIXES))
