"""The book's Sphinx extension: every behaviour it registers (loaded through :func:`ccg_book.setup`)."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import (
    alt_text,
    book_environment,
    case_pages,
    charts,
    claims,
    data_gate,
    dependencies,
    downloads,
    interrupted_builds,
    latex,
    repository,
    site_fixes,
    toc_check,
    widget_assets,
)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register every behaviour of the extension."""
    book_environment.setup(app)
    data_gate.setup(app)
    claims.setup(app)
    interrupted_builds.setup(app)
    alt_text.setup(app)
    charts.setup(app)
    case_pages.setup(app)
    widget_assets.setup(app)
    dependencies.setup(app)
    site_fixes.setup(app)
    repository.setup(app)
    downloads.setup(app)
    latex.setup(app)
    toc_check.setup(app)
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
