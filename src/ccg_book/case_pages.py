"""Generate the case pages from the case records when a build starts (``ccg_leadership`` writes them).

Loading and validating the records costs over a second, so the generator is skipped when its inputs
are byte-for-byte what produced the pages already on disk: the records (``data/cases/``), their
schemas (``data/schema/cases*``) and every ``.py`` file of the installed ``ccg_leadership`` package
(all of it, so no reorganisation of the library can leave a rendering module out). A stamp of those
inputs is kept beside the build's doctrees.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

import ccg_leadership

logger = logging.getLogger(__name__)


def library_files() -> list[Path]:
    """Every ``.py`` file of the ``ccg_leadership`` package this build imports (sorted)."""
    return sorted(Path(ccg_leadership.__file__).resolve().parent.rglob("*.py"))


def inputs_fingerprint(book: Path) -> str:
    """SHA-256 over the records, their schemas and the library's modules (paths and contents)."""
    files = sorted((book / "data" / "cases").glob("*")) + sorted((book / "data" / "schema").glob("cases*"))
    package = Path(ccg_leadership.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(book).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for path in library_files():
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
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
    # Imported only when the pages must be written: the generator pulls in pandas and pandera (about
    # a second), which a build with unchanged records never needs.
    from ccg_leadership.cases.pages import write_pages

    pages = write_pages(book)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    logger.info("case pages: %d generated from data/cases/", len(pages))


def setup(app: Sphinx) -> None:
    """Connect the generator before Sphinx looks for source files."""
    app.connect("builder-inited", generate)
