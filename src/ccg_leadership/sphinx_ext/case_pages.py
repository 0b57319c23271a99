"""Generate the case pages from the case records when a build starts (see ``ccg_leadership.case_pages``)."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def generate(app: Sphinx) -> None:
    """Write ``chapters/cases/case-<n>.md`` for every record under the book's ``data/cases/``."""
    from ..case_pages import write_pages

    book = Path(app.srcdir)
    if not (book / "data" / "cases").is_dir():
        return
    pages = write_pages(book)
    logger.info("case pages: %d generated from data/cases/", len(pages))


def setup(app: Sphinx) -> None:
    """Connect the generator before Sphinx looks for source files."""
    app.connect("builder-inited", generate)
