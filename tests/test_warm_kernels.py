"""Warm kernels (a jupyter_client kernel provisioner): forked kernels behave like ordinary ones.

Notebooks are executed with nbclient (as myst-nb does through jupyter-cache) while the template runs
and its kernel spec is published; jupyter_client then selects the ``ccg-warm-kernel`` provisioner from
the spec's metadata. That the whole book comes out byte-identical with and without warm kernels is
checked by tests/test_reproducible.py; that cold builds use them, by tests/test_rebuild.py.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

from ccg_book.warm_kernels.pool import PROVISIONER, WarmKernels, enabled


def run(cells: list[str], cwd: Path, timeout: int = 60) -> list[str]:
    """Execute ``cells`` in a new ``python3`` kernel; return each cell's text output."""
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    notebook.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": cwd}}
    ).execute()
    return ["".join(out.get("text", "") for out in cell.outputs).strip() for cell in notebook.cells]


@pytest.fixture
def pool() -> Iterator[WarmKernels]:
    """A running pool with a small pre-import list (the test is about the mechanism, not the list)."""
    running = WarmKernels(modules=("ipykernel.kernelapp", "json"))
    running.start()
    yield running
    running.stop()


PROBES = [
    "import os; print(os.getppid())",
    "print(os.getcwd())",
    "print(os.environ.get('CCG_POOL_PROBE'))",
    "import sys; print(sys.path)",
    "print(sorted(name for name in sys.modules if name.split('.')[0] == 'ccg_leadership'))",
    "import matplotlib; print(matplotlib.get_backend())",
    "print(os.getpgid(0) == os.getpid())",  # its own process group, as jupyter_client starts kernels
]


def test_a_pooled_kernel_looks_like_an_ordinary_one(pool: WarmKernels, tmp_path: Path) -> None:
    os.environ["CCG_POOL_PROBE"] = "from the client"
    try:
        parent, *pooled = run(PROBES, tmp_path)
        pool.stop()
        ordinary_parent, *ordinary = run(PROBES, tmp_path)
    finally:
        del os.environ["CCG_POOL_PROBE"]
    assert int(parent) != int(ordinary_parent)  # the first was a fork of the template
    assert pooled == ordinary
    cwd, probe, _path, modules, backend, leader = pooled
    assert Path(cwd) == tmp_path and probe == "from the client" and modules == "[]"
    assert backend == "module://matplotlib_inline.backend_inline" and leader == "True"


def test_kernels_are_forks_of_the_template(pool: WarmKernels, tmp_path: Path) -> None:
    (parent,) = run(["import os; print(os.getppid())"], tmp_path)
    assert pool.process is not None and int(parent) == pool.process.pid


def test_each_kernel_starts_from_the_pristine_template(pool: WarmKernels, tmp_path: Path) -> None:
    first = run(["import json; json.probe_mark = 1; print(hasattr(json, 'probe_mark'))"], tmp_path)
    second = run(["import json; print(hasattr(json, 'probe_mark'))"], tmp_path)
    assert first == ["True"] and second == ["False"]


def test_a_timed_out_kernel_is_killed(pool: WarmKernels, tmp_path: Path) -> None:
    pid_file = tmp_path / "kernel.pid"
    with pytest.raises(CellTimeoutError):
        run(
            [f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"],
            tmp_path,
            timeout=3,
        )
    kernel = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(kernel):
        time.sleep(0.1)
    assert not _alive(kernel), "the kernel outlived its notebook client"


def test_without_a_template_the_provisioner_starts_an_ordinary_kernel(
    pool: WarmKernels, tmp_path: Path
) -> None:
    assert pool.process is not None
    pool.process.terminate()
    pool.process.wait(timeout=10)
    (parent,) = run(["import os; print(os.getppid())"], tmp_path)
    assert int(parent) != pool.process.pid  # not a fork of the (stopped) template, yet it ran


def test_stop_withdraws_the_kernel_spec(tmp_path: Path) -> None:
    before = os.environ.get("JUPYTER_PATH")
    pool = WarmKernels(modules=())
    pool.start()
    folder = pool.folder
    assert folder is not None
    spec = json.loads((folder / "kernels" / "python3" / "kernel.json").read_text(encoding="utf-8"))
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == PROVISIONER
    assert spec["argv"][1:3] == ["-m", "ipykernel_launcher"]  # the ordinary command; only the launch differs
    assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0] == str(folder)
    pool.stop()
    assert os.environ.get("JUPYTER_PATH") == before and not folder.exists() and pool.process is None


@pytest.mark.parametrize(("value", "expected"), [("", True), ("on", True), ("off", False), ("0", False)])
def test_switch(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("CCG_WARM_KERNELS", value)
    assert enabled() is expected


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:  # a zombie is as good as gone
        return stat.read().split()[2] != "Z"
