"""The durable driver of executions: runs the pure step, persists, dispatches, recovers."""

from .clock import Clock
from .core import Engine
from .runs import EngineFailure, RunOutcome, StartSpec, TaskNotFound
from .types import TaskRequest, TaskRunner

__all__ = ["Clock", "Engine", "EngineFailure", "RunOutcome", "StartSpec", "TaskNotFound", "TaskRequest",
           "TaskRunner"]
