"""Use the pre-warmed kernel pool (``ccg_leadership.kernel_pool``) when a build will execute notebooks.

The pool pays for its imports once, so it only helps when at least two notebooks execute: a cold
build starts it as soon as Sphinx is set up (``builder-inited``), so the template imports while
Sphinx loads its environment and generates the case pages (``scripts/build_book.py`` starts it
earlier still, before importing Sphinx, when there is no execution cache yet); an incremental build
starts it before reading (``env-before-read-docs``) only if at least :data:`MIN_EXECUTIONS` of
the documents to read will miss the execution cache, a question answered with myst-nb's and
jupyter-cache's own functions on the text the parser will see. The pool stops when the build
finishes (or fails).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..kernel_pool import enabled, shared
from . import dependencies

logger = logging.getLogger(__name__)

MIN_EXECUTIONS = 2


def cache_database(app: Sphinx) -> Path:
    """The jupyter-cache database of this build (it exists once a notebook has been executed)."""
    folder = app.config.nb_execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")
    return Path(app.srcdir, folder) / "global.db"


def executes_notebooks(app: Sphinx) -> bool:
    """True if this build may execute notebooks (cache mode, the pool not switched off)."""
    return enabled() and app.config.nb_execution_mode in {"cache", "force", "auto"}


def start_when_cold(app: Sphinx) -> None:
    """Start the pool at once when nothing has been executed yet (every notebook will run)."""
    if executes_notebooks(app) and not cache_database(app).is_file():
        _start("cold build: every notebook will execute")


def start_when_needed(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Start the pool if enough of the documents about to be read will execute."""
    if shared().running or not executes_notebooks(app):
        return
    misses = will_execute(app, env, docnames)
    if len(misses) >= MIN_EXECUTIONS:
        _start(f"{len(misses)} notebooks will execute")


def will_execute(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> list[str]:
    """Return the documents whose notebook is not in the execution cache (so myst-nb will run it)."""
    candidates = []
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        text = path.read_text(encoding="utf-8") if path.suffix == ".md" and path.is_file() else ""
        prepared = dependencies.prepared_source(app, docname, text)
        if prepared is not None:
            candidates.append((docname, path, prepared))
    if not candidates or not cache_database(app).is_file():
        return [docname for docname, _, _ in candidates]
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    cache = get_cache(str(cache_database(app).parent))
    misses = []
    for docname, path, text in candidates:
        try:
            reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
            cache.match_cache_notebook(reader.read(text))
        except Exception:  # KeyError (no match), or anything unexpected: assume it will run
            misses.append(docname)
    return misses


def _start(reason: str) -> None:
    pool = shared()
    early = pool.running  # the build driver may have launched it before Sphinx was even imported
    pool.start()
    note = "; launched early by the build driver" if early else ""
    logger.info("[kernel-pool] started (%s%s)", reason, note)


def stop(app: Sphinx, exception: Exception | None) -> None:
    """Stop the pool at the end of the build."""
    shared().stop()


def setup(app: Sphinx) -> None:
    """Connect the handlers (the cold start before the case-page generator, which takes a second)."""
    app.connect("builder-inited", start_when_cold, priority=100)
    app.connect("env-before-read-docs", start_when_needed, priority=100)
    app.connect("build-finished", stop)
