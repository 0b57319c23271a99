"""The environment every build of the book runs in, however it is started (stock or ``scripts/build.sh``).

Set when the extension is set up, before Sphinx reads its configuration:

- ``SOURCE_DATE_EPOCH``: the edition's release date (``date-released`` in ``CITATION.cff``), so every
  date Sphinx prints (the footer's copyright year, "last updated") is the edition's date; Sphinx reads
  this variable itself (its documented reproducible-builds setting). An author's own value is kept.
- For the kernels the build starts: ``PYTHONPATH`` begins with the book's ``src/`` (a copy of the book
  executes against its own library), ``CCG_BOOK_ROOT`` names the book (the library's data folder), and
  ``PYTHONHASHSEED=0`` fixes set and dict orders inside notebooks.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (Sphinx is not imported at run time: the build entry point uses this module early)
    from sphinx.application import Sphinx

RELEASE_DATE = re.compile(r'^date-released:\s*"?(\d{4})-(\d{2})-(\d{2})"?\s*$', flags=re.M)


def edition_epoch(book: Path) -> int:
    """The edition's release date (``date-released`` in CITATION.cff) as a Unix time, UTC midnight."""
    citation = book / "CITATION.cff"
    match = RELEASE_DATE.search(citation.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{citation}: no date-released: YYYY-MM-DD line")
    day = datetime.datetime(*map(int, match.groups()), tzinfo=datetime.UTC)
    return int(day.timestamp())


def prepare(book: Path) -> None:
    """Set the build's and its kernels' environment variables for ``book`` (see the module doc)."""
    src = str(book / "src")
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != src]
    os.environ["PYTHONPATH"] = os.pathsep.join([src, *paths])
    os.environ["CCG_BOOK_ROOT"] = str(book)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(edition_epoch(book)))


def setup(app: Sphinx) -> None:
    """Prepare the environment for the book Sphinx is building."""
    prepare(Path(app.srcdir).resolve())
