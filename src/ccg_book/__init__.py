"""The book's tooling: its Sphinx extension, build entry point (:mod:`ccg_book.build`) and warm kernels.

Enable the extension with ``sphinx.extra_extensions: [ccg_book]`` in ``_config.yml``; it is all a
stock ``jupyter-book build`` needs to build the same site as ``scripts/build.sh``. The extension's
modules are imported when Sphinx sets it up, not with the package, so that the build entry point's
no-change check (``python -m ccg_book.build``) does not pay for importing Sphinx.
"""

from __future__ import annotations

from typing import Any


def setup(app: Any) -> dict[str, Any]:
    """Sphinx's entry point: set up :mod:`ccg_book.extension`."""
    from .extension import setup as setup_extension

    return setup_extension(app)
