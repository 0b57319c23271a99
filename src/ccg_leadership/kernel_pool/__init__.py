"""A pool of pre-warmed Jupyter kernels: the libraries are imported once, each notebook gets a fork.

Every chapter's kernel used to start a fresh interpreter and import ipykernel, pandas, matplotlib,
scipy, statsmodels and pandera (about 3-4 s on the reference machine) before running a line of the
chapter. While the pool is running, a *template* process (``zygote.py``) has already imported those
third-party libraries, and each kernel is a ``fork`` of it, so a kernel is ready in a fraction of a
second. Each kernel still starts from the template's pristine state (nothing a chapter does is
visible to another), imports the book's own package itself (so the dependency audit of
``ccg_leadership.sphinx_ext.dependencies`` records it as before), and behaves to jupyter_client like
an ordinary kernel process (``launcher.py`` stands in for it: signals, exit status).

The pool is switched on by publishing a ``python3`` kernel spec whose command is the launcher, in a
private folder put first on ``JUPYTER_PATH``; stopping the pool removes the folder and the variable.
Set ``CCG_KERNEL_POOL=off`` to build with ordinary kernels (the output is the same; see
tests/test_kernel_pool.py).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

# Third-party libraries the chapters import (never the book's own package; see the module doc).
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.debugger",  # imported by every kernel's start (it pulls in debugpy: about 0.1 s)
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "PIL.Image",
    "scipy.stats",
    "statsmodels.stats.proportion",
    "pandera.pandas",
    "pandera.backends.pandas.builtin_checks",
    "yaml",
    "ipywidgets",
    "myst_nb",
    "myst_nb.ext.glue",  # a chapter's first glue() otherwise imports nbformat and jsonschema
)
SWITCH = "CCG_KERNEL_POOL"
HERE = Path(__file__).resolve().parent


def enabled() -> bool:
    """Return False if the author switched the pool off (``CCG_KERNEL_POOL=off``)."""
    return os.environ.get(SWITCH, "").strip().lower() not in {"off", "0", "no", "false"}


def ordinary_spec() -> dict:
    """The ``python3`` kernel spec the pool stands in for (its metadata, protocol version, etc.)."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3").to_dict()
    return {key: value for key, value in spec.items() if key not in {"resource_dir"}}


class KernelPool:
    """One template process and the kernel spec that routes new ``python3`` kernels to it."""

    def __init__(self, modules: tuple[str, ...] = PRELOAD) -> None:
        self.modules = modules
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        self._previous_path: str | None = None

    @property
    def socket(self) -> Path:
        """The template's Unix socket (short path: sockets are limited to about 100 bytes)."""
        assert self.folder is not None, "the pool is not running"
        return self.folder / "template.sock"

    @property
    def running(self) -> bool:
        """True while the template process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the template (it imports in the background) and publish the pooled kernel spec."""
        if self.process is not None:
            return
        self.folder = Path(tempfile.mkdtemp(prefix="ccg-kernels-"))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(str(self.socket))
            server.listen(64)  # bound before the spec is published: a launcher never finds no socket
            self.process = subprocess.Popen(
                [sys.executable, "-c", (HERE / "zygote.py").read_text(encoding="utf-8"), str(server.fileno())]
                + list(self.modules),
                stdin=subprocess.DEVNULL,
                pass_fds=[server.fileno()],
            )
        spec = self.folder / "kernels" / "python3"
        spec.mkdir(parents=True)
        launcher = [sys.executable, "-I", "-S", str(HERE / "launcher.py"), str(self.socket)]
        kernel = {**ordinary_spec(), "argv": [*launcher, "{connection_file}"]}
        (spec / "kernel.json").write_text(json.dumps(kernel, indent=1), encoding="utf-8")
        atexit.register(self.stop)  # also if the build is interrupted
        self._previous_path = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(self.folder), self._previous_path]))

    def stop(self) -> None:
        """Stop the template (it kills any kernel still running) and withdraw the kernel spec."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._previous_path is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = self._previous_path
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.process = None
        self.folder = None


_SHARED: KernelPool | None = None


def shared() -> KernelPool:
    """The process's pool: the build driver may start it early, the Sphinx extension uses and stops it."""
    global _SHARED
    if _SHARED is None:
        _SHARED = KernelPool()
    return _SHARED
