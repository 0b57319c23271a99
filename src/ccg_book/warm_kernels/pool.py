"""Start the warm kernels' template and publish the kernel spec that routes ``python3`` kernels to it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from importlib.metadata import entry_points
from pathlib import Path
from types import TracebackType

from jupyter_client.kernelspec import KernelSpecManager

# Third-party libraries the chapters import (never the book's own package; see the package doc).
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
SWITCH = "CCG_WARM_KERNELS"
PROVISIONER = "ccg-warm-kernel"  # its entry point name (pyproject.toml)
TEMPLATE = Path(__file__).resolve().parent / "template.py"


def enabled() -> bool:
    """False if the author switched warm kernels off or the provisioner is not installed."""
    if os.environ.get(SWITCH, "").strip().lower() in {"off", "0", "no", "false"}:
        return False
    return bool(entry_points(group="jupyter_client.kernel_provisioners", name=PROVISIONER))


def warm_spec(socket_path: Path) -> dict:
    """The ordinary ``python3`` kernel spec, with the warm-kernel provisioner selected in its metadata."""
    spec = KernelSpecManager().get_kernel_spec("python3").to_dict()
    spec.pop("resource_dir", None)
    provisioner = {"provisioner_name": PROVISIONER, "config": {"template_socket": str(socket_path)}}
    return {**spec, "metadata": {**spec.get("metadata", {}), "kernel_provisioner": provisioner}}


class WarmKernels:
    """The template process and the kernel spec that selects it; a context manager (start, stop)."""

    def __init__(self, modules: tuple[str, ...] = PRELOAD) -> None:
        self.modules = modules
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        self.previous_path: str | None = None

    @property
    def socket(self) -> Path:
        """The template's Unix socket (a short path: socket paths are limited to about 100 bytes)."""
        assert self.folder is not None, "warm kernels are not running"
        return self.folder / "template.sock"

    def start(self) -> None:
        """Start the template (it imports in the background) and publish the kernel spec."""
        if self.process is not None:
            return
        self.folder = Path(tempfile.mkdtemp(prefix="ccg-kernels-"))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(str(self.socket))
            server.listen(64)  # listening before the spec is published: no kernel finds no template
            source = TEMPLATE.read_text(encoding="utf-8")
            self.process = subprocess.Popen(
                [sys.executable, "-c", source, str(server.fileno()), *self.modules],
                stdin=subprocess.DEVNULL,
                pass_fds=[server.fileno()],
            )
        spec = self.folder / "kernels" / "python3"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps(warm_spec(self.socket), indent=1), encoding="utf-8")
        self.previous_path = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(self.folder), self.previous_path]))

    def stop(self) -> None:
        """Stop the template (it kills any kernel still running) and withdraw the kernel spec."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.previous_path is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = self.previous_path
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.process = self.folder = None

    def __enter__(self) -> WarmKernels:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
