"""Downloads for analysts: the book's input data as one archive, every chapter as a notebook and source.

Enable with ``sphinx.extra_extensions: [ccg_book.downloads]`` in ``_config.yml`` and place the
``{ccg-downloads}`` directive where the links belong (the end of Appendix A). At the end of an HTML
build the extension writes, under ``downloads/`` in the output:

- ``ccg-book-data.zip``: every file under the book's ``data/`` folder (README and schemas included),
  stored as ``data/...`` with fixed timestamps, so identical inputs give an identical archive;
- ``<docname>.ipynb`` for every page that is a notebook: the page as myst-nb read it, with the
  outputs of its execution merged in from the book's jupyter-cache (jupyter-cache's public
  ``merge_match_into_notebook``, matched on the code as it was executed), less the hidden cell the
  build's dependency tracker appends to every notebook. (The copy myst-nb writes to
  ``_build/jupyter_execute/`` is not used: it has no outputs when the page came from the cache.)
  Values and charts glued into the text are shown as ordinary outputs of the cells that glued them
  (myst-nb's glue stores them under a ``mime_prefix``, which Jupyter would not display);
- ``<docname>.md``: the page's MyST source.

The directive becomes a list of relative links to those files, in ToC order, so they work offline and
under any sub-path; in other builders (LaTeX) it becomes a sentence pointing to the site. The build only
reads ``data/``.
"""

from __future__ import annotations

import filecmp
import json
import os
import posixpath
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .dependencies import CELL_MARKER
from .inputs import PDF_EDITION
from .site_fixes import WIDGET_STATE_TYPE, rename_ids, stable_widget_ids

FOLDER = "downloads"
ARCHIVE = "ccg-book-data.zip"
PDF_BUILT = Path(PDF_EDITION)  # what scripts/pdf.sh writes (latex_documents in _config.yml)
PDF = PDF_BUILT.name
WIDGET_VIEW_TYPE = "application/vnd.jupyter.widget-view+json"
PDF_SEEN = "ccg_download_pdf"  # env attribute: whether the PDF edition existed when the links were made
DATA = "data"
SOURCES = "ccg_download_sources"  # env attribute: docname -> notebook text as myst-nb read it
SKIP = {"__pycache__", ".ipynb_checkpoints", ".DS_Store"}
_ZIP_EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can carry


class downloads_list(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """Placeholder for the list of downloads, filled in once every page has been read."""


class DownloadsDirective(SphinxDirective):
    """``{ccg-downloads}``: the data archive and each chapter's notebook and source, as links."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.metadata[self.env.docname]["ccg_downloads"] = True
        return [downloads_list()]


def book_order(env: Any) -> list[str]:
    """Every document reachable from the root document's toctree, in reading order."""
    order: list[str] = []

    def walk(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def is_notebook(env: Any, docname: str) -> bool:
    """True if myst-nb read ``docname`` as a notebook (it records the kernelspec in the page metadata)."""
    return bool(env.metadata.get(docname, {}).get("kernelspec"))


def _link(text: str, uri: str) -> nodes.reference:
    return nodes.reference("", text, refuri=uri, internal=False)


def _relative(fromdoc: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(fromdoc) or ".")


def _paragraph(*parts: nodes.Node | str) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    for part in parts:
        paragraph += nodes.Text(part) if isinstance(part, str) else part
    return paragraph


def downloads_nodes(env: Any, fromdoc: str) -> list[nodes.Node]:
    """The links the directive stands for, relative to ``fromdoc``'s HTML page."""
    archive = _link(ARCHIVE, _relative(fromdoc, f"{FOLDER}/{ARCHIVE}"))
    intro = _paragraph(
        "The book's input data, every file under ",
        nodes.literal("", "data/"),
        " with its README and schemas, as one archive: ",
        archive,
        ". Each page below is also offered as the notebook the build executed (",
        nodes.literal("", ".ipynb"),
        ", with its outputs) and as its MyST source (",
        nodes.literal("", ".md"),
        ").",
    )
    if (Path(env.srcdir) / PDF_BUILT).is_file():
        pdf = _paragraph(
            "The whole book as a PDF edition: ", _link(PDF, _relative(fromdoc, f"{FOLDER}/{PDF}")), "."
        )
    else:
        pdf = _paragraph(
            "The PDF edition is made by ",
            nodes.literal("", "scripts/pdf.sh"),
            " (see the README); this copy of the site was built without it.",
        )
    items = nodes.bullet_list(classes=["ccg-downloads"])
    for docname in book_order(env):
        title = env.titles[docname].astext() if docname in env.titles else docname
        parts: list[nodes.Node | str] = [title, ": "]
        if is_notebook(env, docname):
            parts += [_link("notebook", _relative(fromdoc, f"{FOLDER}/{docname}.ipynb")), " · "]
        parts.append(_link("MyST source", _relative(fromdoc, f"{FOLDER}/{docname}.md")))
        items += nodes.list_item("", _paragraph(*parts))
    return [pdf, intro, items]


def fill_downloads(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace the placeholder with links (HTML) or with a pointer to the website (other formats)."""
    for placeholder in list(doctree.findall(downloads_list)):
        if app.builder.format == "html":
            placeholder.replace_self(downloads_nodes(app.env, docname))
        else:
            placeholder.replace_self(
                _paragraph(
                    "The data archive and every chapter as an executed notebook and as MyST source are "
                    "offered for download in this appendix on the book's website."
                )
            )


def data_files(book: Path) -> Iterator[Path]:
    """Every file under ``book/data`` (sorted; caches and editor litter left out)."""
    for path in sorted((book / DATA).rglob("*")):
        if path.is_file() and not SKIP.intersection(path.relative_to(book).parts):
            yield path


def write_archive(book: Path, target: Path) -> None:
    """Zip ``book/data`` into ``target`` reproducibly (sorted names, fixed time and permissions)."""
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", _ZIP_EPOCH)), _ZIP_EPOCH)
    stamp = time.gmtime(epoch)[:6]
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in data_files(book):
            entry = zipfile.ZipInfo(path.relative_to(book).as_posix(), date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes(), compresslevel=9)
    partial.replace(target)


def copy_if_changed(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` unless an identical file is already there."""
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def remember_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Keep each page's text as myst-nb will read it (after every other ``source-read`` handler)."""
    if not hasattr(app.env, SOURCES):
        setattr(app.env, SOURCES, {})
    getattr(app.env, SOURCES)[docname] = source[0]


def purge_source(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, SOURCES, {}).pop(docname, None)


def merge_sources(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    """Parallel reading: take over the texts the reader processes kept."""
    if not hasattr(env, SOURCES):
        setattr(env, SOURCES, {})
    getattr(env, SOURCES).update({d: t for d, t in getattr(other, SOURCES, {}).items() if d in docnames})


def execution_cache(app: Sphinx) -> Path:
    """The jupyter-cache folder myst-nb uses (its default: ``<outdir>/../.jupyter_cache``)."""
    configured = app.config.nb_execution_cache_path
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def show_glued(output: Any) -> None:
    """Make a glued output displayable: strip glue's MIME prefix from its data keys (kept in metadata)."""
    prefix = output.get("metadata", {}).get("scrapbook", {}).get("mime_prefix")
    if prefix and "data" in output:
        output["data"] = {key.removeprefix(prefix): value for key, value in output["data"].items()}


def reader_notebook(text: str, cache: Any, docname: str) -> str:
    """The executed notebook as readers get it: outputs merged from the cache, no hidden build cell."""
    try:
        _, notebook = cache.merge_match_into_notebook(read_myst_markdown_notebook(text))
    except KeyError:
        raise RuntimeError(f"{docname}: no execution of this page in the jupyter-cache") from None
    notebook.cells = [
        cell
        for cell in notebook.cells
        if not (cell.cell_type == "code" and cell.source.lstrip().startswith(CELL_MARKER))
    ]
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"  # nbformat gives new cells random ids; these are stable between builds
        for output in cell.get("outputs", []):
            show_glued(output)
    nbformat.validate(notebook)
    return stable_widget_notebook(json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False), docname)


def stable_widget_notebook(text: str, docname: str) -> str:
    """Rename the random widget model ids of a notebook's JSON to the ids the site's pages use.

    Every execution gives ipywidgets new random ids, so without this the explorer's notebook would
    differ between two builds of the same book (the same mapping as :func:`site_fixes.stable_widget_ids`).
    """
    notebook = json.loads(text)
    state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE_TYPE, {}).get("state", {})
    if not state:
        return text + "\n"
    views = [
        output["data"][WIDGET_VIEW_TYPE].get("model_id", "")
        for cell in notebook.get("cells", [])
        for output in cell.get("outputs", [])
        if WIDGET_VIEW_TYPE in output.get("data", {})
    ]
    renamed = json.loads(rename_ids(text, stable_widget_ids(docname, state, views)))
    return json.dumps(renamed, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def write_if_changed(text: str, target: Path) -> None:
    """Write ``text`` to ``target`` unless the file already holds exactly that."""
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Write the archive, the executed notebooks and the sources into the HTML output."""
    if exception is not None or app.builder.format != "html":
        return
    env = app.env
    if not any(meta.get("ccg_downloads") for meta in env.metadata.values()):
        return
    book, out = Path(app.srcdir), Path(app.outdir) / FOLDER
    sources = getattr(env, SOURCES, {})
    cache = get_cache(str(execution_cache(app)))
    out.mkdir(parents=True, exist_ok=True)
    write_archive(book, out / ARCHIVE)
    wanted = {out / ARCHIVE}
    if (book / PDF_BUILT).is_file():
        wanted.add(out / PDF)
        copy_if_changed(book / PDF_BUILT, out / PDF)
    for docname in book_order(env):
        wanted.add(out / f"{docname}.md")
        copy_if_changed(Path(env.doc2path(docname)), out / f"{docname}.md")
        if is_notebook(env, docname):
            wanted.add(out / f"{docname}.ipynb")
            write_if_changed(reader_notebook(sources[docname], cache, docname), out / f"{docname}.ipynb")
    for stale in [p for p in out.rglob("*") if p.is_file() and p not in wanted]:
        stale.unlink()  # a page that left the book, or a leftover partial archive


def offer_pdf_in_menu(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Add the PDF edition, when built, to every page's download menu (the theme's ``header_buttons``)."""
    if not (Path(app.srcdir) / PDF_BUILT).is_file():
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](f"{FOLDER}/{PDF}", 1),
                    "text": "book .pdf",
                    "tooltip": "Download the whole book as a PDF",
                    "icon": "fas fa-book",
                    "label": "download-book-pdf-button",
                }
            )


def outdated_downloads_page(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """Pages to re-read: every page when the PDF edition came or went (each page's download menu), the
    page with the links when pages come or go (its list names every page), and any notebook whose text
    this extension has not kept yet (an environment from before it)."""
    sources = getattr(env, SOURCES, {})
    pages = {d for d in env.all_docs if d not in removed and is_notebook(env, d) and d not in sources}
    pdf_now = (Path(env.srcdir) / PDF_BUILT).is_file()
    pdf_changed = getattr(env, PDF_SEEN, None) != pdf_now
    setattr(env, PDF_SEEN, pdf_now)
    if pdf_changed:  # the PDF edition came or went: every page's download menu changes
        return sorted(d for d in env.all_docs if d not in removed)
    if added or removed:
        pages |= {d for d, meta in env.metadata.items() if meta.get("ccg_downloads") and d not in removed}
    return sorted(pages)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive and the events that fill it in and write the files."""
    app.add_node(downloads_list)
    app.add_directive("ccg-downloads", DownloadsDirective)
    app.connect("source-read", remember_source, priority=900)
    app.connect("env-purge-doc", purge_source)
    app.connect("env-merge-info", merge_sources)
    app.connect("doctree-resolved", fill_downloads)
    app.connect("env-get-outdated", outdated_downloads_page)
    app.connect("build-finished", write_downloads)
    # After sphinx-book-theme fills in the download menu (its handler runs at priority 501).
    app.connect("html-page-context", offer_pdf_in_menu, priority=600)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
