"""The SQLite store: writes are atomic one by one, batched in commits, and readable right after."""

from __future__ import annotations

import threading

import pytest

from statewright.store import ExecutionRecord, Resource, SqliteStore, TaskRecord, TimerRecord


@pytest.fixture
def store(tmp_path):
    opened = SqliteStore(tmp_path)
    yield opened
    opened.close()


def _machine(name: str = "m") -> Resource:
    return Resource(arn=f"arn:sm:{name}", kind="stateMachine", name=name, created=1.0,
                    body={"definition": "{}"})


def _execution(arn: str = "arn:ex:1", status: str = "RUNNING", start: float = 1.0) -> ExecutionRecord:
    return ExecutionRecord(arn=arn, state_machine="arn:sm:m", name=arn.rsplit(":", 1)[1], status=status,
                           start_date=start, definition_hash="h", body={"input": "{}"})


def test_resources_round_trip_and_list_by_kind_and_parent(store):
    store.write(lambda tx: tx.put_resource(_machine())).result()
    version = Resource(arn="arn:sm:m:1", kind="version", name="1", created=2.0, parent="arn:sm:m")
    store.write(lambda tx: tx.put_resource(version)).result()
    assert store.get_resource("arn:sm:m").body == {"definition": "{}"}
    assert [r.arn for r in store.list_resources("version", "arn:sm:m")] == ["arn:sm:m:1"]
    assert store.list_resources("version", "arn:sm:other") == []
    store.write(lambda tx: tx.delete_resource("arn:sm:m")).result()
    assert store.get_resource("arn:sm:m") is None


def test_insert_of_an_existing_resource_fails_alone_without_spoiling_the_batch(store):
    store.write(lambda tx: tx.insert_resource(_machine())).result()
    duplicate = store.write(lambda tx: tx.insert_resource(_machine()))
    other = store.write(lambda tx: tx.insert_resource(_machine("n")))
    with pytest.raises(KeyError):
        duplicate.result()
    other.result()
    assert store.get_resource("arn:sm:n") is not None


def test_a_change_that_raises_leaves_nothing_half_written(store):
    def half(tx):
        tx.put_resource(_machine("half"))
        raise ValueError("boom")

    with pytest.raises(ValueError):
        store.write(half).result()
    assert store.get_resource("arn:sm:half") is None


def test_executions_history_checkpoints_tasks_timers(store):
    def start(tx):
        tx.put_definition("h", '{"StartAt": "A"}')
        tx.insert_execution(_execution())
        tx.append_events("arn:ex:1", [{"id": 1, "type": "ExecutionStarted"}, {"id": 2, "type": "X"}])
        tx.put_checkpoint("arn:ex:1", 1, '{"a": 1}')
        tx.put_checkpoint("arn:ex:1", 2, '{"a": 2}')
        tx.put_task(TaskRecord("arn:ex:1", "t1", "tok", "arn:res", {"parameters": 1}))
        tx.put_timer(TimerRecord("arn:ex:1", "w1", 10.0, 5.0))

    store.write(start).result()
    assert store.get_definition("h") == '{"StartAt": "A"}'
    assert [e["id"] for e in store.history("arn:ex:1")] == [1, 2]
    assert [e["id"] for e in store.history("arn:ex:1", reverse=True, limit=1)] == [2]
    assert store.latest_checkpoint("arn:ex:1") == (2, '{"a": 2}')
    assert store.pending_tasks("arn:ex:1")[0].token == "tok"
    assert store.timers("arn:ex:1")[0].fire_at == 5.0
    assert [r.arn for r in store.running_executions()] == ["arn:ex:1"]
    with pytest.raises(KeyError):
        store.write(lambda tx: tx.insert_execution(_execution())).result()
    store.write(lambda tx: tx.clear_pending("arn:ex:1")).result()
    assert store.pending_tasks("arn:ex:1") == [] and store.timers("arn:ex:1") == []


def test_list_executions_newest_first_with_status_filter_and_paging(store):
    for index in range(5):
        status = "SUCCEEDED" if index % 2 else "RUNNING"
        record = _execution(f"arn:ex:{index}", status, start=float(index))
        store.write(lambda tx, record=record: tx.insert_execution(record)).result()
    assert [r.name for r in store.list_executions("arn:sm:m")] == ["4", "3", "2", "1", "0"]
    assert [r.name for r in store.list_executions(status="SUCCEEDED")] == ["3", "1"]
    assert [r.name for r in store.list_executions("arn:sm:m", offset=1, limit=2)] == ["3", "2"]


def test_tags(store):
    store.write(lambda tx: tx.set_tags("arn:x", {"b": "2", "a": "1"})).result()
    store.write(lambda tx: tx.remove_tags("arn:x", ["b", "missing"])).result()
    assert store.tags("arn:x") == {"a": "1"}


def test_concurrent_writers_share_commits_and_all_land(store):
    def add(index: int) -> None:
        store.write(lambda tx: tx.put_resource(_machine(f"m{index}"))).result()

    threads = [threading.Thread(target=add, args=(index,)) for index in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.list_resources("stateMachine")) == 50


def test_data_survives_reopening(tmp_path):
    first = SqliteStore(tmp_path)
    first.write(lambda tx: tx.put_resource(_machine())).result()
    first.close()
    second = SqliteStore(tmp_path)
    try:
        assert second.get_resource("arn:sm:m") is not None
    finally:
        second.close()


def test_writes_after_close_fail_cleanly(tmp_path):
    closed = SqliteStore(tmp_path)
    closed.close()
    with pytest.raises(RuntimeError):
        closed.write(lambda tx: None).result()


def test_the_resource_cache_sees_every_committed_change(store):
    assert store.get_resource("arn:sm:cached") is None  # a miss is cached too
    store.write(lambda tx: tx.put_resource(_machine("cached"))).result()
    assert store.get_resource("arn:sm:cached").name == "cached"
    changed = Resource(arn="arn:sm:cached", kind="stateMachine", name="renamed", created=1.0,
                       body={"definition": "{}"})
    store.write(lambda tx: tx.put_resource(changed)).result()
    assert store.get_resource("arn:sm:cached").name == "renamed"
    store.write(lambda tx: tx.delete_resource("arn:sm:cached")).result()
    assert store.get_resource("arn:sm:cached") is None


def test_a_failed_change_leaves_the_cached_resource_as_stored(store):
    store.write(lambda tx: tx.put_resource(_machine("kept"))).result()
    assert store.get_resource("arn:sm:kept").name == "kept"

    def change_then_fail(tx):
        tx.delete_resource("arn:sm:kept")
        raise ValueError("changed my mind")

    with pytest.raises(ValueError):
        store.write(change_then_fail).result()
    assert store.get_resource("arn:sm:kept").name == "kept"
