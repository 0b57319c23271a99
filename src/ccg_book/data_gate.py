"""Every build loads every data file and checks every published finding before any page is written.

At ``builder-inited`` (before Sphinx reads a page) the extension runs
:func:`ccg_leadership.data_check.check_data` on the book's ``data/``: every file is validated against
its schema and every row of ``data/published/findings.csv`` is recomputed from the respondent rows.
If a file is malformed, or a finding does not hold, the build stops with the library's message: the
file, row and column, or one line per failed finding (id, file and row, published value or claim,
computed value, the check that failed). So no page can state a finding the data no longer support,
and Appendix A's table of findings can only show every finding holding.

The check is a pure function of the data files, the library's code and the installed packages.
After it passes, the content digest of those is written to ``_build/.ccg_build/data-checked``; a build
whose digest is the same skips loading the data again (importing pandas and pandera alone takes
seconds, as long as a whole prose-edit build). Any edit under ``data/`` or to the library, or a
different package version, runs the check again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import SphinxError
from sphinx.util import logging

from .build_state import DATA_CHECKED
from .claims import claims_on
from .dependencies import build_dir, file_hash
from .inputs import is_input_part

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

STAMP = DATA_CHECKED
PACKAGES = ("numpy", "pandas", "pandera", "scipy", "statsmodels", "PyYAML", "matplotlib")
"""The installed packages whose versions can change what loading and checking the data computes."""


class DataCheckFailed(SphinxError):
    """A data file is malformed or a published finding does not hold (the message says which)."""

    category = "Book data check failed"


def library_folder() -> Path:
    """The folder of the ``ccg_leadership`` package this process imports (found without importing it)."""
    spec = importlib.util.find_spec("ccg_leadership")
    if spec is None or not spec.submodule_search_locations:
        raise DataCheckFailed("the chapters' library ccg_leadership is not importable")
    return Path(next(iter(spec.submodule_search_locations)))


def _files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and all(map(is_input_part, p.relative_to(folder).parts))
    )


def inputs_digest(data: Path) -> str:
    """Content digest of what the check depends on: ``data``, the library's code, package versions."""
    library = library_folder()
    entries = [(f"data/{p.relative_to(data).as_posix()}", file_hash(p)) for p in _files(data)]
    entries += [(f"library/{p.relative_to(library).as_posix()}", file_hash(p)) for p in _files(library)]
    for name in PACKAGES:
        try:
            entries.append((f"package/{name}", importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            entries.append((f"package/{name}", "missing"))
    entries.append(("python", sys.version))
    digest = hashlib.sha256(b"data-check")
    for name, value in sorted(entries):
        digest.update(f"\0{name}\0{value}".encode())
    return digest.hexdigest()


def check_book_data(book: Path, build: Path) -> bool:
    """Check ``book``'s data unless it passed with the same inputs; True if the check ran.

    Raises :class:`DataCheckFailed` with the library's message naming the file, row and column, or
    every published finding that does not hold.
    """
    data = Path(book) / "data"
    stamp = Path(build) / STAMP
    digest = inputs_digest(data)
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest:
        return False
    stamp.unlink(missing_ok=True)
    # Imported here, not at the top: the library imports pandas and pandera (seconds), which a build
    # whose data passed unchanged never needs in the Sphinx process.
    from ccg_leadership.data_check import check_data
    from ccg_leadership.datafiles import DataFileError
    from ccg_leadership.survey.findings import FindingsNotHeld

    try:
        check_data(data)
    except FindingsNotHeld as error:  # and the sentences of the book that rest on them
        raise DataCheckFailed("\n".join([*error.lines, *claims_on(Path(book), set(error.failed))])) from None
    except DataFileError as error:
        raise DataCheckFailed(str(error)) from None
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest + "\n", encoding="utf-8")
    return True


def on_builder_inited(app: Sphinx) -> None:
    """Stop the build before any page is read or written if the book's data fail their checks."""
    if check_book_data(Path(app.srcdir), build_dir(app)):
        logger.info("[ccg-data] every data file loads and every published finding holds")


def setup(app: Sphinx) -> None:
    """Connect the check (first of the builder-inited handlers)."""
    app.connect("builder-inited", on_builder_inited, priority=100)
