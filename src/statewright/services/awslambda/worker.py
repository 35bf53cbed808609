"""One warm worker: a runtime process (AWS's `awslambdaric`, or our Node.js bootstrap) and the
Lambda Runtime API endpoint it talks to.

Each worker listens on its own loopback port (`AWS_LAMBDA_RUNTIME_API`). The thread that invokes
a worker does the Runtime API's I/O itself: it answers the runtime's pending
`GET /runtime/invocation/next` with the event and reads the `POST …/response` (or `…/error`),
so an invocation costs no thread hand-off on the server side. The process's stdout and stderr
share one pipe, read in the same wait, so the output of an invocation is complete when its
response arrives (the runtime flushes before it posts).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import selectors
import signal
import socket
import subprocess
import time
from collections.abc import Sequence

from .http1 import Connection, ProtocolError, Request
from .types import Invocation, Outcome

API_PREFIX = "/2018-06-01/runtime/"
# Lambda gives a runtime 10 seconds to initialize before the first event.
INIT_SECONDS = 10.0


class WorkerExited(Exception):
    """The runtime process exited (or closed the Runtime API) while it was needed."""

    def __init__(self, returncode: int | None) -> None:
        super().__init__(f"runtime exited: {returncode}")
        self.returncode = returncode


class WorkerTimeout(Exception):
    """The runtime did not answer before the deadline."""


class Worker:
    """A runtime process and its Runtime API endpoint. Not thread-safe: a pool hands a worker to
    one invocation at a time."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: str, generation: int = 0) -> None:
        self.generation = generation
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.setblocking(False)
        port = self.listener.getsockname()[1]
        self.selector = selectors.DefaultSelector()
        self.connections: list[Connection] = []
        self.pending_next: Connection | None = None
        self.initialized = False
        self.stopped = False
        self.log_stream = ""
        self.init_log = ""
        self.init_ms: float | None = None
        self.last_used = time.monotonic()
        self.output = bytearray()
        self.started = time.monotonic()
        try:
            self.process = subprocess.Popen(
                list(argv), cwd=cwd, env={**env, "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}"},
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True, close_fds=True)
        except BaseException:
            self.selector.close()
            self.listener.close()
            raise
        assert self.process.stdout is not None  # Popen with stdout=PIPE always has it
        self.pipe = self.process.stdout
        self.pipe_open = True
        flags = fcntl.fcntl(self.pipe.fileno(), fcntl.F_GETFL)
        fcntl.fcntl(self.pipe.fileno(), fcntl.F_SETFL, flags | os.O_NONBLOCK)
        self.selector.register(self.listener, selectors.EVENT_READ, "listener")
        self.selector.register(self.pipe.fileno(), selectors.EVENT_READ, "pipe")

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None and self.pipe_open

    # --- one invocation -------------------------------------------------------------------------

    def invoke(self, invocation: Invocation, timeout: float) -> Outcome:
        """Run one event; raises WorkerExited or WorkerTimeout, after which the worker is unusable."""
        began = time.monotonic()
        init_ms: float | None = None
        if not self.initialized:
            request = self._wait_request(began + INIT_SECONDS + timeout)
            if request.path == API_PREFIX + "init/error":
                self._answer(request, 202)
                self._drain()
                return Outcome(request.body, "Unhandled", self.take_output(), _ms(began), status="error")
            self._expect_next(request)
            self.initialized = True
            init_ms = self.init_ms = (time.monotonic() - self.started) * 1000
            self._drain()
            # Logged before START; kept on the worker until an outcome (or a failure) takes it.
            self.init_log = self.take_output()
            began = time.monotonic()
        elif self.pending_next is None:
            self._expect_next(self._wait_request(began + timeout))
        connection, self.pending_next = self.pending_next, None
        assert connection is not None  # set by _expect_next
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000 + timeout * 1000)),
            "Lambda-Runtime-Invoked-Function-Arn": invocation.function_arn,
        }
        if invocation.trace_id:
            headers["Lambda-Runtime-Trace-Id"] = invocation.trace_id
        if invocation.client_context:
            headers["Lambda-Runtime-Client-Context"] = invocation.client_context
        connection.respond(200, invocation.payload, headers)
        deadline = began + timeout
        while True:
            request = self._wait_request(deadline)
            prefix = f"{API_PREFIX}invocation/{invocation.request_id}/"
            if request.path == prefix + "response":
                self._answer(request, 202)
                self._drain()
                return Outcome(request.body, None, self.take_output(), _ms(began), init_ms,
                               self.max_memory_mb(), init_log_text=self.take_init_log())
            if request.path == prefix + "error":
                self._answer(request, 202)
                self._drain()
                return Outcome(request.body or b"{}", "Unhandled", self.take_output(), _ms(began),
                               init_ms, self.max_memory_mb(), status="error",
                               init_log_text=self.take_init_log())
            self._answer(request, 400, _api_error("InvalidRequestID", f"unexpected {request.method} {request.path}"))

    def take_init_log(self) -> str:
        text, self.init_log = self.init_log, ""
        return text

    def take_output(self) -> str:
        text = self.output.decode("utf-8", "replace")
        self.output.clear()
        return text

    def max_memory_mb(self) -> int:
        """The process's peak resident memory, as REPORT's "Max Memory Used"."""
        try:
            with open(f"/proc/{self.process.pid}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmHWM:"):
                        return max(1, int(line.split()[1]) // 1024)
        except (OSError, ValueError, IndexError):
            pass
        return 0

    # --- Runtime API -------------------------------------------------------------------------------

    def _expect_next(self, request: Request) -> None:
        if request.method == "GET" and request.path == API_PREFIX + "invocation/next":
            return
        raise WorkerExited(self.process.poll())

    @staticmethod
    def _answer(request: Request, status: int, body: bytes = b"") -> None:
        if request.source is not None:
            request.source.respond(status, body, {"Content-Type": "application/json"})

    def _wait_request(self, deadline: float) -> Request:
        """The runtime's next request on any of its connections; `GET …/next` is remembered as
        pending (it is answered with the next event)."""
        while True:
            for connection in self.connections:
                try:
                    request = connection.next_request()
                except ProtocolError:
                    connection.close()
                    continue
                if request is not None:
                    if request.method == "GET" and request.path == API_PREFIX + "invocation/next":
                        self.pending_next = connection
                    return request
            self._forget_closed()
            if not self.connections and (not self.pipe_open or self.process.poll() is not None):
                raise WorkerExited(self._exit_code())
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimeout()
            # Wake now and then: a process that left a child holding its pipe ends unseen.
            for key, _ in self.selector.select(min(remaining, 0.5)):
                if key.data == "listener":
                    self._accept()
                elif key.data == "pipe":
                    self._read_pipe()
                else:
                    key.data.receive()

    def _accept(self) -> None:
        try:
            sock, _ = self.listener.accept()
        except BlockingIOError:
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(True)
        connection = Connection(sock)
        self.connections.append(connection)
        self.selector.register(sock, selectors.EVENT_READ, connection)

    def _forget_closed(self) -> None:
        for connection in [c for c in self.connections if c.closed]:
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(connection.sock)
            connection.close()
            self.connections.remove(connection)
            if self.pending_next is connection:
                self.pending_next = None

    def _read_pipe(self) -> None:
        while self.pipe_open:
            try:
                data = os.read(self.pipe.fileno(), 65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self.pipe_open = False
                with contextlib.suppress(KeyError, ValueError):
                    self.selector.unregister(self.pipe.fileno())
                return
            self.output += data

    def _drain(self) -> None:
        """Read what the runtime wrote before its last request (it is already in the pipe)."""
        self._read_pipe()

    def _exit_code(self) -> int | None:
        try:
            return self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return None

    # --- lifecycle -------------------------------------------------------------------------------

    def signal_kill(self) -> None:
        """Kill the process only (safe from another thread); the owner then calls `kill`."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def kill(self) -> int | None:
        """Stop the process (and anything it started) and release the sockets; its exit code."""
        if self.stopped:
            return self.process.returncode
        self.stopped = True
        self.signal_kill()
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        if self.pipe_open:
            self._read_pipe()
        for connection in self.connections:
            connection.close()
        self.connections.clear()
        self.pending_next = None
        self.selector.close()
        self.listener.close()
        self.pipe.close()
        self.pipe_open = False
        return code


def exit_reason(returncode: int | None) -> str:
    """Lambda's words for how a runtime process ended (as in `Runtime.ExitError`)."""
    if returncode is None or returncode == 0:
        return "Runtime exited without providing a reason"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        words = {"SIGKILL": "killed", "SIGTERM": "terminated", "SIGSEGV": "segmentation fault",
                 "SIGABRT": "aborted", "SIGINT": "interrupt"}.get(name, name.lower())
        return f"Runtime exited with error: signal: {words}"
    return f"Runtime exited with error: exit status {returncode}"


def _api_error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


def _ms(began: float) -> float:
    return (time.monotonic() - began) * 1000
