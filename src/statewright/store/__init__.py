"""Durable storage of everything the runtime must not forget: one contract, SQLite behind it."""

from .errors import AlreadyExists, Conflict, InvalidText, NotFound, SchemaTooNew, StoreError
from .journal import CHECKPOINT_FORMAT, Checkpoint, ExecutionRecord, RecoveryState, TaskRecord, TimerRecord
from .protocol import Store, Transaction
from .resources import Resource, ResourceCursor
from .schema import Migration, ServiceSchema, connect, migrate
from .sqlite import SqliteStore

__all__ = ["CHECKPOINT_FORMAT", "AlreadyExists", "Checkpoint", "Conflict", "ExecutionRecord", "InvalidText",
           "Migration", "NotFound", "RecoveryState", "Resource", "ResourceCursor", "SchemaTooNew",
           "ServiceSchema", "SqliteStore", "Store", "StoreError", "TaskRecord", "TimerRecord", "Transaction",
           "connect", "migrate"]
