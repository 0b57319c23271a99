"""Where the book's inputs live.

The data folder is found from the book being built, not from where the package is installed, so a
copy of the book (a test build, a benchmark) reads its own ``data/``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CCG_BOOK_ROOT"


def book_root(start: Path | None = None) -> Path:
    """Return the book's root folder: ``$CCG_BOOK_ROOT``, else the nearest parent holding ``_toc.yml``."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file() and (folder / "data").is_dir():
            return folder
    fallback = Path(__file__).resolve().parents[2]
    if (fallback / "_toc.yml").is_file():
        return fallback
    raise FileNotFoundError(f"no book root (a folder with _toc.yml and data/) above {here}")


def data_dir(start: Path | None = None) -> Path:
    """Return the book's ``data/`` folder."""
    return book_root(start) / "data"
