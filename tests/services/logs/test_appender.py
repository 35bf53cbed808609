"""Batched appends: every queued append is stored once and in order, callers wait only when
too much is pending, and closing resolves every future."""

from __future__ import annotations

import threading
from concurrent.futures import wait

from statewright.services.logs.appender import Append, Appender
from statewright.services.logs.database import LogDatabase
from statewright.services.logs.types import NewEvent, Scope

SCOPE = Scope("us-east-1", "123456789012")


def messages(db: LogDatabase, stream: str) -> list[str]:
    return [row[0] for row in db.query("SELECT e.message FROM logs_events e JOIN logs_streams s "
                                       "ON s.id = e.stream_id WHERE s.name = ? ORDER BY e.ts, e.id", (stream,))]


def test_many_writers_small_drains_everything_stored_in_order(tmp_path):
    db = LogDatabase(tmp_path)
    appender = Appender(db, max_pending=50, drain_lines=7)
    try:
        futures = []

        def writer(index: int) -> None:
            for n in range(200):
                futures.append(appender.add(Append(SCOPE, "/g", f"s{index}", [NewEvent(1000 + n, f"{index}:{n}")],
                                                   True, 5000)))

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done, not_done = wait(futures, timeout=30)
        assert not not_done and all(future.result() is True for future in done)
        for index in range(4):
            assert messages(db, f"s{index}") == [f"{index}:{n}" for n in range(200)]
    finally:
        appender.close()
        db.close()


def test_appends_to_a_missing_group_are_dropped_unless_asked_to_create_it(tmp_path):
    db = LogDatabase(tmp_path)
    appender = Appender(db)
    try:
        assert appender.add(Append(SCOPE, "/missing", "s", [NewEvent(1, "x")], False, 1)).result(10) is False
        assert appender.add(Append(SCOPE, "/made", "s", [NewEvent(1, "x")], True, 1)).result(10) is True
        assert [row[0] for row in db.query("SELECT name FROM logs_groups")] == ["/made"]
    finally:
        appender.close()
        db.close()


def test_closing_resolves_every_future(tmp_path):
    db = LogDatabase(tmp_path)
    appender = Appender(db, drain_lines=1)
    futures = [appender.add(Append(SCOPE, "/g", "s", [NewEvent(n, str(n))], True, 1)) for n in range(100)]
    appender.close()
    db.close()
    _, not_done = wait(futures, timeout=10)
    assert not not_done
    stored = sum(1 for future in futures if future.exception() is None)
    assert stored == 100  # the writer stores what is queued before it stops
    late = appender.add(Append(SCOPE, "/g", "s", [NewEvent(1, "late")], True, 1))
    assert isinstance(late.exception(timeout=1), RuntimeError)
