"""engine.restore: a redrive whose setup fails answers its caller (issue 9, item 7)."""

from __future__ import annotations

import sqlite3

import pytest

from statewright.engine import EngineFailure
from statewright.engine.runs import NotRedrivable
from statewright.store.sqlite import DATABASE_NAME

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
