"""Recovery, redrive and the stored formats: a checkpoint in a format this engine cannot read."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from statewright.engine.runs import NotRedrivable
from statewright.store.tables import DATABASE_NAME

WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "P"},
                                    "P": {"Type": "Pass", "End": True}}}


def test_a_checkpoint_in_an_unknown_format_is_left_alone_with_a_log_line(harness, caplog):
    harness.scale = 0.05  # 5 s → 250 ms: long enough to restart in the middle
    harness.open()
    unknown = harness.start(WAIT, {}, name="unknown")
    known = harness.start(WAIT, {}, name="known")
    time.sleep(0.05)
    harness.close()
    database = sqlite3.connect(harness.data_dir / DATABASE_NAME, isolation_level=None)
    database.execute("UPDATE checkpoints SET format = 99 WHERE execution = ?", (unknown,))
    database.close()
    with caplog.at_level(logging.ERROR, logger="statewright.engine"):
        engine = harness.open()
        assert harness.wait(known).status == "SUCCEEDED"  # the others run on
    assert not engine.is_running(unknown)
    assert harness.store.get_execution(unknown).status == "RUNNING"  # kept for an engine that reads it
    assert any(unknown in message and "format 99" in message for message in caplog.messages)


FAIL_AFTER_PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "F"},
                                              "F": {"Type": "Fail", "Error": "E"}}}


def test_redrive_refuses_a_checkpoint_in_an_unknown_format_and_accepts_a_known_one(harness):
    engine = harness.open()
    arn = harness.start(FAIL_AFTER_PASS, {})
    assert harness.wait(arn).status == "FAILED"
    database = sqlite3.connect(harness.data_dir / DATABASE_NAME, isolation_level=None)
    try:
        database.execute("UPDATE checkpoints SET format = 99 WHERE execution = ?", (arn,))
        with pytest.raises(NotRedrivable, match="format 99"):
            engine.redrive_execution(arn).result(5)
        database.execute("UPDATE checkpoints SET format = 1 WHERE execution = ?", (arn,))
    finally:
        database.close()
    assert engine.redrive_execution(arn).result(5).status == "RUNNING"
