"""Build the book strictly into <book>/_build/html (warnings are errors, nitpicky, keep-going).

Usage: python scripts/build_book.py [--book PATH] [--all] [--jobs N] [--force]

Runs Jupyter Book 1's Sphinx build in this process, reading (hence executing) notebooks in parallel
across ``--jobs`` processes (default: the CPUs this process may use). A failing cell fails the build.
The kernel imports the helper package from the book's own src/ (so a copy of the book builds against
its own code), and the build never writes under data/. Chapters re-execute when their code changes or
when a book file they read changes (see ``ccg_leadership.sphinx_ext.dependencies``). The last line
printed names the notebooks this build executed (from the jupyter-cache database).

If no input changed since the last successful build (same book files by path, size and modification
time, same driver, same installed packages), Sphinx is not started at all: a no-change rebuild then
costs a directory walk instead of Sphinx's ~2 s of start-up. ``--force`` or ``--all`` always build.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import hashlib
import os
import sqlite3
import sys
from pathlib import Path


def default_jobs() -> int:
    """Return the number of CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def cached_notebooks(book: Path) -> dict[int, str]:
    """Return ``{record id: notebook path}`` for every notebook in the book's execution cache.

    Reads jupyter-cache's SQLite database directly (read-only): importing jupyter-cache itself costs
    more than half a second, which would dominate a no-change rebuild.
    """
    db = book / "_build" / ".jupyter_cache" / "global.db"
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


def build(book: Path, *, fresh: bool = False, jobs: int = 1) -> int:
    """Run the strict Sphinx build of ``book``; return 0 on success, else a non-zero status."""
    from jupyter_book.sphinx import build_sphinx

    declare_multitoc_parallel_safe()
    balance_parallel_reading(book)

    result = build_sphinx(
        book,
        book / "_build" / "html",
        noconfig=True,
        path_config=str(book / "_config.yml"),
        confoverrides={
            "external_toc_path": (book / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "nitpicky": True,
        },
        builder="html",
        freshenv=fresh,
        warningiserror=True,
        keep_going=True,
        jobs=jobs,
    )
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
    status = build(book, fresh=args.all, jobs=max(1, args.jobs))
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
    sys.exit(main())
