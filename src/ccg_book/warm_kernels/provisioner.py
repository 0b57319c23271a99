"""The warm-kernel provisioner: a jupyter_client ``LocalProvisioner`` whose kernels are forks of a template.

Selected by a kernel spec's ``metadata.kernel_provisioner`` (``provisioner_name: ccg-warm-kernel``,
``config: {template_socket: PATH}``; see :func:`ccg_book.warm_kernels.pool.warm_spec`). Everything but
the launch is ``LocalProvisioner``'s own: the connection file, ports, the kernel's environment and
folder. The launch asks the template on ``template_socket`` to fork a kernel (see
:mod:`ccg_book.warm_kernels.template` for the protocol) and manages it through :class:`ForkedKernel`,
which answers ``LocalProvisioner``'s ``poll``/``wait``/``send_signal`` like a ``Popen`` would. When
the template is not there, or the command is not ``python -m ipykernel_launcher`` of this
interpreter, the kernel is started the ordinary way.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

HEADER = struct.Struct("!Q")
ANSWER_TIMEOUT = 120.0  # seconds to wait for the template to fork (it may still be importing)


class ForkedKernel:
    """A kernel forked by the template, seen through the template's connection (a ``Popen`` stand-in)."""

    stdin = stdout = stderr = None  # LocalProvisioner.wait closes these if set

    def __init__(self, pid: int, link: socket.socket, pending: bytes = b"") -> None:
        self.pid = pid
        self.link = link
        self.buffer = pending
        self.returncode: int | None = None

    def _read(self, timeout: float | None) -> None:
        """Take in what the template sent within ``timeout``; set ``returncode`` once it reports an exit."""
        while b"\n" not in self.buffer:
            readable, _, _ = select.select([self.link], [], [], timeout)
            if not readable:
                return
            chunk = self.link.recv(4096)
            if not chunk:  # the template went away without a report: the kernel is gone with it
                self.buffer += b"exit 1\n"
                break
            self.buffer += chunk
        line = self.buffer.partition(b"\n")[0].decode()
        self.returncode = int(line.split()[1]) if line.startswith("exit ") else 1
        self.link.close()

    def poll(self) -> int | None:
        """The kernel's exit status, or None while it runs."""
        if self.returncode is None:
            self._read(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the kernel to exit; return its status."""
        if self.returncode is None:
            self._read(timeout)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel process."""
        if self.returncode is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def request_kernel(path: str, argv: list[str], cwd: str, env: dict[str, str]) -> ForkedKernel | None:
    """Ask the template on ``path`` to fork ``python -m ipykernel_launcher ARGV``; None if it cannot."""
    link = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        link.connect(path)
        body = json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode("utf-8")
        payload = HEADER.pack(len(body)) + body
        with open(os.devnull, "rb") as stdin:
            sent = socket.send_fds(link, [payload], [stdin.fileno(), 1, 2])
        link.sendall(payload[sent:])
        answer, deadline = b"", time.monotonic() + ANSWER_TIMEOUT
        while b"\n" not in answer and time.monotonic() < deadline:
            if select.select([link], [], [], 0.5)[0]:
                chunk = link.recv(4096)
                if not chunk:
                    break
                answer += chunk
    except OSError:
        link.close()
        return None
    line, _, rest = answer.partition(b"\n")
    if not line.startswith(b"pid "):
        link.close()  # the template kills a kernel it forked for a request whose connection closed
        return None
    return ForkedKernel(int(line.split()[1]), link, rest)


def is_this_ipykernel(cmd: list[str]) -> bool:
    """True for ``python -m ipykernel_launcher ...`` run by this very interpreter (what the template is)."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return False
    return os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)


class WarmKernelProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Launch kernels as forks of the warm template (see the module doc)."""

    template_socket = Unicode("", config=True, help="Unix socket of the warm-kernel template process.")

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Ask the template for the kernel; start it the ordinary way if that is not possible."""
        kernel = None
        if self.template_socket and is_this_ipykernel(cmd):
            cwd = str(kwargs.get("cwd") or Path.cwd())
            env = dict(kwargs.get("env") or os.environ)
            if not kwargs.get("independent"):
                env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launch_kernel sets it
            kernel = request_kernel(self.template_socket, cmd[3:], cwd, env)
        if kernel is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = kernel
        self.pid = self.pgid = kernel.pid  # the fork starts its own session, so its group is its pid
        self.cwd = kwargs.get("cwd", Path.cwd())
        return self.connection_info
