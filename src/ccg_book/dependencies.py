"""Dependency-aware re-execution: a chapter re-runs exactly when a book file it read has changed.

Jupyter-cache keys a notebook on its own code cells only, so an edit under ``data/`` or ``src/``
would leave pages stale. This module closes that gap in three parts:

1. **Recording.** Every kernel the build starts loads a small IPython start-up file (written here at
   ``builder-inited``; ``IPYTHONDIR`` points at it) that installs an audit hook. It notes each file the
   notebook opens and each folder it lists inside the book (folder scans by the import system itself
   are ignored, so adding an unrelated file to ``chapters/`` or ``src/`` re-runs nothing). A hidden
   last cell, appended to every notebook at ``source-read``, writes those paths plus every imported
   module that lives in the book (``sys.modules``), each with a content hash, to
   ``_build/.ccg_dependencies/records/<doc>.json``.
2. **Keying.** The same hidden cell carries a *fingerprint* as a comment, so it is part of the
   jupyter-cache key. While every file in a chapter's record still has its recorded hash (and every
   listed folder its recorded names) the fingerprint of the last execution is reused: cache hit, no
   re-execution. When one differs, the fingerprint becomes a hash of the current contents of the
   recorded files: cache miss, the chapter re-executes and a new record is written. A chapter with no
   record yet (first build, or a new chapter) is keyed conservatively on every file under ``src/`` and
   ``data/``.
3. **Re-reading.** On ``env-get-outdated`` the fingerprint of every previously read chapter is
   recomputed; chapters whose fingerprint changed are handed back to Sphinx to re-read (content
   hashes, not modification times, so touching a file without changing it costs nothing). If the
   package code that runs inside Sphinx itself changed (this extension, the alt-text copier, the
   case-page generator), every page is re-read, without re-executing any notebook.

A chapter may also list inputs the audit cannot see (a file read by a subprocess or by compiled
code) in its front matter, ``ccg_depends: [path, ...]`` (book-relative files or folders); their
contents are added to its fingerprint.

Chapters without code cells get no hidden cell and are not executed at all (``execution_mode: off``
is set for them), which saves a kernel start each. Fingerprints are SHA-256 over sorted book-relative
paths and content hashes, so two clean builds of the same tree are identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .inputs import NOT_INPUTS, is_input_part

logger = logging.getLogger(__name__)

ROOT_VAR = "CCG_DEPENDENCY_ROOT"
RECORDS_VAR = "CCG_DEPENDENCY_RECORDS"
STATE_DIR = ".ccg_dependencies"
CONSERVATIVE_TREES = ("src", "data")
CELL_MARKER = "# ccg-dependency-fingerprint:"
_CODE_CELL = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}", re.MULTILINE)
DECLARED_KEY = "ccg_depends"
DECLARED_SEPARATOR = "+declared-"
_ENV_ATTR = "ccg_dependency_fingerprints"
_CODE_ATTR = "ccg_dependency_build_code"

# Runs in each kernel at start-up (an IPython profile start-up file, copied verbatim); see kernel_audit.py.
KERNEL_STARTUP = Path(__file__).with_name("kernel_audit.py").read_text(encoding="utf-8")
SKIP_VAR = "CCG_DEPENDENCY_SKIP"


# The build's kernels keep no input history: nothing reads it, and its SQLite file (shared by parallel
# kernels) and saving thread cost about a quarter of a second per kernel start.
KERNEL_CONFIG = "c.HistoryManager.enabled = False\n"


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def has_code_cells(text: str) -> bool:
    """Return True if the MyST notebook text holds at least one ``{code-cell}``."""
    return _CODE_CELL.search(text) is not None


def file_hash(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, or ``"missing"`` if it is not a file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return "missing"


def listing_hash(folder: Path) -> str:
    """Return the SHA-256 of a folder's sorted entry names, or ``"missing"``."""
    try:
        names = "\n".join(sorted(os.listdir(folder)))
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    return hashlib.sha256(names.encode("utf-8")).hexdigest()


def _digest(kind: str, entries: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256(kind.encode("utf-8"))
    for path, value in sorted(entries):
        digest.update(f"\0{path}\0{value}".encode())
    return digest.hexdigest()


def conservative_files(root: Path) -> list[str]:
    """Return every file under the book's ``src/`` and ``data/`` (book-relative, sorted)."""
    found = []
    for tree in CONSERVATIVE_TREES:
        for path in (root / tree).rglob("*"):
            rel = path.relative_to(root)
            if path.is_file() and all(map(is_input_part, rel.parts)):
                found.append(rel.as_posix())
    return sorted(found)


def build_dir(app: Sphinx) -> Path:
    """The build folder (``_build``): the parent of the doctrees."""
    return Path(app.doctreedir).parent


def records_dir(build: Path) -> Path:
    """Return the folder (under the build folder) holding one dependency record per executed chapter."""
    return build / STATE_DIR / "records"


def load_record(build: Path, docname: str) -> dict[str, Any] | None:
    """Return the dependency record written by the chapter's last execution, or None."""
    path = records_dir(build) / f"{docname}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if not isinstance(record, dict) or not {"fingerprint", "files", "folders"} <= record.keys():
        return None
    return record


def fingerprint(root: Path, record: dict[str, Any] | None) -> str:
    """Return the fingerprint to key a chapter on, given its last dependency record (if any)."""
    if record is None:
        return "all-" + _digest("all", ((p, file_hash(root / p)) for p in conservative_files(root)))
    files = {path: file_hash(root / path) for path in record["files"]}
    folders = {path: listing_hash(root / path) for path in record["folders"]}
    if files == record["files"] and folders == record["folders"]:
        return str(record["fingerprint"]).split(DECLARED_SEPARATOR)[0]
    entries = [(f"file:{p}", h) for p, h in files.items()] + [(f"dir:{p}", h) for p, h in folders.items()]
    return "rec-" + _digest("record", entries)


def declared_dependencies(text: str) -> list[str]:
    """Return the book-relative paths (files or folders) a notebook lists under ``ccg_depends``.

    Declaring is only needed for inputs the kernel's audit cannot see, such as a file read by a
    subprocess or by compiled code; everything opened from Python is recorded anyway.
    """
    if not text.startswith("---\n") or (end := text.find("\n---\n", 4)) < 0:
        return []
    import yaml

    try:
        front = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError:
        return []
    value = front.get(DECLARED_KEY, []) if isinstance(front, dict) else []
    return sorted(str(item) for item in ([value] if isinstance(value, str) else value or []))


def declared_digest(root: Path, paths: Iterable[str]) -> str:
    """Return a hash of the contents of the declared files (folders: every file below them)."""
    entries = []
    for rel in paths:
        target = root / rel
        if target.is_dir():
            for path in sorted(target.rglob("*")):
                inner = path.relative_to(root)
                if path.is_file() and all(map(is_input_part, inner.parts)):
                    entries.append((inner.as_posix(), file_hash(path)))
        else:
            entries.append((rel, file_hash(target)))
    return _digest("declared", entries)


def chapter_fingerprint(root: Path, record: dict[str, Any] | None, text: str) -> str:
    """Return the fingerprint of a chapter: from its record, plus its declared inputs if any."""
    value = fingerprint(root, record)
    declared = declared_dependencies(text)
    return f"{value}{DECLARED_SEPARATOR}{declared_digest(root, declared)}" if declared else value


def fingerprint_cell(docname: str, value: str) -> str:
    """Return the hidden code cell appended to a notebook: the key comment plus the record call."""
    return (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n"
        f"{CELL_MARKER} {value}\n"
        'if "_ccg_record_dependencies" in globals():\n'
        f"    _ccg_record_dependencies({docname!r}, {value!r})\n"
        "```\n"
    )


def _turn_execution_off(text: str) -> str:
    """Add ``mystnb: {execution_mode: "off"}`` to a notebook's front matter (nothing to execute)."""
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 4)
    if end < 0 or re.search(r"^mystnb\s*:", text[4:end], re.MULTILINE):
        return text
    return text[: end + 1] + 'mystnb:\n  execution_mode: "off"\n' + text[end + 1 :]


def _is_notebook(text: str) -> bool:
    front = text[4 : text.find("\n---\n", 4)] if text.startswith("---\n") else ""
    return "kernelspec:" in front


def on_builder_inited(app: Sphinx) -> None:
    """Prepare the kernels this build starts (see :func:`prepare_kernels`)."""
    prepare_kernels(Path(app.srcdir), build_dir(app))


def prepare_kernels(book: Path, build: Path) -> None:
    """Write the kernels' IPython profile (start-up file, config) and point kernels started now at it."""
    state = build / STATE_DIR
    profile = state / "ipython" / "profile_default"
    (profile / "startup").mkdir(parents=True, exist_ok=True)
    _write_if_changed(profile / "startup" / "00-ccg-dependency-audit.py", KERNEL_STARTUP)
    _write_if_changed(profile / "ipython_kernel_config.py", KERNEL_CONFIG)
    records_dir(build).mkdir(parents=True, exist_ok=True)
    os.environ["IPYTHONDIR"] = str(state / "ipython")
    os.environ[ROOT_VAR] = str(book.resolve())
    os.environ[RECORDS_VAR] = str(records_dir(build).resolve())
    os.environ[SKIP_VAR] = os.pathsep.join(sorted(NOT_INPUTS))


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append the fingerprint cell to a MyST notebook with code; switch off execution for one without."""
    if not str(app.env.doc2path(docname)).endswith(".md") or not _is_notebook(source[0]):
        return
    if not has_code_cells(source[0]):
        source[0] = _turn_execution_off(source[0])
        return
    value = chapter_fingerprint(Path(app.srcdir), load_record(build_dir(app), docname), source[0])
    _fingerprints(app.env)[docname] = value
    source[0] = source[0].rstrip("\n") + fingerprint_cell(docname, value)


def prepared_source(book: Path, build: Path, docname: str, text: str) -> str | None:
    """Return the text the notebook parser will see for a MyST notebook with code cells, else None.

    The same transformation as :func:`on_source_read` (without recording anything), so that whether
    a notebook is in the execution cache can be asked before it is read.
    """
    if not _is_notebook(text) or not has_code_cells(text):
        return None
    value = chapter_fingerprint(book, load_record(build, docname), text)
    return text.rstrip("\n") + fingerprint_cell(docname, value)


def on_env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Return the chapters whose dependency fingerprint changed since they were last read.

    If the helper-package code running inside Sphinx itself (this extension, ``style.read_alt``, the
    case-page generator, ...) changed since the last build, every page is returned: such code shapes
    pages while they are read, although no notebook needs to execute again.
    """
    root = Path(app.srcdir)
    digest = build_code_digest()
    previous = getattr(env, _CODE_ATTR, None)
    setattr(env, _CODE_ATTR, digest)
    if previous is not None and previous != digest:
        logger.info("[ccg-dependencies] the package code used by Sphinx changed: re-reading every page")
        return sorted(env.found_docs - added - removed)
    stale = []
    for docname, value in sorted(_fingerprints(env).items()):
        if docname in added or docname in changed or docname in removed or docname not in env.found_docs:
            continue
        source = Path(env.doc2path(docname))
        text = source.read_text(encoding="utf-8") if source.is_file() else ""
        if chapter_fingerprint(root, load_record(build_dir(app), docname), text) != value:
            stale.append(docname)
    if stale:
        logger.info("[ccg-dependencies] re-reading %d chapter(s) whose inputs changed: %s", len(stale), stale)
    return stale


def build_code_digest() -> str:
    """Return a hash of the book's code that shapes pages inside Sphinx.

    That is every module of ``ccg_book`` (a fixed set of files, whichever of them a process has
    imported: the build entry point imports more of them than a stock ``jupyter-book build`` does), and
    the ``ccg_leadership`` modules loaded when the extension was set up (its module-level imports,
    e.g. ``style`` for alt text). Library modules imported lazily later, such as the case-page
    generator (which keeps its own fingerprint of its inputs), are not in it: otherwise the digest
    would depend on whether the generator happened to run in this build.
    """
    tooling = Path(__file__).resolve().parent
    entries = [(f"ccg_book/{p.relative_to(tooling).as_posix()}", file_hash(p)) for p in tooling.rglob("*.py")]
    entries += [(name, file_hash(Path(path))) for name, path in sorted(_SPHINX_CODE.items())]
    return _digest("sphinx-code", entries)


_SPHINX_CODE: dict[str, str] = {}


def snapshot_sphinx_code() -> None:
    """Remember which library modules are loaded now (called from the extension's setup)."""
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name.partition(".")[0] == "ccg_leadership" and isinstance(path, str):
            _SPHINX_CODE.setdefault(name, path)


def _fingerprints(env: BuildEnvironment) -> dict[str, str]:
    if not hasattr(env, _ENV_ATTR):
        setattr(env, _ENV_ATTR, {})
    return getattr(env, _ENV_ATTR)


def on_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """Forget a chapter's fingerprint before it is re-read."""
    _fingerprints(env).pop(docname, None)


def on_merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    """Carry fingerprints over from a parallel reader process."""
    theirs = _fingerprints(other)
    mine = _fingerprints(env)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def setup(app: Sphinx) -> None:
    """Connect the handlers."""
    snapshot_sphinx_code()
    app.connect("builder-inited", on_builder_inited)
    app.connect("source-read", on_source_read)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("env-purge-doc", on_purge_doc)
    app.connect("env-merge-info", on_merge_info)
