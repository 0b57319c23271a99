"""Execute the notebooks a build will execute, in parallel, before Sphinx reads them (a speed-up only).

Sphinx reads this book serially (sphinx-multitoc-numbering, which jupyter-book loads for the numbered
ToC, does not declare itself parallel-safe), so myst-nb would execute its notebooks one after another.
This step, run by the build entry point before jupyter-book starts, does what myst-nb's cache mode
does for each notebook, on ``jobs`` processes at once, through public APIs only:

- the notebook text exactly as myst-nb will see it (the extension's hidden dependency cell appended
  by :func:`ccg_book.dependencies.prepared_source`), read with myst-nb's own reader;
- jupyter-cache's ``match_cache_notebook``: a notebook already in the cache is left alone (and a
  notebook whose text is exactly the one found in the cache after the last successful build is not
  even parsed again: ``_build/.ccg_build/cached-notebooks.json`` keeps the SHA-256 of those texts);
- the others are run with jupyter-cache's ``single_nb_execution`` (what myst-nb calls) in the notebook's
  folder, and stored with ``cache_notebook_bundle`` under the same execution-time record.

When Sphinx then reads the pages, myst-nb finds every notebook in the cache. A notebook that fails
here is not stored: myst-nb executes it again and reports the failure itself, so errors look as they
do in a stock build. Whatever this step gets wrong can only cost time, never change the site.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.read import read_myst_markdown_notebook
from myst_parser.config.main import MdParserConfig
from nbformat import NotebookNode

from .dependencies import STATE_DIR, prepare_kernels, prepared_source


def toc_documents(book: Path) -> list[str]:
    """Every document the ToC (``_toc.yml``) names, root first (the book builds only these)."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    found = [str(toc["root"])]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                found.append(str(entry["file"]).removesuffix(".md"))
            walk(entry.get("sections", []))

    walk(toc.get("chapters", []))
    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return found


BUILD = Path("_build")
CACHE = BUILD / ".jupyter_cache"  # jupyter-book's default nb_execution_cache_path
KNOWN = BUILD / ".ccg_build" / "cached-notebooks.json"


def prepared_notebooks(book: Path) -> dict[Path, str]:
    """``{path: text as myst-nb will read it}`` for every MyST notebook with code the ToC names."""
    texts = {}
    for docname in toc_documents(book):
        path = book / f"{docname}.md"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        prepared = prepared_source(book, book / BUILD, docname, text) if text else None
        if prepared is not None:
            texts[path] = prepared
    return texts


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def notebooks_to_execute(book: Path) -> list[tuple[Path, NotebookNode]]:
    """The ToC's notebooks with code that are not in the execution cache (as myst-nb will read them)."""
    try:
        known = set(json.loads((book / KNOWN).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        known = set()
    cache, missing = None, []
    for path, text in prepared_notebooks(book).items():
        if digest(text) in known:
            continue
        cache = cache or get_cache(book / CACHE)
        notebook = read_myst_markdown_notebook(text, MdParserConfig(), path=str(path))
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            missing.append((path, notebook))
    return sorted(missing, key=lambda item: -len(item[1].cells))  # longest first: the workers finish together


def remember_cached(book: Path) -> None:
    """After a successful build, note the texts of the notebooks now in the cache (see the module doc)."""
    (book / KNOWN).parent.mkdir(parents=True, exist_ok=True)
    digests = sorted(digest(text) for text in prepared_notebooks(book).values())
    (book / KNOWN).write_text(json.dumps(digests, indent=1), encoding="utf-8")


def execution_settings(book: Path) -> dict[str, Any]:
    """The ``execute:`` settings of ``_config.yml`` myst-nb executes with (timeout, allow_errors)."""
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8")) or {}
    execute = config.get("execute") or {}
    return {"timeout": execute.get("timeout", 30), "allow_errors": bool(execute.get("allow_errors", False))}


def execute(
    path: Path, notebook: NotebookNode, settings: dict[str, Any]
) -> tuple[Path, NotebookNode, float | None]:
    """Execute one notebook in its folder as myst-nb would; its run time, or None if it failed."""
    result = single_nb_execution(notebook, cwd=str(path.parent), meta_override=True, **settings)
    return path, notebook, None if result.err is not None else result.time


def execute_in_parallel(
    book: Path, missing: list[tuple[Path, NotebookNode]], jobs: int
) -> list[tuple[Path, float]]:
    """Execute and cache ``missing`` (:func:`notebooks_to_execute`) on ``jobs`` processes.

    Returns each notebook executed and cached, with its run time (failures are left to myst-nb).
    """
    prepare_kernels(book, book / BUILD)
    (book / BUILD / STATE_DIR).mkdir(parents=True, exist_ok=True)
    cache, settings = get_cache(book / CACHE), execution_settings(book)
    done = []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(jobs, len(missing)), mp_context=context) as pool:
        futures = [pool.submit(execute, path, notebook, settings) for path, notebook in missing]
        for future in futures:
            path, notebook, seconds = future.result()
            if seconds is None:
                continue  # myst-nb will execute it again, and report the failure
            bundle = CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds})
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
            done.append((path, seconds))
    return done
