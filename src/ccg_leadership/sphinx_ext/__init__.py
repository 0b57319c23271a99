"""The book's Sphinx extension: small build-time behaviours the stock stack lacks.

Enable with ``sphinx.extra_extensions: [ccg_leadership.sphinx_ext]`` in ``_config.yml``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import alt_text, case_pages, dependencies, kernel_pool, site_fixes, widget_assets


def setup(app: Sphinx) -> dict[str, Any]:
    """Register every behaviour of the extension."""
    alt_text.setup(app)
    case_pages.setup(app)
    widget_assets.setup(app)
    dependencies.setup(app)
    kernel_pool.setup(app)
    site_fixes.setup(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
