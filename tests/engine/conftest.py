"""Engines over a store in a temporary directory, closed after each test."""

from __future__ import annotations

import json
import time

import pytest

from statewright.engine import Clock, Engine, StartSpec
from statewright.integrations.registry import Registry
from statewright.store import SqliteStore

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"


class Harness:
    """Opens, crashes (closes without finishing) and reopens an engine on one data directory."""

    def __init__(self, data_dir, scale: float = 0.001) -> None:
        self.data_dir = data_dir
        self.scale = scale
        self.integrations = Registry()
        self.store: SqliteStore | None = None
        self.engine: Engine | None = None

    def open(self) -> Engine:
        self.store = SqliteStore(self.data_dir)
        self.engine = Engine(self.store, self.integrations, Clock(self.scale))
        self.engine.start()
        return self.engine

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def start(self, definition: dict, payload=None, name: str = "e1", express: bool = False) -> str:
        arn = f"arn:aws:states:us-east-1:123456789012:execution:m:{name}"
        spec = StartSpec(arn=arn, state_machine_arn=MACHINE, state_machine_name="m", name=name,
                         input_text=json.dumps(payload if payload is not None else {}),
                         definition_text=json.dumps(definition), role_arn="arn:aws:iam::123456789012:role/r",
                         express=express)
        self.engine.start_execution(spec).result(5)
        return arn

    def wait(self, arn: str, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            record = self.store.get_execution(arn)
            if record is not None and record.status != "RUNNING":
                return record
            time.sleep(0.005)
        raise AssertionError(f"{arn} did not finish")

    def event_types(self, arn: str) -> list[str]:
        return [event["type"] for event in self.store.history(arn)]


@pytest.fixture
def harness(tmp_path):
    made = Harness(tmp_path)
    yield made
    made.close()
