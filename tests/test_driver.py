"""The build driver's start-up shortcuts build exactly what jupyter-book's own path builds.

``scripts/build_book.py`` starts Sphinx itself (with a cached copy of jupyter-book's configuration,
stored template and regular-expression compilations, one scan of the installed entry points, a paused
garbage collector, a writer process per CPU); the book's extension searches for pages missing from the
ToC without entering excluded folders, keeps myst-nb from rewriting an unchanged execution table and
copies the widget assets only when they differ. Unit tests check each against the code it stands in for;
the ``book`` tests build a small probe book through its edits, and re-read copies of the session's book
with the driver and through ``jupyter_book.sphinx.build_sphinx``, which must give the same site.
"""

from __future__ import annotations

import gc
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from bookhelpers import REPO, build, copy_book

from ccg_leadership.sphinx_ext import site_fixes

DRIVER = REPO / "scripts" / "build_book.py"


@pytest.fixture(scope="module")
def driver() -> ModuleType:
    """The build driver, imported as a module (its ``main`` does not run)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_book_under_test", DRIVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- jupyter-book's configuration, cached ---------------------------------------------------------


def config_book(tmp_path: Path) -> Path:
    """A folder with the book's ``_config.yml`` and ``_static`` (all the configuration reads)."""
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(REPO / "_config.yml", book / "_config.yml")
    shutil.copytree(REPO / "_static", book / "_static")
    return book


def jupyter_book_config(driver: ModuleType, book: Path) -> tuple[dict, dict]:
    from jupyter_book.config import get_final_config

    return get_final_config(
        user_yaml=book / "_config.yml", cli_config=dict(driver.driver_overrides(book)), sourcedir=book
    )


def test_config_cache_is_jupyter_books_config_and_follows_edits(
    driver: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = config_book(tmp_path)
    computed = driver.sphinx_config(book)
    expected = jupyter_book_config(driver, book)
    assert json.dumps(computed) == json.dumps(expected)  # same values, same order (script order in pages)

    import jupyter_book.config

    def not_again(**kwargs: object) -> None:
        raise AssertionError("the cached configuration was computed again")

    with monkeypatch.context() as patch:
        patch.setattr(jupyter_book.config, "get_final_config", not_again)
        assert json.dumps(driver.sphinx_config(book)) == json.dumps(expected)

    config_file = book / "_config.yml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace(
            'title: "Clinical leadership in CCGs: an executable edition"', 'title: "A retitled edition"'
        ),
        encoding="utf-8",
    )
    config, _ = driver.sphinx_config(book)
    assert config["html_title"] == "A retitled edition"
    (book / "_static" / "extra.css").write_text("p {}\n", encoding="utf-8")
    config, _ = driver.sphinx_config(book)
    assert "extra.css" in config["html_css_files"]
    assert json.dumps(driver.sphinx_config(book)) == json.dumps(jupyter_book_config(driver, book))


def test_a_configuration_jupyter_book_warns_about_is_not_cached(
    driver: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = config_book(tmp_path)
    config_file = book / "_config.yml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace(
            "execute_notebooks: cache", "execute_notebooks: often"
        ),
        encoding="utf-8",
    )
    for _ in range(2):  # the warning shows on every build
        driver.sphinx_config(book)
        assert "'often' is not one of" in capsys.readouterr().out
    assert not (book / driver.DRIVER_STATE / "sphinx-config.json").exists()


# --- entry points, templates, garbage collector ---------------------------------------------------


def test_memoised_entry_points_scan_once_and_select_the_same(driver: ModuleType) -> None:
    scans: list[dict] = []

    def scan(**params: object) -> object:
        scans.append(params)
        return importlib.metadata.entry_points(**params)

    entry_points = driver._memoised(scan)
    for group in ("console_scripts", "sphinx.html_themes", "pybtex.style.formatting", "no.such.group"):
        assert list(entry_points(group=group)) == list(importlib.metadata.entry_points(group=group))
    unsrt = entry_points(group="pybtex.style.formatting", name="unsrt")
    assert [e.value for e in unsrt] == ["pybtex.style.formatting.unsrt:Style"]
    assert "sphinx.html_themes" in entry_points().groups
    assert scans == [{}], "entry points were scanned more than once"


def test_template_cache_reuses_compilations_and_follows_template_edits(
    driver: ModuleType, tmp_path: Path
) -> None:
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment

    folder, cache = tmp_path / "templates", tmp_path / "cache"
    folder.mkdir()
    (folder / "page.html").write_text("Hello {{ name }}", encoding="utf-8")

    def environment() -> SandboxedEnvironment:
        """A fresh template environment with the cache, as in each new build."""
        env = SandboxedEnvironment(loader=FileSystemLoader(str(folder)))
        driver.cache_compiled_templates(
            SimpleNamespace(builder=SimpleNamespace(templates=SimpleNamespace(environment=env))), cache
        )
        return env

    assert environment().get_template("page.html").render(name="a") == "Hello a"
    assert list(cache.rglob("__jinja2_*.cache")), "no compiled template stored"
    reused = environment()

    def compile_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged template was compiled again")

    reused.compile = compile_again  # type: ignore[method-assign]
    assert reused.get_template("page.html").render(name="b") == "Hello b"
    (folder / "page.html").write_text("Goodbye {{ name }}", encoding="utf-8")
    assert environment().get_template("page.html").render(name="c") == "Goodbye c"


REGEX_SAMPLES = [
    ("(?i)abc", 0),
    (r"(?P<word>\w+)\s+(?P=word)", re.IGNORECASE),
    (rb"[\x80-\xff]+", 0),
    ("(?x) a b  # comment", 0),
    (r"\w+", re.ASCII),
    ("[^\\W\\d_]+", re.IGNORECASE | re.UNICODE),
    ("(a)|(b)?", re.MULTILINE),
]


def test_regex_compilations_are_stored_and_replayed_exactly(
    driver: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re._compiler as compiler

    python_compile = compiler.compile
    expected = {sample: python_compile(*sample) for sample in REGEX_SAMPLES}
    with driver.stored_regex_compilations(tmp_path):
        assert all(compiler.compile(*sample) == expected[sample] for sample in REGEX_SAMPLES)
    assert compiler.compile is python_compile, "Python's compiler was not restored"
    assert list(tmp_path.glob("regex-*.pickle")), "nothing stored"

    def not_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a stored pattern was compiled again")

    monkeypatch.setattr(compiler._parser, "parse", not_again)  # the slow, pure-Python step
    with driver.stored_regex_compilations(tmp_path):
        replayed = {sample: compiler.compile(*sample) for sample in REGEX_SAMPLES}
    monkeypatch.undo()
    for sample, pattern in replayed.items():
        wanted = expected[sample]
        assert pattern == wanted  # same pattern, flags and opcodes
        assert (pattern.groups, pattern.groupindex, pattern.flags) == (
            wanted.groups,
            wanted.groupindex,
            wanted.flags,
        )
    text, words = "Ab ab  café CAFÉ 42 42", REGEX_SAMPLES[1]
    assert [m.span() for m in replayed[words].finditer(text)] == [
        m.span() for m in expected[words].finditer(text)
    ]


def test_regex_store_skips_debug_and_str_subclasses(driver: ModuleType, tmp_path: Path) -> None:
    import re._compiler as compiler

    class Text(str):
        pass

    with driver.stored_regex_compilations(tmp_path):
        compiler.compile(Text("a+b"), 0)
        compiler.compile("a|b", re.DEBUG)  # prints the compiled code
    assert not list(tmp_path.glob("regex-*.pickle")), "nothing storable was compiled"


def test_start_sphinx_leaves_the_collector_running_when_sphinx_fails(
    driver: ModuleType, tmp_path: Path
) -> None:
    threshold = gc.get_threshold()
    try:
        with pytest.raises(Exception, match="source directory"):
            driver.start_sphinx(
                srcdir=tmp_path / "missing",
                confdir=None,
                outdir=tmp_path / "out",
                doctreedir=tmp_path / "doctrees",
                buildername="html",
                confoverrides={"extensions": []},
                status=None,
                warning=None,
            )
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


# --- pages missing from the ToC: the pruned search finds what sphinx-external-toc finds ---------------


class FakeConfig(dict):
    """Just enough of Sphinx's Config for sphinx-external-toc's config-inited handler."""

    def __getattr__(self, name: str) -> object:
        try:
            return self[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def __setattr__(self, name: str, value: object) -> None:
        self[name] = value


def toc_tree(tmp_path: Path) -> Path:
    """A source folder: ToC pages, strays, excluded, hidden and linked folders, a globbed folder."""
    src = tmp_path / "src"
    pages = [
        "index.md", "a.md", "b.ipynb", "extra/x.md", "stray.md", "notes/draft.md", "notes/readme.txt",
        "excluded/c.md", "node_modules/pkg/README.md", ".hidden/h.md", ".dot.md", "deep/er/stray.rst",
    ]  # fmt: skip
    for page in pages:
        (src / page).parent.mkdir(parents=True, exist_ok=True)
        (src / page).write_text("# page\n", encoding="utf-8")
    (src / "dir.md").mkdir()  # a folder with a page's suffix is not a page
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "l.md").write_text("# linked\n", encoding="utf-8")
    (src / "linked").symlink_to(outside, target_is_directory=True)
    (src / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n- file: a\n- file: b\n- glob: extra/*\n", encoding="utf-8"
    )
    return src


def toc_config(src: Path) -> tuple[SimpleNamespace, FakeConfig]:
    config = FakeConfig(
        external_toc_path="_toc.yml",
        external_toc_exclude_missing=True,
        master_doc="index",
        source_suffix={".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"},
        exclude_patterns=["_build", "node_modules", "excluded"],
    )
    return SimpleNamespace(srcdir=str(src), config=config), config


def test_pruned_search_excludes_what_sphinx_external_toc_excludes(tmp_path: Path) -> None:
    from sphinx_external_toc.events import parse_toc_to_env

    src = toc_tree(tmp_path)
    app, theirs = toc_config(src)
    parse_toc_to_env(app, theirs)  # sphinx-external-toc alone: its own whole-folder search
    app, ours = toc_config(src)
    site_fixes.defer_toc_scan(app, ours)
    parse_toc_to_env(app, ours)
    site_fixes.pruned_toc_scan(app, ours)

    assert sorted(ours["exclude_patterns"]) == sorted(theirs["exclude_patterns"])
    assert sorted(ours["exclude_patterns"][3:]) == [
        "deep/er/stray.rst",
        "linked/l.md",
        "notes/draft.md",
        "stray.md",
    ]
    assert ours["external_toc_exclude_missing"] is True  # the configuration reads as before
    assert ours["master_doc"] == theirs["master_doc"] == "index"


def test_pruned_search_does_not_enter_excluded_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = toc_tree(tmp_path)
    app, config = toc_config(src)
    from sphinx_external_toc.parsing import parse_toc_yaml

    entered: list[str] = []
    walk = os.walk

    def recording_walk(*args: object, **kwargs: object):  # noqa: ANN202 - a generator like os.walk
        for folder, dirs, files in walk(*args, **kwargs):
            entered.append(Path(folder).relative_to(src).as_posix())
            yield folder, dirs, files

    monkeypatch.setattr(site_fixes.os, "walk", recording_walk)
    site_fixes.pages_outside_toc(src, parse_toc_yaml(src / "_toc.yml"), [".md"], config["exclude_patterns"])
    assert not [f for f in entered if f.split("/")[0] in {"node_modules", "excluded", ".hidden"}]
    assert "linked" in entered


# --- the execution table is rewritten only when an execution record changed -----------------------


def test_execution_table_page_is_kept_only_when_the_table_reads_the_same() -> None:
    minute = 1_795_800_000.0  # a whole minute (the table shows execution times to the minute)
    record = {"mtime": minute, "runtime": 2.5, "method": "cache", "succeeded": True, "error": None}
    table = {"has_exec_table": True}

    def rewritten(*, keep_b: bool = True, **changes: object) -> bool:
        """Whether myst-nb would rewrite its table after a build that re-read chapter ``a``."""
        app, before = SimpleNamespace(), {"a": dict(record), "b": dict(record)}
        env = SimpleNamespace(nb_metadata={**{d: {"exec_data": r} for d, r in before.items()}, "t": table})
        site_fixes.remember_exec_tables(app, env, set(), {"a"}, set())
        after = {"a": {**record, **changes}, **({"b": dict(record)} if keep_b else {})}
        env.nb_metadata = {**{d: {"exec_data": r} for d, r in after.items()}, "t": table}  # "a" re-read
        env.nb_new_exec_data = True
        site_fixes.keep_unchanged_exec_table(app, env)
        return env.nb_new_exec_data

    assert not rewritten()  # read again from the cache: the same record
    assert not rewritten(mtime=minute + 0.3)  # executed, then read from the cache: same minute shown
    assert rewritten(mtime=minute + 120)
    assert rewritten(runtime=3.0)
    assert rewritten(succeeded=False, error="CellExecutionError")
    assert rewritten(keep_b=False)  # b removed: its row goes


# --- widget assets are copied only when they differ ------------------------------------------------


def test_widget_assets_are_copied_once_and_repaired_when_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccg_leadership.sphinx_ext import widget_assets

    modules = tmp_path / "node_modules"
    for relative in [*widget_assets.ASSETS.values(), "@jupyter-widgets/html-manager/dist/icons.woff2"]:
        (modules / relative).parent.mkdir(parents=True, exist_ok=True)
        (modules / relative).write_text(f"/* {relative} */\n", encoding="utf-8")
    monkeypatch.setenv("CCG_NODE_MODULES", str(modules))
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"), outdir=str(tmp_path / "html"), srcdir=str(tmp_path)
    )
    target = tmp_path / "html" / widget_assets.TARGET

    widget_assets.copy_assets(app, None)
    assert {p.name for p in target.iterdir()} == {
        "require.js",
        "embed-amd.js",
        "icons.woff2",
        "require-config.js",
    }
    for path in target.iterdir():
        os.utime(path, ns=(10**9, 10**9))  # a rewrite would give the file the current time
    widget_assets.copy_assets(app, None)
    assert {p.stat().st_mtime_ns for p in target.iterdir()} == {10**9}, "identical assets rewritten"

    (target / "require.js").write_text("/* edited */\n", encoding="utf-8")
    (target / "require-config.js").write_text("var require = {};\n", encoding="utf-8")
    widget_assets.copy_assets(app, None)
    assert (target / "require.js").read_bytes() == (modules / "requirejs" / "require.js").read_bytes()
    assert (target / "require-config.js").read_text(encoding="utf-8") == widget_assets.REQUIRE_CONFIG


# --- whole builds ---------------------------------------------------------------------------------

PROBE_TOC = """\
format: jb-book
root: chapters/probe-index
chapters:
  - file: chapters/probe-notebook
  - file: chapters/probe-status
"""
NOTEBOOK_HEADER = (
    "---\njupytext:\n  text_representation:\n    format_name: myst\n"
    "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
)
PROBE_PAGES = {
    "probe-index": "# Probe front page\n\nA page without code.\n",
    "probe-notebook": NOTEBOOK_HEADER
    + "# Probe notebook\n\nThe text.\n\n```{code-cell} ipython3\nprint('one')\n```\n",
    "probe-status": "# Probe status\n\n```{nb-exec-table}\n```\n",
}
EXECUTED = re.compile(r"executed notebooks: (\d+)")


def executed(result: subprocess.CompletedProcess[str]) -> int:
    """How many notebooks the build executed (from the driver's last line)."""
    found = EXECUTED.findall(result.stdout)
    assert found, result.stdout[-2000:] + result.stderr[-2000:]
    return int(found[-1])


@pytest.mark.book
def test_probe_book_rebuilds_follow_prose_code_and_config_edits(tmp_path: Path) -> None:
    book = copy_book(tmp_path / "book")
    shutil.rmtree(book / "data" / "cases")  # no generated case pages in this book
    (book / "_toc.yml").write_text(PROBE_TOC, encoding="utf-8")
    for name, text in PROBE_PAGES.items():
        (book / "chapters" / f"{name}.md").write_text(text, encoding="utf-8")
    strays = [p for p in (book / "chapters").rglob("*.md") if not p.stem.startswith("probe-")]
    env = {"CCG_KERNEL_POOL": "off"}
    html = book / "_build" / "html" / "chapters"

    result = build(book, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    assert executed(result) == 1
    assert f"Excluded {len(strays)} extra file(s) not in toc" in result.stdout
    assert not (html / "01-introduction.html").exists()

    # The first re-read from the cache records the cache's time stamp instead of the execution's
    # (myst-nb): the table changes once if the minute it shows differs. Then prose edits keep it.
    page = book / "chapters" / "probe-notebook.md"
    for edit in ("The first edit.", "The second edit."):
        status = (html / "probe-status.html").stat().st_mtime_ns
        page.write_text(
            re.sub(r"The (text|first edit)\.", edit, page.read_text(encoding="utf-8")), encoding="utf-8"
        )
        result = build(book, env=env)
        assert result.returncode == 0 and executed(result) == 0, result.stderr[-4000:]
        assert edit in (html / "probe-notebook.html").read_text(encoding="utf-8")
    assert (html / "probe-status.html").stat().st_mtime_ns == status, "unchanged execution table rewritten"

    config = book / "_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'title: "Clinical leadership in CCGs: an executable edition"', 'title: "Retitled probe"'
        ),
        encoding="utf-8",
    )
    result = build(book, env=env)
    assert result.returncode == 0 and executed(result) == 0, result.stderr[-4000:]
    assert "<title>Probe front page &#8212; Retitled probe</title>" in (html / "probe-index.html").read_text(
        encoding="utf-8"
    )

    # a slower cell, so that the table's run time (shown to 1/100 s) surely changes
    code = "import time\ntime.sleep(1.5)\nprint('two')"
    page.write_text(page.read_text(encoding="utf-8").replace("print('one')", code), encoding="utf-8")
    before = (html / "probe-status.html").read_text(encoding="utf-8")
    result = build(book, env=env)
    assert result.returncode == 0 and executed(result) == 1, result.stderr[-4000:]
    assert (html / "probe-status.html").read_text(encoding="utf-8") != before, (
        "new execution not in the table"
    )


JUPYTER_BOOK_PATH = """\
import runpy, sys
from pathlib import Path

driver = runpy.run_path(sys.argv[1])
book = Path(sys.argv[2])
driver["prepare_environment"](book)
driver["declare_multitoc_parallel_safe"]()
driver["balance_parallel_reading"](book)
from jupyter_book.sphinx import build_sphinx

status = build_sphinx(
    book, book / "_build" / "html", noconfig=True, path_config=str(book / "_config.yml"),
    confoverrides=driver["driver_overrides"](book), builder="html", freshenv=True,
    warningiserror=True, keep_going=True, jobs=2,
)
sys.exit(0 if status == 0 else 1)
"""


def tree_differences(first: Path, second: Path) -> list[str]:
    """Files (relative paths) that differ between two folders or exist in only one of them."""
    a = {p.relative_to(first): p for p in first.rglob("*") if p.is_file()}
    b = {p.relative_to(second): p for p in second.rglob("*") if p.is_file()}
    return sorted(str(k) for k in a.keys() ^ b.keys()) + sorted(
        str(k) for k in a.keys() & b.keys() if a[k].read_bytes() != b[k].read_bytes()
    )


@pytest.mark.book
def test_driver_builds_what_jupyter_books_build_sphinx_builds(built_book: Path, tmp_path: Path) -> None:
    """Re-read the session's book with the driver, and through ``build_sphinx``: the same site."""
    books = []
    for name in ("driver", "jupyter-book"):
        book = tmp_path / name / "book"
        shutil.copytree(
            built_book, book, symlinks=True, ignore=shutil.ignore_patterns("build.log", "__pycache__")
        )
        books.append(book)
    result = build(books[0], "--all", env={"CCG_KERNEL_POOL": "off"})
    assert result.returncode == 0 and executed(result) == 0, result.stderr[-4000:]
    result = subprocess.run(
        [sys.executable, "-c", JUPYTER_BOOK_PATH, str(DRIVER), str(books[1])],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "0", "CCG_KERNEL_POOL": "off"},
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Executing notebook" not in result.stdout, "every notebook should come from the cache"
    assert tree_differences(books[0] / "_build" / "html", books[1] / "_build" / "html") == []
