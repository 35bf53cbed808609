"""Durable storage of everything the runtime must not forget: one contract, SQLite behind it."""

from .protocol import ExecutionRecord, RecoveryState, Resource, Store, TaskRecord, TimerRecord, Transaction
from .sqlite import SqliteStore

__all__ = ["ExecutionRecord", "RecoveryState", "Resource", "SqliteStore", "Store", "TaskRecord", "TimerRecord",
           "Transaction"]
