"""Generate the case pages from the case records when a build starts (see ``ccg_leadership.cases.pages``).

Loading and validating the records costs over a second, so the generator is skipped when its inputs
(the records, their schemas and the modules that render them) are byte-for-byte what produced the
pages already on disk; a stamp of those inputs is kept beside the build's doctrees.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

RENDERING_MODULES = ("cases/pages.py", "cases/records.py", "provenance.py", "datafiles.py", "schemas.py")


def inputs_fingerprint(book: Path) -> str:
    """SHA-256 over the records, their schemas and the rendering modules (sorted paths, contents)."""
    package = Path(__file__).resolve().parents[1]
    files = sorted((book / "data" / "cases").glob("*")) + sorted((book / "data" / "schema").glob("cases*"))
    files += [package / name for name in RENDERING_MODULES]
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def generate(app: Sphinx) -> None:
    """Write ``chapters/cases/case-<n>.md`` for every record under the book's ``data/cases/``."""
    book = Path(app.srcdir)
    if not (book / "data" / "cases").is_dir():
        return
    stamp = Path(app.doctreedir).parent / "case_pages.sha256"
    fingerprint = inputs_fingerprint(book)
    pages_present = all(
        (book / "chapters" / "cases" / f"{record.stem}.md").is_file()
        for record in (book / "data" / "cases").glob("case-*.yml")
    )
    if pages_present and stamp.is_file() and stamp.read_text() == fingerprint:
        logger.info("case pages: inputs unchanged, pages kept")
        return
    from ..cases.pages import write_pages

    pages = write_pages(book)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    logger.info("case pages: %d generated from data/cases/", len(pages))


def setup(app: Sphinx) -> None:
    """Connect the generator before Sphinx looks for source files."""
    app.connect("builder-inited", generate)
