"""Recovery and the stored formats: a checkpoint in a format this engine cannot read."""

from __future__ import annotations

import logging
import sqlite3
import time

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
