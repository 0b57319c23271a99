"""Measure how long the book takes to build, cold and after typical author edits.

Usage: .venv/bin/python benchmarks/build_times.py [--repeat 3] [--write]

In two temporary copies of the book (never the working tree) it times, with the project's build entry
point (``python -m ccg_book.build``, what ``scripts/build.sh`` runs) in one copy and, in the same run,
with the stock ``jupyter-book build . -W -n --keep-going`` in the other copy, after the same edits:

- cold build (no ``_build/``), no-change rebuild (and the same with Sphinx forced to run),
- prose-only edit of one chapter, code-cell edit of one chapter,
- edit of one data file, edit of one helper-package module,

each as the median wall time of ``--repeat`` runs and the ratio project / stock of the medians, with
the number of notebooks each build executed (read from myst-nb's log; for the project, cross-checked
with the entry point's count from jupyter-cache) and the load average before each run. It also times
the cold build with ordinary kernels, a kernel start and the first imports a chapter makes, and checks
that repeated cold builds (both kinds) give identical HTML. ``--write`` saves the results to
``benchmarks/build_times.json`` (shown in the README). Edits are real changes to the copy (a
sentence, a code comment, a CSV text field, a module comment), different in every repetition.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from ccg_book.inputs import copy_ignore
from ccg_book.warm_kernels.pool import WarmKernels

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "build_times.json"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
# Files that legitimately differ between two builds: the execution-status table shows when and how
# long each notebook ran, and the search index holds the words of that table.
VOLATILE = {"chapters/appendix-d-execution-status.html", "searchindex.js"}
# ipywidgets gives every widget model a random 32-hex id; ids are masked before pages are compared.
WIDGET_ID = re.compile(rb"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
# Issue 12's goals: (largest ratio project / stock, notebooks executed); None = no goal.
TARGETS = {
    "cold build": (0.6, None),
    "no-change rebuild": (0.15, 0),
    "prose edit, one chapter": (0.8, 0),
    "code-cell edit, one chapter": (None, 1),
}
EXECUTED = re.compile(r"^(\S+\.md): Executed notebook in", re.MULTILINE)
DRIVER_COUNT = re.compile(r"^executed notebooks: (\d+)", re.MULTILINE)
POOL_STARTED = "warm kernels: started"
ORDINARY = {"CCG_WARM_KERNELS": "off"}  # the same build with ordinary kernels, for comparison


def copy_book(target: Path, source: Path = REPO) -> Path:
    """Copy the book's sources into ``target`` (widget assets are taken from the repository's npm folder)."""
    shutil.copytree(source, target, ignore=copy_ignore())
    return target


def build_env() -> dict[str, str]:
    """Return the environment for a build of a copy: the repository's node_modules for widget assets."""
    env = dict(os.environ)
    if (REPO / "node_modules").is_dir():
        env.setdefault("CCG_NODE_MODULES", str(REPO / "node_modules"))
    return env


def run_build(book: Path, *extra: str, env: dict[str, str] | None = None, stock: bool = False) -> dict:
    """Build ``book`` once (entry point, or stock jupyter-book): seconds, executed, warm kernels, load."""
    load = os.getloadavg()[0]
    if stock:
        command = [str(JUPYTER_BOOK), "build", ".", "-W", "-n", "--keep-going"]
    else:
        command = [sys.executable, "-m", "ccg_book.build", "--book", str(book), *extra]
    start = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=book,
        capture_output=True,
        text=True,
        env={**build_env(), "PYTHONPATH": str(book / "src"), **(env or {})},
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed (rc={result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    executed = sorted({os.path.relpath(p, book) for p in EXECUTED.findall(result.stdout)})
    driver = DRIVER_COUNT.search(result.stdout)
    if not stock and (driver is None or int(driver.group(1)) != len(executed)):
        sys.exit(f"executed-notebook counts disagree: log {executed}, driver {driver and driver.group(0)}")
    pooled = POOL_STARTED in result.stdout
    return {"seconds": seconds, "executed": executed, "pooled": pooled, "load": load}


def prose_edit(book: Path, chapter: str, n: int) -> None:
    """Add a sentence of prose at the end of ``chapter``."""
    path = book / chapter
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\nA benchmark sentence, {n}.\n")


def code_edit(book: Path, chapter: str, n: int) -> None:
    """Add a comment line at the top of the first code cell of ``chapter``."""
    path = book / chapter
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^```\{code-cell\}[^\n]*\n(:[^\n]*\n)*", text, re.MULTILINE)
    if match is None:
        sys.exit(f"{chapter} has no code cell to edit")
    path.write_text(text[: match.end()] + f"# benchmark edit {n}\n" + text[match.end() :], encoding="utf-8")


def data_edit(book: Path, data_file: str, column: str, n: int) -> None:
    """Change one text field of a CSV: append a marker to ``column`` in its first data row."""
    path = book / data_file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    rows[1][index] = f"{rows[1][index]} [benchmark {n}]"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def module_edit(book: Path, module: str, n: int) -> None:
    """Add a comment at the end of a helper-package module."""
    path = book / module
    path.write_text(path.read_text(encoding="utf-8") + f"# benchmark edit {n}\n", encoding="utf-8")


def html_digests(book: Path) -> dict[str, str]:
    """Return ``{relative path: sha256}`` for every file of the built site except volatile ones."""
    site = book / "_build" / "html"
    digests = {}
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if path.is_file() and name not in VOLATILE:
            content = path.read_bytes()
            if path.suffix == ".html":
                content = WIDGET_ID.sub(b"<widget-id>", content)
            digests[name] = hashlib.sha256(content).hexdigest()
    return digests


def kernel_startup(book: Path, repeat: int, pooled: bool) -> dict:
    """Median seconds to start a kernel (ordinary, or forked from the warm template),
    then to run a chapter's first imports, then to load data."""

    env = {**build_env(), "PYTHONPATH": str(book / "src"), "CCG_BOOK_ROOT": str(book)}
    steps = {
        "first_imports": (
            "import pandas, matplotlib.pyplot\nfrom myst_nb import glue\nfrom ccg_leadership import study"
        ),
        "first_data_load": "study.load_phases()",
    }
    timings: dict[str, list[float]] = {"kernel_start": [], **{k: [] for k in steps}}
    pool = WarmKernels()
    if pooled:
        pool.start()
    try:
        for attempt in range(
            repeat + int(pooled)
        ):  # pooled: a first, unmeasured kernel waits for the template
            start = time.perf_counter()
            manager, client = start_new_kernel(kernel_name="python3", env=env, cwd=str(book / "chapters"))
            started = time.perf_counter() - start
            try:
                measured = {"kernel_start": started}
                for name, code in steps.items():
                    start = time.perf_counter()
                    reply = client.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
                    if reply["content"]["status"] != "ok":
                        sys.exit(f"kernel step {name} failed: {reply['content']}")
                    measured[name] = time.perf_counter() - start
            finally:
                client.stop_channels()
                manager.shutdown_kernel(now=True)
            if not (pooled and attempt == 0):
                for name, value in measured.items():
                    timings[name].append(value)
    finally:
        pool.stop()
    return {name: statistics.median(values) for name, values in timings.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (median reported)")
    parser.add_argument("--prose-chapter", default="chapters/02-design-and-methods.md")
    parser.add_argument("--code-chapter", default="chapters/02-design-and-methods.md")
    parser.add_argument("--data-file", default="data/study/phases.csv")
    parser.add_argument("--data-column", default="name", help="text column of --data-file to edit")
    parser.add_argument("--module", default="src/ccg_leadership/inventory.py")
    parser.add_argument("--write", action="store_true", help=f"save the results to {RESULTS.name}")
    parser.add_argument(
        "--no-compare-ordinary",
        dest="compare_ordinary",
        action="store_false",
        help="skip the cold builds of the entry point with ordinary kernels (CCG_WARM_KERNELS=off)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument("--source", type=Path, default=REPO, help="book tree to copy (default: this one)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="ccg-bench-"))
    books = {kind: copy_book(workdir / kind / "book", args.source.resolve()) for kind in ("project", "stock")}
    scenarios: dict[str, dict[str, list[dict]]] = {}

    def measure(name: str, kind: str, *extra: str, env: dict[str, str] | None = None) -> None:
        run = run_build(books[kind], *extra, env=env, stock=kind == "stock")
        scenarios.setdefault(name, {}).setdefault(kind, []).append(run)
        print(f"  {name} ({kind}): {run['seconds']:.2f} s, {len(run['executed'])} executed", flush=True)

    cold_digests = []
    try:
        for _ in range(args.repeat):
            for kind in ("project", "stock"):
                shutil.rmtree(books[kind] / "_build", ignore_errors=True)
                measure("cold build", kind)
                cold_digests.append(html_digests(books[kind]))
        for _ in range(args.repeat if args.compare_ordinary else 0):
            shutil.rmtree(books["project"] / "_build", ignore_errors=True)
            measure("cold build, ordinary kernels", "project", env=ORDINARY)
            cold_digests.append(html_digests(books["project"]))
        edits = {
            "no-change rebuild": lambda book, n: None,
            "prose edit, one chapter": lambda book, n: prose_edit(book, args.prose_chapter, n),
            "code-cell edit, one chapter": lambda book, n: code_edit(book, args.code_chapter, n),
            "data file edit": lambda book, n: data_edit(book, args.data_file, args.data_column, n),
            "helper module edit": lambda book, n: module_edit(book, args.module, n),
        }
        for kind in ("project", "stock"):  # settle: the first rebuild after a cold build stamps its inputs
            run_build(books[kind], stock=kind == "stock")
        for n in range(args.repeat):
            for name, edit in edits.items():
                for kind in ("project", "stock"):
                    edit(books[kind], n)
                    measure(name, kind)
        startup = {
            "ordinary": kernel_startup(books["project"], args.repeat, pooled=False),
            "pooled": kernel_startup(books["project"], args.repeat, pooled=True),
        }
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    differing = sorted(
        {
            path
            for digest in cold_digests[1:]
            for path in set(digest) | set(cold_digests[0])
            if digest.get(path) != cold_digests[0].get(path)
        }
    )
    results = {
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "platform": platform.platform(terse=True),
        },
        "source": "this repository" if args.source.resolve() == REPO else str(args.source),
        "repeat": args.repeat,
        "edits": {
            "prose": args.prose_chapter,
            "code": args.code_chapter,
            "data": f"{args.data_file} (column {args.data_column})",
            "module": args.module,
        },
        "scenarios": {name: summarise(runs) for name, runs in scenarios.items()},
        "targets": {name: {"ratio": t[0], "executed": t[1]} for name, t in TARGETS.items()},
        "kernel_seconds": {
            kind: {k: round(v, 2) for k, v in values.items()} for kind, values in startup.items()
        },
        "cold_builds_identical": not differing,
        "cold_build_differences": differing,
        "load_after": round(os.getloadavg()[0], 2),
        "benchmark_seconds": round(time.perf_counter() - started, 1),
    }
    results["table_markdown"] = markdown_table(results)
    print_table(results)
    if args.write:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"written: {RESULTS.relative_to(REPO)}")
    return 0


def summarise_kind(runs: list[dict]) -> dict:
    """Median time, runs, notebooks executed (all runs must agree), warm kernels and loads of one kind."""
    executed = {tuple(r["executed"]) for r in runs}
    return {
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
        "runs_seconds": [round(r["seconds"], 2) for r in runs],
        "executed": len(runs[-1]["executed"]) if len(executed) == 1 else None,
        "executed_notebooks": list(runs[-1]["executed"]),
        "warm_kernels": sorted({r["pooled"] for r in runs}) == [True],
        "load_before": [round(r["load"], 2) for r in runs],
    }


def summarise(runs: dict[str, list[dict]]) -> dict:
    """The project's figures (top level), the stock build's, and the ratio."""
    summary = summarise_kind(runs["project"])
    if "stock" in runs:
        summary["stock"] = summarise_kind(runs["stock"])
        summary["ratio"] = round(summary["median_seconds"] / summary["stock"]["median_seconds"], 2)
    return summary


def markdown_table(results: dict) -> str:
    """The scenarios as a Markdown table: project and stock medians (runs), ratio, goal, executed, load."""
    lines = [
        "| scenario | project s (runs) | stock s (runs) | ratio | goal | executed project / stock"
        " | load before |",
        "|---|---|---|---:|---|---|---|",
    ]
    for name, row in results["scenarios"].items():
        project, stock = row, row.get("stock", {})

        def cell(kind: dict) -> str:
            runs = ", ".join(f"{s:.2f}" for s in kind.get("runs_seconds", []))
            return f"{kind['median_seconds']:.2f} ({runs})" if kind else "-"

        def count(kind: dict) -> str:
            return "-" if not kind else "varied" if kind["executed"] is None else str(kind["executed"])

        target = results["targets"].get(name, {})
        wanted = []
        if target.get("ratio") is not None:
            wanted.append(f"≤ {target['ratio']:g}")
        if target.get("executed") is not None:
            wanted.append(f"{target['executed']} executed")
        loads = ", ".join(f"{x:.1f}" for x in project.get("load_before", []) + stock.get("load_before", []))
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else "-"
        cells = [name, cell(project), cell(stock), ratio, ", ".join(wanted) or "-"]
        cells += [f"{count(project)} / {count(stock)}", loads]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def print_table(results: dict) -> None:
    """Print the results: a Markdown table, which notebooks ran, kernel start-up, determinism."""
    machine = results["machine"]
    print(f"\nBuild times: {machine['cpus']} CPUs, median of {results['repeat']} runs")
    print(results["table_markdown"])
    for name, row in results["scenarios"].items():
        for kind, figures in (("project", row), ("stock", row.get("stock", {}))):
            if figures.get("executed_notebooks"):
                print(f"  {name} ({kind}): {', '.join(figures['executed_notebooks'])}")
    for kind, kernel in results["kernel_seconds"].items():
        print(
            f"{kind} kernel: start {kernel['kernel_start']:.2f} s;"
            f" first imports {kernel['first_imports']:.2f} s;"
            f" first data load {kernel['first_data_load']:.2f} s"
        )
    same = "yes" if results["cold_builds_identical"] else f"NO: {results['cold_build_differences'][:10]}"
    volatile = ", ".join(sorted(VOLATILE))
    print(f"repeated cold builds (project and stock) give identical HTML (except {volatile}): {same}")
    print(f"load after: {results['load_after']}; benchmark took {results['benchmark_seconds']} s")


if __name__ == "__main__":
    sys.exit(main())
