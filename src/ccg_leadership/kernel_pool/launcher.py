"""The command a pooled kernel spec runs: ask the template process for a kernel and stand in for it.

``python -I -S launcher.py SOCKET CONNECTION_FILE`` (started by jupyter_client in place of
``python -m ipykernel_launcher -f CONNECTION_FILE``; standard library only, so it starts in a few
milliseconds). It hands the template (``zygote.py``) its streams, working folder and environment, then
waits: signals it receives (an interrupt from the notebook client) are passed on to the kernel, and
it exits with the kernel's exit status, so to jupyter_client it behaves like the kernel process.
If no template is listening it replaces itself with the ordinary kernel command.
"""

import contextlib
import json
import os
import select
import signal
import socket
import struct
import sys

HEADER = struct.Struct("!Q")


def ordinary_kernel(connection_file: str) -> None:
    """Replace this process with the standard ipykernel command (the pool is not there)."""
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file])


def main(path: str, connection_file: str) -> int:
    """Obtain a kernel from the template listening on ``path``; return the kernel's exit status."""
    link = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        link.connect(path)
    except OSError:
        ordinary_kernel(connection_file)
    request = json.dumps({"connection_file": connection_file, "cwd": os.getcwd(), "env": dict(os.environ)})
    body = request.encode("utf-8")
    payload = HEADER.pack(len(body)) + body
    sent = socket.send_fds(link, [payload], [0, 1, 2])
    link.sendall(payload[sent:])
    lines = Lines(link)
    first = lines.next(parent=os.getppid())
    if first is None or not first.startswith("pid "):
        return 1  # closing the link makes the template kill a kernel it forks for this request
    kernel = int(first.split()[1])
    parent = os.getppid()

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(kernel, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
        signal.signal(signum, forward)
    line = lines.next(parent=parent)
    if line is None:  # the template went away, or the notebook client did (then the kernel goes too)
        forward(signal.SIGKILL, None)
        return 1
    return int(line.split()[1]) if line.startswith("exit ") else 1


class Lines:
    """Newline-separated messages from the template, read without blocking for more than half a second."""

    def __init__(self, link: socket.socket) -> None:
        self.link = link
        self.buffer = b""

    def next(self, parent: int | None) -> str | None:
        """Return the next line; None if the template closed the link or ``parent`` is no longer ours."""
        while b"\n" not in self.buffer:
            readable, _, _ = select.select([self.link], [], [], 0.5)
            if not readable:
                if parent is not None and os.getppid() != parent:
                    return None
                continue
            chunk = self.link.recv(4096)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
