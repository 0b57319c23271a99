"""Build the book strictly into <book>/_build/html: ``jupyter-book build <book> -W -n --keep-going``, faster.

Usage: python -m ccg_book.build [--book PATH] [--all] [--force] [--jobs N]   (``scripts/build.sh`` runs it)

The build itself is jupyter-book's own command, run in this process, so it makes exactly the site a
stock ``jupyter-book build . -W -n --keep-going`` makes; everything that decides what the site holds
(dependency tracking, case pages, alt text, page fixes, the build's environment) lives in the Sphinx
extension :mod:`ccg_book`. This entry point only adds speed:

- **No-change short cut.** If no input changed since the last *successful* build (same book files by
  path, size and modification time, same installed packages, same build variables) and its output is
  still there, Sphinx is not started. The stamp is removed before a build starts and written only
  after it succeeded, so an interrupted or failed build is never taken for a finished one; nor is a
  site whose in-progress marker (:mod:`ccg_book.interrupted_builds`) is still there.
  ``--force`` or ``--all`` always build.
- **Parallel execution.** Sphinx reads this book serially, so the notebooks the build will execute
  are executed first, on ``--jobs`` processes (default: the CPUs this process may use), into
  jupyter-cache, where myst-nb then finds them (:mod:`ccg_book.parallel_execution`).
- **Warm kernels.** On a cold build, or when at least :data:`WARM_FROM` notebooks will execute, the
  kernels are forks of a template that has imported the chapters' libraries once
  (:mod:`ccg_book.warm_kernels`, a jupyter_client kernel provisioner). ``CCG_WARM_KERNELS=off`` uses
  ordinary kernels; the site is the same.

The last line printed names the notebooks this build executed (from jupyter-cache's records).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import os
import sys
from fnmatch import fnmatchcase
from pathlib import Path

from . import book_environment
from .build_state import IN_PROGRESS
from .inputs import PDF_EDITION, is_input_part

BUILD = Path("_build")
EXECUTION_CACHE = BUILD / ".jupyter_cache"  # jupyter-book's default nb_execution_cache_path
STAMP = BUILD / ".ccg_build" / "last-successful-build"
OUTPUTS = (BUILD / "html" / "index.html", BUILD / ".doctrees" / "environment.pickle")
BUILD_VARIABLES = ("PYTHONPATH", "PYTHONHASHSEED", "SOURCE_DATE_EPOCH", "JUPYTER_PATH")
WARM_FROM = 3  # notebooks to execute from which the template's imports (a few seconds) pay off


def build_variables() -> dict[str, str]:
    """The environment variables a build depends on (the book's own ``CCG_*`` and a few of Python's)."""
    return {
        name: value
        for name, value in os.environ.items()
        if name.startswith("CCG_") or name in BUILD_VARIABLES
    }


def ignored_patterns(book: Path) -> list[str]:
    """The book's ``.gitignore`` patterns (build products such as the generated case pages)."""
    path = book / ".gitignore"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return [line.strip().strip("/") for line in lines if line.strip() and not line.startswith(("#", "!"))]


def is_ignored(relpath: str, patterns: list[str]) -> bool:
    """True if ``relpath`` matches a .gitignore pattern (a pattern without ``/`` matches any component)."""
    parts = relpath.split("/")
    return any(
        fnmatchcase(relpath, p) if "/" in p else any(fnmatchcase(part, p) for part in parts) for p in patterns
    )


def input_signature(book: Path, variables: dict[str, str]) -> str:
    """A hash of everything a build reads: the book's files, the installed packages, the build variables.

    Book files contribute path, size and modification time (any edit, copy or checkout changes
    these), except the folders of :data:`ccg_book.inputs.NOT_INPUTS` and what git ignores (derived
    files). Installed packages contribute their ``*.dist-info`` names, hence versions.
    """
    patterns, entries, stack = ignored_patterns(book), [sys.version], [book]
    while stack:
        with os.scandir(stack.pop()) as scan:
            for entry in scan:
                relpath = os.path.relpath(entry.path, book).replace(os.sep, "/")
                if not is_input_part(entry.name) or is_ignored(relpath, patterns):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    info = entry.stat()
                    entries.append(f"{relpath}\0{info.st_size}\0{info.st_mtime_ns}")
    if (book / PDF_EDITION).is_file():
        info = (book / PDF_EDITION).stat()
        entries.append(f"{PDF_EDITION}\0{info.st_size}\0{info.st_mtime_ns}")
    for folder in sorted({p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p)}):
        entries.extend(f"package\0{name}" for name in os.listdir(folder) if name.endswith(".dist-info"))
    entries.extend(f"env\0{name}\0{value}" for name, value in variables.items())
    return hashlib.sha256("\n".join(sorted(entries)).encode("utf-8", "surrogateescape")).hexdigest()


def up_to_date(book: Path, signature: str) -> bool:
    """True if the last successful build saw exactly these inputs and its output is still there."""
    stamp = book / STAMP
    finished = stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == signature
    interrupted = (book / BUILD / IN_PROGRESS).exists()  # a later build stopped part-way
    return finished and not interrupted and all((book / path).is_file() for path in OUTPUTS)


def cache_records(book: Path) -> dict[int, str]:
    """``{record id: notebook path}`` of jupyter-cache's executed notebooks (its public API)."""
    if not (book / EXECUTION_CACHE).is_dir():
        return {}
    from jupyter_cache import get_cache

    return {record.pk: record.uri for record in get_cache(book / EXECUTION_CACHE).list_cache_records()}


def jupyter_book_build(book: Path, *, fresh: bool) -> int:
    """Run ``jupyter-book build BOOK -W -n --keep-going [--all]`` in this process; return its status."""
    from jupyter_book.cli.main import main as jupyter_book

    arguments = ["build", str(book), "-W", "-n", "--keep-going", *(["--all"] if fresh else [])]
    try:
        jupyter_book.main(args=arguments, prog_name="jupyter-book", standalone_mode=False)
    except SystemExit as stop:  # jupyter-book exits with Sphinx's status when the build had errors
        return stop.code if isinstance(stop.code, int) else 1
    except RuntimeError as error:  # ... and raises when Sphinx raised
        print(error, file=sys.stderr)
        return 2
    return 0


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def run_build(book: Path, *, fresh: bool, jobs: int) -> int:
    """Execute what will execute in parallel (with warm kernels when they pay), then build; the status."""
    from . import parallel_execution  # (imports myst-nb, jupyter-cache: not needed by a no-change rebuild)
    from .warm_kernels import pool

    with contextlib.ExitStack() as stack:
        cold = not (book / EXECUTION_CACHE).is_dir()
        if cold and pool.enabled():  # started first: the template imports while the rest prepares
            stack.enter_context(pool.WarmKernels())
            print("warm kernels: started (cold build: every notebook will execute)")
        missing = parallel_execution.notebooks_to_execute(book) if jobs > 1 else []
        if not cold and len(missing) >= WARM_FROM and pool.enabled():
            stack.enter_context(pool.WarmKernels())
            print(f"warm kernels: started ({len(missing)} notebooks will execute)")
        if len(missing) >= 2:  # (a single notebook gains nothing from a process of its own)
            print(f"executing {len(missing)} notebooks on {min(jobs, len(missing))} processes")
            for path, seconds in parallel_execution.execute_in_parallel(book, missing, jobs):
                print(f"{path}: Executed notebook in {seconds:.2f} seconds (before reading) [ccg_book]")
        # Sphinx allocates a few hundred thousand long-lived objects (modules, the pickled environment),
        # which the cyclic collector keeps scanning: about 0.9 s of CPU of a prose edit. The process
        # ends with the build, so the collector stays off (a full re-read then peaks at about 320 MB
        # instead of 190 MB).
        gc.disable()
        status = jupyter_book_build(book, fresh=fresh)
    if status == 0:
        parallel_execution.remember_cached(book)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ccg_book.build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--book", type=Path, default=Path.cwd(), help="the book's folder (default: here)")
    parser.add_argument("--all", action="store_true", help="re-read and re-write every page")
    parser.add_argument("--force", action="store_true", help="build even if no input changed")
    parser.add_argument(
        "--jobs", "-j", type=int, default=default_jobs(), help="processes executing notebooks"
    )
    args = parser.parse_args(argv)
    book = args.book.resolve()
    book_environment.prepare(book)  # what the extension sets, set before the signature is taken
    variables = build_variables()
    signature = input_signature(book, variables)
    if not (args.all or args.force) and up_to_date(book, signature):
        print("nothing changed since the last successful build; Sphinx not run (use --force to run it)")
        print(f"book: {book / '_build' / 'html' / 'index.html'}\nexecuted notebooks: 0")
        return 0
    (book / STAMP).unlink(missing_ok=True)
    from . import data_gate  # (imports Sphinx's errors: not needed by a no-change rebuild)

    try:  # the extension checks again at builder-inited, skipped then because the inputs passed now
        data_gate.check_book_data(book, book / BUILD)
    except data_gate.DataCheckFailed as failure:  # before any notebook executes
        print(f"{failure.category}:\n{failure}\nbuild FAILED (the book's data)", file=sys.stderr)
        return 1
    before = cache_records(book)
    status = run_build(book, fresh=args.all, jobs=args.jobs)
    if status != 0:
        print(f"build FAILED (status {status})", file=sys.stderr)
        return status
    executed = sorted(
        os.path.relpath(uri, book) for pk, uri in cache_records(book).items() if pk not in before
    )
    if input_signature(book, variables) == signature:  # nothing was edited while the build ran
        (book / STAMP).parent.mkdir(parents=True, exist_ok=True)
        (book / STAMP).write_text(signature + "\n", encoding="utf-8")
    print(f"book: {book / '_build' / 'html' / 'index.html'}")
    print(f"executed notebooks: {len(executed)}" + (f" ({', '.join(executed)})" if executed else ""))
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every output file is written and closed, the kernels and their template are stopped: tearing
    # down the interpreter (the Sphinx environment, hundreds of modules) would only add to every build.
    os._exit(status)
