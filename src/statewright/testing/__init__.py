"""Testing workflows against Statewright: a server for tests, boto3 clients, and helpers that run
an execution to its end (`run_execution`) or answer its callbacks (`wait_for_task_token`).
The pytest plugin (`statewright.testing.plugin`, loaded through the `pytest11` entry point)
wraps them in fixtures; see docs/testing.md."""

from __future__ import annotations

from .runs import Run, answer_task, run_execution, start_execution, wait_for_end, wait_for_task_token
from .server import StatewrightServer, aws_client

__all__ = ["Run", "StatewrightServer", "answer_task", "aws_client", "run_execution", "start_execution",
           "wait_for_end", "wait_for_task_token"]
