"""The durable driver of executions: runs the pure step, persists, dispatches, recovers."""

from .clock import Clock
from .core import Engine, RunOutcome, StartSpec, TaskNotFound
from .integrations import IntegrationRegistry, TaskContext, TaskError

__all__ = ["Clock", "Engine", "IntegrationRegistry", "RunOutcome", "StartSpec", "TaskContext",
           "TaskError", "TaskNotFound"]
