"""The durable driver of executions: runs the pure step, persists, dispatches, recovers."""

from .clock import Clock
from .core import Engine
from .integrations import IntegrationRegistry, TaskContext, TaskError
from .runs import RunOutcome, StartSpec, TaskNotFound

__all__ = ["Clock", "Engine", "IntegrationRegistry", "RunOutcome", "StartSpec", "TaskContext",
           "TaskError", "TaskNotFound"]
