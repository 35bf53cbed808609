"""A worker on its own: the Runtime API connection has TCP_NODELAY; output before the first
event (init) and during it is captured; a process that never starts the runtime is an exit."""

from __future__ import annotations

import socket
import sys

import pytest

from statewright.services.awslambda.types import Invocation
from statewright.services.awslambda.worker import Worker, WorkerExited, exit_reason

from .conftest import write_code


def event(request_id: str = "11111111-2222-3333-4444-555555555555") -> Invocation:
    return Invocation(request_id, b'{"k": 1}', "arn:aws:lambda:us-east-1:123456789012:function:fn")


def test_a_worker_answers_with_nodelay_and_captures_output(tmp_path):
    code = write_code(tmp_path, {"app.py": """
        print("init output")
        def handler(event, context):
            print("handler output")
            return event
    """})
    worker = Worker([sys.executable, "-m", "awslambdaric", "app.handler"],
                    {"PYTHONPATH": str(code), "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"}, str(code))
    try:
        outcome = worker.invoke(event(), 3.0)
        assert outcome.payload == b'{"k": 1}' and outcome.function_error is None
        assert outcome.init_log_text == "init output\n"
        assert outcome.log_text == "handler output\n"
        assert outcome.init_ms is not None and outcome.max_memory_mb > 0
        assert all(c.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for c in worker.connections)
        second = worker.invoke(event("66666666-2222-3333-4444-555555555555"), 3.0)
        assert second.init_ms is None and second.log_text == "handler output\n"
    finally:
        worker.kill()


def test_a_process_that_exits_before_the_runtime_starts_is_an_exit(tmp_path):
    worker = Worker([sys.executable, "-c", "import sys; print('bye'); sys.exit(7)"], {}, str(tmp_path))
    try:
        with pytest.raises(WorkerExited) as raised:
            worker.invoke(event(), 3.0)
        assert raised.value.returncode == 7
        assert worker.take_output() == "bye\n"
    finally:
        worker.kill()


@pytest.mark.parametrize(("code", "reason"), [
    (-9, "Runtime exited with error: signal: killed"),
    (-15, "Runtime exited with error: signal: terminated"),
    (2, "Runtime exited with error: exit status 2"),
    (0, "Runtime exited without providing a reason"),
])
def test_exit_reasons_in_lambdas_words(code, reason):
    assert exit_reason(code) == reason
