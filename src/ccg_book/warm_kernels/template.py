"""The warm kernels' template process: import the chapters' libraries once, then fork one kernel per request.

Run by :class:`ccg_book.warm_kernels.pool.WarmKernels` as ``python -c <this source> FD MODULE...`` (as
source, so no book file appears among a kernel's loaded modules), where FD is a Unix socket already
bound and listening (kernels can be requested from the moment it is published, while this process
is still importing). It imports each MODULE (third-party libraries only: the book's own package must
be imported, and so recorded by the dependency audit, by each chapter itself).

Protocol, per connection from the kernel provisioner (:mod:`ccg_book.warm_kernels.provisioner`): an
8-byte length and a JSON request ``{"argv", "cwd", "env"}`` (``argv``: the arguments that follow
``python -m ipykernel_launcher``), sent with the three descriptors the kernel's stdin, stdout and
stderr should use (SCM_RIGHTS). The template forks; the child starts a new session (its own process
group, as jupyter_client gives every kernel), takes those descriptors, folder and environment and runs
``ipykernel`` exactly as ``python -m ipykernel_launcher ARGV`` would. The template answers ``pid N`` at
once and ``exit CODE`` when the kernel ends; if the provisioner's connection closes first, the kernel
is killed. The template exits when its parent (the build) does, or on SIGTERM.
"""

import contextlib
import gc
import importlib
import json
import os
import select
import signal
import socket
import struct
import sys
import threading

HEADER = struct.Struct("!Q")


def receive_request(connection: socket.socket) -> tuple[dict, list[int]]:
    """Read one request and the three descriptors that come with it."""
    data, fds, _flags, _address = socket.recv_fds(connection, 65536, 3)
    while len(data) < HEADER.size:
        data += connection.recv(65536)
    (length,) = HEADER.unpack(data[: HEADER.size])
    body = data[HEADER.size :]
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("client closed the connection mid-request")
        body += chunk
    return json.loads(body.decode("utf-8")), list(fds)


def become_kernel(request: dict, fds: list[int]) -> None:
    """In the forked child: adopt the requester's streams, directory and environment; run ipykernel."""
    os.setsid()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    for signum in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does: the kernel's shell puts the working folder back
    sys.argv = [sys.argv[0], *request["argv"]]
    if os.environ.get("JPY_PARENT_PID"):  # ipykernel reads it at import time, i.e. in the template
        sys.argv.append(f"--IPKernelApp.parent_handle={int(os.environ['JPY_PARENT_PID'])}")
    code = 0
    try:
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # report any failure on the kernel's own stderr
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # the stream may already be closed
                stream.flush()
    os._exit(code)


def fork_kernel(connection: socket.socket, server: socket.socket, clients: dict) -> int | None:
    """Fork a kernel for the request on ``connection``; return its pid (None if the client is gone)."""
    try:
        request, fds = receive_request(connection)
    except (OSError, ValueError):
        connection.close()
        return None
    pid = os.fork()
    if pid == 0:
        server.close()
        for other in [connection, *clients]:
            other.close()
        become_kernel(request, fds)
    for fd in fds:
        os.close(fd)
    try:
        connection.sendall(f"pid {pid}\n".encode())
    except OSError:
        _kill(pid)
        connection.close()
        return None
    return pid


def serve(fd: int, modules: list[str]) -> None:
    """Import ``modules``, then fork kernels on request (on listening socket ``fd``) until the build ends."""
    parent = os.getppid()
    server = socket.socket(fileno=fd)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel sets it
    # debugpy warns on import, to this process's stderr, that frozen modules may hide breakpoints;
    # nothing is debugged here (each kernel gets the client's environment when it is forked)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # a missing library only means a slower kernel
            print(f"kernel pool: could not pre-import {name}: {error}", file=sys.stderr)
    if threading.active_count() > 1:
        print("kernel pool: a pre-imported library started a thread; forking anyway", file=sys.stderr)
    gc.collect()
    gc.freeze()  # forked kernels then share the template's memory instead of copying it on first GC
    running = True

    def stop(_signum: int, _frame: object) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    clients: dict[socket.socket, int] = {}  # client connection -> its kernel's pid
    while running and os.getppid() == parent:
        readable, _, _ = select.select([server, *clients], [], [], 0.05)
        for ready in readable:
            if ready is server:
                connection, _ = server.accept()
                pid = fork_kernel(connection, server, clients)
                if pid is not None:
                    clients[connection] = pid
            elif not ready.recv(1):  # the client died (or was killed): so must its kernel
                _kill(clients.pop(ready))
                ready.close()
        reap(clients)
    for connection, pid in clients.items():
        _kill(pid)
        connection.close()
    server.close()


def reap(clients: dict[socket.socket, int]) -> None:
    """Collect finished kernels and tell each one's client its exit status."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        for connection, kernel in list(clients.items()):
            if kernel == pid:
                with contextlib.suppress(OSError):
                    connection.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
                connection.close()
                del clients[connection]


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2:])
