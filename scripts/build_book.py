"""Build the book strictly into <book>/_build/html (warnings are errors, nitpicky, keep-going).

Usage: python scripts/build_book.py [--book PATH] [--all] [--jobs N] [--force]

Runs Jupyter Book 1's Sphinx build in this process (starting Sphinx exactly as jupyter-book's
``build_sphinx`` does, see ``run_sphinx``), reading (hence executing) notebooks in parallel across
``--jobs`` processes (default: the CPUs this process may use). A failing cell fails the build.
The kernel imports the helper package from the book's own src/ (so a copy of the book builds against
its own code), and the build never writes under data/. Chapters re-execute when their code changes or
when a book file they read changes (see ``ccg_leadership.sphinx_ext.dependencies``). The last line
printed names the notebooks this build executed (from the jupyter-cache database).

If no input changed since the last successful build (same book files by path, size and modification
time, same driver, same installed packages), Sphinx is not started at all: a no-change rebuild then
costs a directory walk instead of Sphinx's ~2 s of start-up. ``--force`` or ``--all`` always build.

When Sphinx does run, its start-up is shortened without changing a byte of the site: jupyter-book's
configuration is computed once per ``_config.yml`` (``sphinx_config``), the installed entry points are
scanned once (``memoise_entry_points``), the garbage collector pauses while Sphinx starts
(``start_sphinx``), template and regular-expression compilations are kept
(``cache_compiled_templates``, ``stored_regex_compilations``), and pages are written by ``--jobs``
processes (``write_with_every_process``). State lives in ``_build/.ccg_driver/``.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def default_jobs() -> int:
    """Return the number of CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


EXECUTION_CACHE = Path("_build") / ".jupyter_cache" / "global.db"  # jupyter-cache's database


def cached_notebooks(book: Path) -> dict[int, str]:
    """Return ``{record id: notebook path}`` for every notebook in the book's execution cache.

    Reads jupyter-cache's SQLite database directly (read-only): importing jupyter-cache itself costs
    more than half a second, which would dominate a no-change rebuild.
    """
    db = book / EXECUTION_CACHE
    if not db.is_file():
        return {}
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        return dict(connection.execute("SELECT pk, uri FROM nbcache").fetchall())


def edition_epoch(book: Path) -> int:
    """The edition's release date (``date-released`` in CITATION.cff) as a Unix time, UTC midnight.

    Used as SOURCE_DATE_EPOCH, so every date Sphinx prints (the footer's copyright year and "last
    updated") is the edition's date, and two builds of the same edition print the same date.
    """
    import datetime
    import re

    text = (book / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(r'^date-released:\s*"?(\d{4})-(\d{2})-(\d{2})"?\s*$', text, flags=re.M)
    if not match:
        raise SystemExit(f"{book / 'CITATION.cff'}: no date-released: YYYY-MM-DD line")
    day = datetime.datetime(*map(int, match.groups()), tzinfo=datetime.UTC)
    return int(day.timestamp())


def prepare_environment(book: Path) -> None:
    """Make this process and the kernels it starts use the book's own package and data."""
    src = str(book / "src")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
    os.environ["CCG_BOOK_ROOT"] = str(book)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(edition_epoch(book)))
    sys.path.insert(0, src)
    for name in [m for m in sys.modules if m == "ccg_leadership" or m.startswith("ccg_leadership.")]:
        del sys.modules[name]


def declare_multitoc_parallel_safe() -> None:
    """Declare sphinx-multitoc-numbering parallel-safe (it does not say, so Sphinx would read serially).

    Its only effect is to replace ``TocTreeCollector.assign_section_numbers``, which Sphinx runs in the
    main process after the per-document data of parallel readers has been merged; it keeps no
    per-document state of its own, so parallel reading and writing are safe.
    """
    import sphinx_multitoc_numbering as multitoc

    if getattr(multitoc.setup, "_ccg_declared", False):
        return
    original = multitoc.setup

    def setup(app):  # noqa: ANN001, ANN202 - mirrors the extension's signature
        metadata = original(app) or {}
        return {**metadata, "parallel_read_safe": True, "parallel_write_safe": True}

    setup._ccg_declared = True  # type: ignore[attr-defined]
    multitoc.setup = setup


def balance_parallel_reading(book: Path) -> None:
    """Make Sphinx hand documents to its worker processes one at a time, heaviest first.

    Sphinx splits the outdated documents, in name order, into as many equal chunks as there are
    processes. Here most notebooks sort into the first half (``chapters/0*``, ``appendix-*``), so one
    process executed nearly all of them while the other idled. One document per task, notebooks
    with the most code cells first, lets whichever process is free take the next (longest-first
    scheduling); the extra cost is one fork and one environment pickle per document.
    """
    import sphinx.builders
    import sphinx.util.parallel

    def cost(docname: str) -> tuple[int, str]:
        source = book / f"{docname}.md"
        text = source.read_text(encoding="utf-8") if source.is_file() else ""
        return (-text.count("{code-cell}"), docname)

    default = sphinx.util.parallel.make_chunks

    def make_chunks(arguments: list[str], nproc: int, maxbatch: int = 10) -> list[list[str]]:
        if sys._getframe(1).f_code.co_name != "_read_parallel":  # writing: keep Sphinx's batches
            return default(arguments, nproc, maxbatch)
        return [[docname] for docname in sorted(arguments, key=cost)]

    sphinx.builders.make_chunks = make_chunks


DRIVER_STATE = Path("_build") / ".ccg_driver"
CONFIG_FORMAT = 1  # bump when what the configuration cache stores changes
YOUNG_GC_THRESHOLD = 10_000  # allocations between young collections while Sphinx runs (default 700)


def driver_overrides(book: Path) -> dict[str, object]:
    """The settings the driver adds to ``_config.yml``: the ToC path and nitpicky references."""
    return {
        "external_toc_path": (book / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "nitpicky": True,
    }


def static_listing(book: Path, folders: list[str]) -> dict[str, list[str]]:
    """The CSS and JS files under each static folder, in the order jupyter-book finds them."""
    listing = {}
    for folder in folders:
        root = book / folder
        listing[folder] = [p.relative_to(root).as_posix() for s in ("*.css", "*.js") for p in root.rglob(s)]
    return listing


def config_key(book: Path, overrides: dict[str, object]) -> str:
    """Hash what jupyter-book's configuration is computed from (its CSS/JS file lists aside)."""
    import jupyter_book

    static = (book / "_static").is_dir()  # jupyter-book adds the folder to the static path if it exists
    digest = hashlib.sha256(
        f"{CONFIG_FORMAT}\0{jupyter_book.__version__}\0{sys.version}\0{book}\0{static}\0".encode()
    )
    digest.update(json.dumps(overrides, sort_keys=True).encode() + b"\0")
    digest.update((book / "_config.yml").read_bytes())
    return digest.hexdigest()


def sphinx_config(book: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return jupyter-book's Sphinx configuration of the book and its LaTeX extras (``config_meta``).

    Computing it (``jupyter_book.config.get_final_config``: YAML parsing, JSON-schema validation of
    ``_config.yml``) costs a tenth of a second on every build, so the result is kept in
    ``_build/.ccg_driver/sphinx-config.json``. It is reused only while ``config_key`` (``_config.yml``,
    the driver's overrides, jupyter-book's version, Python, the book's path, whether ``_static``
    exists) and the CSS/JS files of the static folders are unchanged. A computation that prints
    anything (jupyter-book reports schema violations and deprecations that way) is not cached, so
    its messages show on every build.
    """
    overrides = driver_overrides(book)
    key = config_key(book, overrides)
    cache = book / DRIVER_STATE / "sphinx-config.json"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored["key"] == key and stored["static"] == static_listing(book, list(stored["static"])):
            sys.path.extend(p for p in stored["sys_path"] if p not in sys.path)
            return stored["config"], stored["meta"]
    import io

    from jupyter_book.config import get_final_config

    path_before, messages = list(sys.path), io.StringIO()
    with contextlib.redirect_stdout(messages), contextlib.redirect_stderr(messages):
        config, meta = get_final_config(
            user_yaml=book / "_config.yml", cli_config=dict(overrides), sourcedir=book, use_external_toc=True
        )
    print(messages.getvalue(), end="")
    added = sys.path[len(path_before) :] if sys.path[: len(path_before)] == path_before else None
    stored = {
        "key": key,
        "static": static_listing(book, list(config.get("html_static_path", []))),
        "sys_path": added,
        "config": config,
        "meta": meta,
    }
    if not messages.getvalue() and added is not None and json.loads(json.dumps(stored)) == stored:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.with_suffix(".tmp").write_text(json.dumps(stored, indent=1), encoding="utf-8")
        cache.with_suffix(".tmp").replace(cache)
    return config, meta


def memoise_entry_points() -> None:
    """Scan the installed packages' entry points once per build, not once per plugin lookup.

    ``entry_points(group=..., name=...)`` reads the metadata of every installed package on each
    call; a build looked plugins up 16 times (pybtex's styles, sphinxcontrib-bibtex's, Pygments',
    Sphinx's themes, myst-nb's renderers), about 0.3 s. Packages cannot change while a build runs
    (the driver counts them among its inputs), so the first scan answers every lookup, with the same
    selection as before. Must run before those packages are imported (they bind the function then).
    """
    import importlib.metadata

    modules = [importlib.metadata]
    with contextlib.suppress(ImportError):
        import importlib_metadata  # the backport myst-nb and jupyter-cache use

        modules.append(importlib_metadata)
    for module in modules:
        if not getattr(module.entry_points, "ccg_memoised", False):
            module.entry_points = _memoised(module.entry_points)


def _memoised(scan: Any) -> Any:
    """Wrap an ``entry_points`` function so its first full scan serves every later selection."""
    everything: list[Any] = []

    def entry_points(**params: Any) -> Any:
        if not everything:
            everything.append(scan())
        return everything[0].select(**params) if params else everything[0]

    entry_points.ccg_memoised = True  # type: ignore[attr-defined]
    return entry_points


def start_sphinx(**arguments: Any) -> Any:
    """Create the Sphinx application with the cyclic garbage collector paused, then freeze its heap.

    Start-up allocates a few hundred thousand objects that live until the build ends (modules,
    extensions, the pickled environment); collecting while they were created found almost nothing
    to free and cost about 0.4 s of a prose rebuild. What exists once Sphinx has started is frozen
    (later collections skip it) and young collections run less often. Forked reader and writer
    processes inherit the frozen heap without the collector touching (hence copying) its pages.
    """
    import gc

    from sphinx.application import Sphinx

    gc.disable()
    try:
        return Sphinx(**arguments)
    finally:
        gc.freeze()
        gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])
        gc.enable()


def finish_jupyter_book_setup(app: Any, meta: dict[str, Any]) -> None:
    """Apply the settings jupyter-book's ``build_sphinx`` applies once Sphinx has started (HTML builds)."""
    from jupyter_book.pdf import update_latex_documents

    app.config.latex_documents = update_latex_documents(
        app.config.latex_documents, meta["latex_doc_overrides"]
    )
    if not app.config["use_multitoc_numbering"] or "sphinx_multitoc_numbering" in app.extensions:
        return  # (jupyter-book's configuration lists it among the extensions whenever it is wanted)
    if "external_toc_path" in app.config:
        import yaml

        if "numbered: true" not in yaml.dump(app.config.external_site_map.as_json()):
            return
    app.setup_extension("sphinx_multitoc_numbering")


def cache_compiled_templates(app: Any, folder: Path) -> None:
    """Keep the HTML templates' compiled code under ``folder`` (Jinja's bytecode cache).

    Sphinx compiles the theme's ~40 templates again in every build (about 0.3 s). Jinja reuses a
    stored compilation only for the same template source (it checks a hash of it); the folder name
    covers the Python, Jinja and Sphinx versions and the environment's syntax settings.
    """
    import jinja2
    import sphinx

    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if not isinstance(environment, jinja2.Environment) or environment.bytecode_cache is not None:
        return
    settings = [sys.version, jinja2.__version__, sphinx.__version__, type(environment).__qualname__]
    settings += sorted(environment.extensions)
    for name in JINJA_SYNTAX:
        value = getattr(environment, name, None)
        settings.append(f"{name}={getattr(value, '__qualname__', value)!r}")
    target = folder / hashlib.sha256("\0".join(settings).encode()).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(target))


JINJA_SYNTAX = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
)


def write_with_every_process(app: Any, jobs: int) -> None:
    """Write pages in ``jobs`` processes besides the main one, rather than Sphinx's ``jobs - 1``.

    While pages are written in parallel, the main process only prepares each batch of pages and then
    waits: with two CPUs, Sphinx's one writer process left the other CPU idle (a prose edit rewrites
    two pages after the first, one after the other). Reading keeps ``jobs`` processes.
    """

    def more_writers(app: Any, builder: Any) -> None:
        app.parallel = jobs + 1

    if jobs > 1:
        app.connect("write-started", more_writers)


def run_sphinx(book: Path, config: dict[str, Any], meta: dict[str, Any], *, fresh: bool, jobs: int) -> Any:
    """Build HTML exactly as ``jupyter_book.sphinx.build_sphinx`` would with the driver's arguments.

    Same Sphinx arguments and steps (docutils namespace, no conf.py, warnings as errors, keep going),
    with the configuration from :func:`sphinx_config`, a paused garbage collector during start-up and
    cached template compilations. Returns Sphinx's status code, or the exception that stopped it.
    """
    import argparse

    from sphinx.cmd.build import handle_exception
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    outdir = book / "_build" / "html"
    app = None
    try:
        with patch_docutils(None), docutils_namespace():
            app = start_sphinx(
                srcdir=book,
                confdir=None,
                outdir=outdir,
                doctreedir=outdir.parent / ".doctrees",
                buildername="html",
                confoverrides=config,
                status=sys.stdout,
                warning=sys.stderr,
                freshenv=fresh,
                warningiserror=True,
                tags=None,
                verbosity=0,
                parallel=jobs,
                keep_going=True,
            )
            finish_jupyter_book_setup(app, meta)
            cache_compiled_templates(app, book / DRIVER_STATE / "templates")
            write_with_every_process(app, jobs)
            app.build(False, [])
            return app.statuscode
    except (Exception, KeyboardInterrupt) as exc:
        options = argparse.Namespace(pdb=False, verbosity=False, traceback=False)
        handle_exception(app, options, exc, sys.stderr)
        return exc


@contextlib.contextmanager
def stored_regex_compilations(folder: Path) -> Iterator[None]:
    """Reuse the compiled code of regular expressions from earlier builds (kept under ``folder``).

    A build compiles ~670 patterns as modules are imported and first used (soupsieve's CSS tokenizer
    alone, for the theme's navigation, takes a quarter of a second): 0.4-0.5 s of a prose rebuild.
    Python compiles a pattern in two steps: its pure-Python compiler turns the pattern into a list of
    opcodes (the slow part), then ``_sre.compile`` builds the matcher. The opcode lists are stored,
    per Python version, and handed to ``_sre.compile`` directly. A pattern is stored only once its
    replayed compilation has been checked equal to Python's own (see :func:`regex_record`); only
    plain ``str``/``bytes`` patterns are, never with ``re.DEBUG``. Patterns compiled in forked reader
    or writer processes are not stored.
    """
    import pickle
    import re

    compiler = getattr(re, "_compiler", None)  # Python 3.11+
    if compiler is None:
        yield
        return
    path = folder / f"regex-{hashlib.sha256(sys.version.encode()).hexdigest()[:16]}.pickle"
    try:
        table = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        table = {}
    known, python_compile, owner = len(table), compiler.compile, os.getpid()

    def compile_pattern(pattern: Any, flags: int = 0) -> Any:
        if type(pattern) not in (str, bytes) or flags & re.DEBUG:
            return python_compile(pattern, flags)
        key = (type(pattern), pattern, int(flags))
        if key in table:
            return compiler._sre.compile(pattern, *table[key])
        expected = python_compile(pattern, flags)
        record = regex_record(compiler, pattern, flags, expected)
        if record is not None:
            table[key] = record
        return expected

    compiler.compile = compile_pattern
    try:
        yield
    finally:
        compiler.compile = python_compile
        if len(table) > known and os.getpid() == owner:
            with contextlib.suppress(OSError):
                folder.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(f".{owner}.tmp")
                temporary.write_bytes(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
                temporary.replace(path)


def regex_record(compiler: Any, pattern: str | bytes, flags: int, expected: Any) -> tuple | None:
    """The arguments of ``_sre.compile`` that rebuild ``expected`` (Python's compilation of the pattern).

    Recomputed with the steps of ``re._compiler.compile``; returned only if the matcher they build
    equals ``expected`` (same opcodes and flags, same groups and group names), else None.
    """
    parsed = compiler._parser.parse(pattern, flags)
    state = parsed.state
    names = [None] * state.groups
    for name, index in state.groupdict.items():
        names[index] = name
    code = [int(op) for op in compiler._code(parsed, flags)]  # plain ints: the opcodes do not pickle
    record = (int(flags | state.flags), code, state.groups - 1, dict(state.groupdict), tuple(names))
    replayed = compiler._sre.compile(pattern, *record)
    shape = (replayed.groups, replayed.groupindex) == (expected.groups, expected.groupindex)
    same = replayed == expected and shape  # == compares the pattern, flags and opcodes
    return record if same else None


def build(book: Path, *, fresh: bool = False, jobs: int = 1) -> int:
    """Run the strict Sphinx build of ``book``; return 0 on success, else a non-zero status."""
    with stored_regex_compilations(book / DRIVER_STATE):
        memoise_entry_points()
        declare_multitoc_parallel_safe()
        balance_parallel_reading(book)
        config, meta = sphinx_config(book)
        result = run_sphinx(book, config, meta, fresh=fresh, jobs=jobs)
    if isinstance(result, BaseException):
        # A parallel reader's failure arrives as SphinxParallelError, whose message names only the
        # notebook; the reader's traceback (with the failing cell and its exception) is kept beside it.
        detail = getattr(result, "traceback", "")
        print(f"build failed: {result.__class__.__name__}: {result}\n{detail}".rstrip(), file=sys.stderr)
        return 2
    return int(result or 0)


# Folders that are build output, caches or tool state, not inputs. node_modules is left out because
# package-lock.json (an input) pins it; scanning its ~12k files would cost more than it protects.
NOT_INPUTS = frozenset(
    {
        "_build",
        ".git",
        ".venv",
        "node_modules",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
    }
)
STAMP = Path("_build") / ".ccg_dependencies" / "last-successful-build"


def ignored_patterns(book: Path) -> list[str]:
    """Return the book's ``.gitignore`` patterns (build products and caches, e.g. generated pages)."""
    path = book / ".gitignore"
    if not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line.rstrip("/").lstrip("/") for line in lines if line and not line.startswith(("#", "!"))]


def is_ignored(relpath: str, patterns: list[str]) -> bool:
    """Return True if ``relpath`` matches a .gitignore pattern (name patterns match any component)."""
    parts = relpath.split("/")
    for pattern in patterns:
        if "/" in pattern:
            if fnmatch.fnmatchcase(relpath, pattern):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def input_signature(book: Path, build_variables: dict[str, str]) -> str:
    """Return a signature of everything a build reads: the book's files, the driver, installed packages.

    Each book file contributes its path, size and modification time (any edit, copy or checkout
    changes these); files git ignores (build products such as the generated case pages, caches) are
    left out, as they are derived from the inputs. Installed packages contribute their
    ``*.dist-info`` names (so versions); so do the Python version and ``build_variables`` (the
    environment variables the build depends on, captured before it starts).
    """
    digest = hashlib.sha256(sys.version.encode())
    patterns = ignored_patterns(book)
    entries = []
    stack = [book]
    while stack:
        with os.scandir(stack.pop()) as scan:
            for entry in scan:
                relpath = os.path.relpath(entry.path, book).replace(os.sep, "/")
                if entry.name in NOT_INPUTS or is_ignored(relpath, patterns):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    info = entry.stat()
                    entries.append(f"{relpath}\0{info.st_size}\0{info.st_mtime_ns}")
    driver = Path(__file__).resolve().stat()
    entries.append(f"driver\0{driver.st_size}\0{driver.st_mtime_ns}")
    for folder in sorted({p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p)}):
        entries.extend(sorted(name for name in os.listdir(folder) if name.endswith(".dist-info")))
    for name, value in sorted(build_variables.items()):
        entries.append(f"env\0{name}\0{value}")
    for line in sorted(entries):
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def up_to_date(book: Path, signature: str) -> bool:
    """Return True if the last successful build saw exactly these inputs and its output is still there."""
    stamp = book / STAMP
    outputs = (book / "_build" / "html" / "index.html", book / "_build" / ".doctrees" / "environment.pickle")
    return stamp.is_file() and stamp.read_text().strip() == signature and all(p.is_file() for p in outputs)


def start_kernel_pool_early(book: Path) -> None:
    """On a cold build (no execution cache yet), launch the kernel pool's template before Sphinx starts.

    Every notebook will execute, so the template (``ccg_leadership.kernel_pool``) can import the
    chapters' libraries while this process imports Sphinx and its extensions; the book's Sphinx
    extension then uses it (and starts it itself, later, on an incremental build that needs it).
    """
    if (book / EXECUTION_CACHE).is_file():
        return
    from ccg_leadership import kernel_pool

    if kernel_pool.enabled():
        kernel_pool.shared().start()


def stop_kernel_pool() -> None:
    """Stop the kernel pool if this build started one (the extension normally has, at build-finished)."""
    pool = sys.modules.get("ccg_leadership.kernel_pool")
    if pool is not None:
        pool.shared().stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--book", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--all", action="store_true", help="re-read and re-write every page")
    parser.add_argument("--jobs", "-j", type=int, default=default_jobs(), help="parallel processes")
    parser.add_argument(
        "--force", action="store_true", help="run Sphinx even if no input changed since the last build"
    )
    args = parser.parse_args(argv)
    if argv is None and "PYTHONHASHSEED" not in os.environ:
        # Sphinx runs in this process: fix its hash seed (as the former subprocess build did) so set
        # and dict orders, hence the output, cannot vary between runs.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    book = args.book.resolve()
    prepare_environment(book)
    variables = {  # captured now: the build itself sets CCG_DEPENDENCY_* for its kernels
        name: value
        for name, value in os.environ.items()
        if name.startswith("CCG_") or name in {"PYTHONPATH", "PYTHONHASHSEED", "SOURCE_DATE_EPOCH"}
    }
    signature = input_signature(book, variables)
    if not (args.all or args.force) and up_to_date(book, signature):
        print("nothing changed since the last successful build; Sphinx not run (use --force to run it)")
        print(f"book: {book / '_build' / 'html' / 'index.html'}")
        print("executed notebooks: 0")
        return 0
    (book / STAMP).unlink(missing_ok=True)
    before = cached_notebooks(book)
    start_kernel_pool_early(book)
    try:
        status = build(book, fresh=args.all, jobs=max(1, args.jobs))
    finally:
        stop_kernel_pool()
    if status != 0:
        print(f"build FAILED (status {status})", file=sys.stderr)
        return status
    executed = sorted(
        os.path.relpath(uri, book) for pk, uri in cached_notebooks(book).items() if pk not in before
    )
    if input_signature(book, variables) == signature:  # nothing was edited while the build ran
        (book / STAMP).write_text(signature + "\n")
    print(f"book: {book / '_build' / 'html' / 'index.html'}")
    print(f"executed notebooks: {len(executed)}" + (f" ({', '.join(executed)})" if executed else ""))
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every output file is written and closed by now; tearing down the interpreter (a heap of doctrees,
    # the Sphinx environment, hundreds of modules) would only add up to a second to every build.
    os._exit(status)
