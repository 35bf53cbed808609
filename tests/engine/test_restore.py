"""Recovery and redrive: a checkpoint in a format this engine cannot read, and a redrive whose
setup fails answers its caller (issue 9, item 7)."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from statewright.engine import EngineFailure
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


FAILS = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}


def test_a_redrive_that_cannot_reopen_fails_its_caller(harness):
    harness.open()
    arn = harness.start({"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "F"}, **FAILS["States"]}})
    assert harness.wait(arn).status == "FAILED"
    harness.close()
    # The stored definition is damaged behind the store's back: reopening it must fail the redrive.
    with sqlite3.connect(harness.data_dir / DATABASE_NAME) as database:
        database.execute("UPDATE definitions SET text = '{not a definition'")
    database.close()
    harness.open()
    with pytest.raises(EngineFailure) as failed:
        harness.engine.redrive_execution(arn).result(5)
    assert arn in str(failed.value)
    assert not harness.engine.is_running(arn)
    assert harness.store.get_execution(arn).status == "FAILED"


def test_a_refused_redrive_still_says_why(harness):
    harness.open()
    arn = harness.start({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    harness.wait(arn)
    with pytest.raises(NotRedrivable, match="SUCCEEDED"):
        harness.engine.redrive_execution(arn).result(5)
