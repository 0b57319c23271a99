"""A ToC entry naming a page that does not exist stops the build with a message naming ``_toc.yml``.

Left to Sphinx, the missing page is a warning placed on the *parent* page ("toctree contains reference
to nonexisting document"), which sends the author to a file that is fine. At ``builder-inited``,
after the case pages are generated, every page the ToC names (``sphinx-external-toc``'s public
``parse_toc_yaml``) must exist with one of the book's source suffixes; otherwise the build stops
with one line per missing page: the ToC file, the line of the entry, and the files looked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import SphinxError
from sphinx_external_toc.parsing import parse_toc_yaml

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class TocEntryMissing(SphinxError):
    """The ToC names a page with no source file."""

    category = "Table of contents names a missing page"


def entry_line(toc_text: str, docname: str) -> int | None:
    """The 1-based line of ``_toc.yml`` naming ``docname`` (with or without suffix), if found."""
    for number, line in enumerate(toc_text.splitlines(), start=1):
        value = line.split(":", 1)[-1].strip().strip("'\"")
        if value == docname or value.rsplit(".", 1)[0] == docname:
            return number
    return None


def missing_pages(toc: Path, srcdir: Path, suffixes: list[str]) -> list[str]:
    """One message per page ``toc`` names that has no source file under ``srcdir``."""
    text = toc.read_text(encoding="utf-8")
    problems = []
    for name in parse_toc_yaml(toc):
        docname = next((name[: -len(s)] for s in suffixes if name.endswith(s)), name)
        candidates = [srcdir / f"{docname}{suffix}" for suffix in suffixes]
        if any(path.is_file() for path in candidates):
            continue
        line = entry_line(text, docname)
        where = f"{toc}: line {line}" if line else str(toc)
        looked = ", ".join(str(path.relative_to(srcdir)) for path in candidates)
        problems.append(f"{where}: the entry {docname!r} names no page (none of {looked} exists)")
    return problems


def check_toc(app: Sphinx) -> None:
    """Stop the build if ``_toc.yml`` (``external_toc_path``) names a page that does not exist."""
    if "external_toc_path" not in app.config or not app.config.external_toc_path:
        return
    srcdir = Path(app.srcdir)
    toc = Path(app.config.external_toc_path)
    toc = toc if toc.is_absolute() else srcdir / toc
    if not toc.is_file():
        return  # sphinx-external-toc reports a missing ToC file itself
    problems = missing_pages(toc, srcdir, list(app.config.source_suffix))
    if problems:
        raise TocEntryMissing("\n".join(problems))


def setup(app: Sphinx) -> None:
    """Connect the check (after the case pages are generated at builder-inited)."""
    app.connect("builder-inited", check_toc, priority=800)
