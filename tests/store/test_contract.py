"""The store contract: every backend must pass all of this (DBOS style: one suite, many backends).

Behaviours: resources (insert/put/replace/delete, revisions and compare-and-set, listing order
and pages), tags, atomic read-modify-write inside a transaction, all-or-nothing changes, the
store's own error types, the Step Functions journal, text that UTF-8 cannot hold, and the
services' own schemas. The backends are in conftest.py.
"""

from __future__ import annotations

import json
import threading

import pytest

from statewright.store import (
    AlreadyExists,
    Checkpoint,
    Conflict,
    ExecutionRecord,
    InvalidText,
    Migration,
    NotFound,
    Resource,
    SchemaTooNew,
    ServiceSchema,
    TaskRecord,
    TimerRecord,
)

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"


def _machine(name: str = "m", created: float = 1.0, **body) -> Resource:
    return Resource(arn=f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}", kind="stateMachine",
                    name=name, created=created, body={"definition": "{}", **body})


def _execution(name: str = "1", status: str = "RUNNING", start: float = 1.0, machine: str = MACHINE) -> ExecutionRecord:
    return ExecutionRecord(arn=f"arn:aws:states:us-east-1:123456789012:execution:m:{name}", state_machine=machine,
                           name=name, status=status, start_date=start, definition_hash="h", body={"input": "{}"})


def _write(store, change):
    return store.write(change).result(10)


# --- resources -------------------------------------------------------------------------------

def test_an_inserted_resource_reads_back_with_revision_one_and_its_service_from_the_arn(store):
    stored = _write(store, lambda tx: tx.insert_resource(_machine(x=[1, "é"])))
    assert stored.revision == 1 and stored.service == "states"
    found = store.get_resource(_machine().arn)
    assert found == stored
    assert found.body == {"definition": "{}", "x": [1, "é"]}


def test_an_explicit_service_is_kept(store):
    resource = Resource(arn="arn:aws:s3:::bucket", kind="bucket", name="bucket", created=1.0, service="custom")
    _write(store, lambda tx: tx.insert_resource(resource))
    assert store.get_resource("arn:aws:s3:::bucket").service == "custom"


def test_inserting_an_existing_arn_raises_already_exists_alone_in_its_batch(store):
    _write(store, lambda tx: tx.insert_resource(_machine()))
    duplicate = store.write(lambda tx: tx.insert_resource(_machine(created=9.0)))
    other = store.write(lambda tx: tx.insert_resource(_machine("n")))
    with pytest.raises(AlreadyExists) as raised:
        duplicate.result(10)
    assert raised.value.key == _machine().arn and raised.value.kind == "resource"
    assert other.result(10).name == "n"
    assert store.get_resource(_machine().arn).created == 1.0


def test_put_creates_or_overwrites_and_moves_the_revision_on(store):
    first = _write(store, lambda tx: tx.put_resource(_machine(v=1)))
    second = _write(store, lambda tx: tx.put_resource(_machine(v=2)))
    assert (first.revision, second.revision) == (1, 2)
    assert store.get_resource(first.arn).body["v"] == 2
    assert store.get_resource(first.arn).revision == 2


def test_put_with_an_expected_revision_is_compare_and_set(store):
    with pytest.raises(Conflict):
        _write(store, lambda tx: tx.put_resource(_machine(), expect_revision=1))  # absent is revision 0
    _write(store, lambda tx: tx.put_resource(_machine(v=1), expect_revision=0))
    with pytest.raises(Conflict) as raised:
        _write(store, lambda tx: tx.put_resource(_machine(v=2), expect_revision=0))
    assert (raised.value.expected, raised.value.found) == (0, 1)
    assert _write(store, lambda tx: tx.put_resource(_machine(v=3), expect_revision=1)).revision == 2
    assert store.get_resource(_machine().arn).body["v"] == 3


def test_replace_needs_the_resource_to_exist(store):
    with pytest.raises(NotFound) as raised:
        _write(store, lambda tx: tx.replace_resource(_machine()))
    assert raised.value.key == _machine().arn
    assert store.get_resource(_machine().arn) is None
    _write(store, lambda tx: tx.insert_resource(_machine()))
    with pytest.raises(Conflict):
        _write(store, lambda tx: tx.replace_resource(_machine(v=1), expect_revision=5))
    assert _write(store, lambda tx: tx.replace_resource(_machine(v=2), expect_revision=1)).revision == 2


def test_delete_answers_whether_it_existed_and_takes_the_tags_along(store):
    def create(tx):
        tx.insert_resource(_machine())
        tx.set_tags(_machine().arn, {"a": "1"})

    _write(store, create)
    assert _write(store, lambda tx: tx.delete_resource(_machine().arn)) is True
    assert _write(store, lambda tx: tx.delete_resource(_machine().arn)) is False
    assert store.get_resource(_machine().arn) is None
    assert store.tags(_machine().arn) == {}


def test_a_deleted_arn_can_be_inserted_again_from_revision_one(store):
    _write(store, lambda tx: tx.insert_resource(_machine()))
    _write(store, lambda tx: tx.put_resource(_machine()))
    _write(store, lambda tx: tx.delete_resource(_machine().arn))
    assert _write(store, lambda tx: tx.insert_resource(_machine())).revision == 1


def test_listing_filters_by_kind_parent_and_service_oldest_first_ties_by_arn(store):
    resources = [
        _machine("c", created=2.0), _machine("b", created=1.0), _machine("a", created=2.0),
        Resource(arn=f"{MACHINE}:1", kind="version", name="1", created=3.0, parent=MACHINE),
        Resource(arn=f"{MACHINE}:2", kind="version", name="2", created=4.0, parent=MACHINE),
        Resource(arn="arn:aws:lambda:us-east-1:123456789012:function:f:1", kind="version", name="1", created=1.0,
                 parent="arn:aws:lambda:us-east-1:123456789012:function:f"),
    ]

    def create(tx):
        for resource in resources:
            tx.insert_resource(resource)

    _write(store, create)
    assert [r.name for r in store.list_resources("stateMachine")] == ["b", "a", "c"]
    assert [r.name for r in store.list_resources("version", MACHINE)] == ["1", "2"]
    assert [r.service for r in store.list_resources("version")] == ["lambda", "states", "states"]
    assert [r.arn for r in store.list_resources("version", service="states")] == [f"{MACHINE}:1", f"{MACHINE}:2"]
    assert store.list_resources("version", "arn:nothing") == []
    assert store.list_resources("bucket") == []


def test_pages_of_a_listing_follow_each_other_by_cursor_without_gaps_or_repeats(store):
    names = [f"m{index:02d}" for index in range(23)]

    def create(tx):
        for index, name in enumerate(names):
            tx.insert_resource(_machine(name, created=float(index // 4)))  # ties across pages

    _write(store, create)
    seen, after = [], None
    while True:
        page = store.list_resources("stateMachine", after=after, limit=5)
        seen.extend(r.name for r in page)
        if len(page) < 5:
            break
        after = page[-1].cursor
    assert seen == names
    # A page survives the deletion of the resource its cursor came from.
    first = store.list_resources("stateMachine", limit=3)
    _write(store, lambda tx: tx.delete_resource(first[-1].arn))
    assert [r.name for r in store.list_resources("stateMachine", after=first[-1].cursor, limit=2)] == names[3:5]


# --- atomic read-modify-write -----------------------------------------------------------------

def test_reads_in_a_transaction_see_its_own_writes_and_the_batch_before_it(store):
    def change(tx):
        before = tx.get_resource(_machine().arn)
        tx.insert_resource(_machine())
        tx.set_tags(_machine().arn, {"k": "v"})
        return before, tx.get_resource(_machine().arn), tx.tags(_machine().arn), tx.list_resources("stateMachine")

    before, after, tags, listed = _write(store, change)
    assert before is None and after.revision == 1 and tags == {"k": "v"} and [r.name for r in listed] == ["m"]


def test_read_modify_write_in_one_transaction_loses_no_update_under_threads(store):
    _write(store, lambda tx: tx.insert_resource(_machine(count=0)))

    def increment(tx):
        current = tx.get_resource(_machine().arn)
        return tx.replace_resource(_machine(count=current.body["count"] + 1))

    futures: list = []
    lock = threading.Lock()

    def worker():
        for _ in range(10):
            future = store.write(increment)
            with lock:
                futures.append(future)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for future in futures:
        future.result(10)
    found = store.get_resource(_machine().arn)
    assert found.body["count"] == 80 and found.revision == 81


def test_compare_and_set_from_outside_a_transaction_detects_a_lost_update(store):
    stale = _write(store, lambda tx: tx.insert_resource(_machine(v=0)))
    _write(store, lambda tx: tx.replace_resource(_machine(v=1), expect_revision=stale.revision))
    with pytest.raises(Conflict):
        _write(store, lambda tx: tx.replace_resource(_machine(v=2), expect_revision=stale.revision))
    assert store.get_resource(_machine().arn).body["v"] == 1


def test_a_change_that_raises_leaves_nothing_half_written_in_any_table(store):
    _write(store, lambda tx: tx.insert_resource(_machine("kept")))
    assert store.get_resource(_machine("kept").arn).name == "kept"  # cached now

    def half(tx):
        tx.insert_resource(_machine("half"))
        tx.set_tags(_machine("half").arn, {"a": "1"})
        tx.delete_resource(_machine("kept").arn)
        tx.put_definition("h", "{}")
        tx.insert_execution(_execution())
        tx.append_events(_execution().arn, [{"id": 1, "type": "ExecutionStarted"}])
        tx.put_checkpoint(_execution().arn, 1, "{}")
        tx.put_task(TaskRecord(_execution().arn, "t", "token", "arn:r"))
        tx.put_timer(TimerRecord(_execution().arn, "w", 1.0, 1.0))
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        _write(store, half)
    assert store.get_resource(_machine("half").arn) is None and store.tags(_machine("half").arn) == {}
    assert store.get_resource(_machine("kept").arn).name == "kept"
    assert store.get_definition("h") is None and store.get_execution(_execution().arn) is None
    assert store.history(_execution().arn) == [] and store.latest_checkpoint(_execution().arn) is None
    assert store.pending_tasks(_execution().arn) == [] and store.timers(_execution().arn) == []


def test_the_cached_resource_follows_every_committed_change(store):
    arn = _machine("cached").arn
    assert store.get_resource(arn) is None  # a miss is cached too
    _write(store, lambda tx: tx.put_resource(_machine("cached")))
    assert store.get_resource(arn).revision == 1
    _write(store, lambda tx: tx.put_resource(_machine("cached", v=2)))
    assert store.get_resource(arn).body["v"] == 2
    _write(store, lambda tx: tx.delete_resource(arn))
    assert store.get_resource(arn) is None


# --- tags ---------------------------------------------------------------------------------------

def test_tags_are_set_overwritten_removed_and_listed_by_key(store):
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    _write(store, lambda tx: tx.set_tags(arn, {"b": "2", "a": "1"}))
    _write(store, lambda tx: tx.set_tags(arn, {"b": "3", "c": ""}))
    _write(store, lambda tx: tx.remove_tags(arn, ["c", "missing"]))
    assert list(store.tags(arn).items()) == [("a", "1"), ("b", "3")]
    assert store.tags("arn:aws:lambda:us-east-1:123456789012:function:other") == {}


# --- the Step Functions journal -------------------------------------------------------------

def test_an_execution_is_inserted_once_and_updated_after(store):
    _write(store, lambda tx: tx.insert_execution(_execution()))
    with pytest.raises(AlreadyExists) as raised:
        _write(store, lambda tx: tx.insert_execution(_execution(status="SUCCEEDED")))
    assert raised.value.kind == "execution"
    done = _execution(status="SUCCEEDED")
    done.stop_date, done.body = 2.0, {"input": "{}", "output": "[1]"}
    _write(store, lambda tx: tx.update_execution(done))
    assert store.get_execution(done.arn) == done
    assert store.running_executions() == []


def test_executions_list_newest_first_filtered_and_paged(store):
    def create(tx):
        for index in range(6):
            tx.insert_execution(_execution(str(index), "SUCCEEDED" if index % 2 else "RUNNING", float(index // 2)))
        tx.insert_execution(_execution("other", machine=MACHINE + "x", start=9.0))

    _write(store, create)
    # Same start date: ARN order breaks the tie.
    assert [r.name for r in store.list_executions(MACHINE)] == ["4", "5", "2", "3", "0", "1"]
    assert [r.name for r in store.list_executions(MACHINE, "SUCCEEDED")] == ["5", "3", "1"]
    assert [r.name for r in store.list_executions(MACHINE, offset=2, limit=3)] == ["2", "3", "0"]
    assert [r.name for r in store.list_executions(status="RUNNING", limit=-1)] == ["other", "4", "2", "0"]
    assert {r.name for r in store.running_executions()} == {"other", "4", "2", "0"}


def test_history_in_id_order_either_way_and_paged(store):
    arn = _execution().arn
    _write(store, lambda tx: tx.append_events(arn, [{"id": i, "type": "T", "n": "é"} for i in (1, 2, 3)]))
    _write(store, lambda tx: tx.append_events(arn, [{"id": 4, "type": "U"}]))
    assert [e["id"] for e in store.history(arn)] == [1, 2, 3, 4]
    assert [e["id"] for e in store.history(arn, reverse=True, limit=2)] == [4, 3]
    assert [e["id"] for e in store.history(arn, offset=1, limit=2)] == [2, 3]
    assert store.history(arn)[0] == {"id": 1, "type": "T", "n": "é"}


# Steps of these sizes make the history below: rows of one event, of several, and one past the
# size a row is split at (store/history.py), so pages start and end at every kind of boundary.
_STEP_SIZES = (1, 3, 1, 5, 2, 1, 4)


def _events_in_steps(store, arn: str, sizes=_STEP_SIZES) -> list[int]:
    ids: list[int] = []
    for size in sizes:
        events = [{"id": len(ids) + k + 1, "type": "T", "n": "é"} for k in range(size)]
        _write(store, lambda tx, events=events: tx.append_events(arn, events))
        ids.extend(event["id"] for event in events)
    return ids


@pytest.mark.parametrize("reverse", [False, True])
def test_history_pages_by_event_across_rows_at_every_offset_and_limit(store, reverse):
    arn = _execution().arn
    ids = _events_in_steps(store, arn)
    expected_order = ids[::-1] if reverse else ids
    for offset in range(len(ids) + 2):
        for limit in (1, 2, 3, 4, 6, len(ids) - 1, len(ids), len(ids) + 5):
            found = [e["id"] for e in store.history(arn, offset, limit, reverse)]
            assert found == expected_order[offset:offset + limit], (offset, limit)
    assert [e["id"] for e in store.history(arn, 0, -1, reverse)] == expected_order
    assert store.history(arn, 3, 0, reverse) == []
    assert store.history(arn + "x", 0, 10, reverse) == []


def test_history_of_a_step_with_many_events_pages_like_any_other(store):
    arn = _execution().arn
    ids = _events_in_steps(store, arn, (2, 1_234, 3))
    for offset in (0, 1, 2, 499, 500, 501, 1_000, 1_236, 1_238, 1_239):
        assert [e["id"] for e in store.history(arn, offset, 100)] == ids[offset:offset + 100]
        assert [e["id"] for e in store.history(arn, offset, 100, True)] == ids[::-1][offset:offset + 100]
    assert [e["id"] for e in store.history(arn, limit=100_000)] == ids


def test_a_checkpoint_older_than_the_stored_one_changes_nothing(store):
    arn = _execution().arn
    _write(store, lambda tx: tx.put_checkpoint(arn, 5, '{"a": 5}'))
    _write(store, lambda tx: tx.put_checkpoint(arn, 4, '{"a": 4}'))
    assert store.latest_checkpoint(arn) == Checkpoint(5, '{"a": 5}', 1)
    _write(store, lambda tx: tx.put_checkpoint(arn, 5, '{"again": 5}'))
    assert store.latest_checkpoint(arn) == Checkpoint(5, '{"again": 5}', 1)


def test_the_latest_checkpoint_carries_its_format_and_replaces_older_ones(store):
    arn = _execution().arn
    _write(store, lambda tx: tx.put_checkpoint(arn, 1, '{"a": 1}'))
    _write(store, lambda tx: tx.put_checkpoint(arn, 2, '{"a": 2}'))
    assert store.latest_checkpoint(arn) == Checkpoint(2, '{"a": 2}', 1)
    _write(store, lambda tx: tx.put_checkpoint(arn, 3, '{"a": 3}', format_version=7))
    assert store.latest_checkpoint(arn) == Checkpoint(3, '{"a": 3}', 7)
    assert store.latest_checkpoint("arn:none") is None


def test_tasks_timers_and_clearing_them(store):
    arn = _execution().arn

    def create(tx):
        tx.put_task(TaskRecord(arn, "t2", "tok2", "arn:res", {"parameters": 2}))
        tx.put_task(TaskRecord(arn, "t1", "tok1", "arn:res", {"parameters": 1}))
        tx.put_timer(TimerRecord(arn, "late", 10.0, 9.0))
        tx.put_timer(TimerRecord(arn, "early", 10.0, 5.0))

    _write(store, create)
    assert [t.task_id for t in store.pending_tasks(arn)] == ["t2", "t1"]  # in the order dispatched
    assert [t.timer_id for t in store.timers(arn)] == ["early", "late"]
    _write(store, lambda tx: (tx.delete_task(arn, "t2"), tx.delete_timer(arn, "early")))
    assert [t.token for t in store.pending_tasks(arn)] == ["tok1"]
    assert [t.timer_id for t in store.timers(arn)] == ["late"]
    _write(store, lambda tx: tx.clear_pending(arn))
    assert store.pending_tasks(arn) == [] and store.timers(arn) == []


def test_recovery_reads_only_running_executions_with_their_checkpoint_tasks_and_timers(store):
    running, finished = _execution("r"), _execution("f", "SUCCEEDED")

    def create(tx):
        for record in (running, finished):
            tx.insert_execution(record)
            tx.put_checkpoint(record.arn, 1, "{}")
            tx.put_checkpoint(record.arn, 2, '{"last": true}', format_version=1)
        tx.put_task(TaskRecord(running.arn, "t", "tok", "arn:res", {"state": "A"}))
        tx.put_timer(TimerRecord(running.arn, "w", 2.0, 3.0))

    _write(store, create)
    state = store.recovery()
    assert [r.arn for r in state.records] == [running.arn]
    assert state.checkpoints == {running.arn: Checkpoint(2, '{"last": true}', 1)}
    assert [t.body for t in state.tasks[running.arn]] == [{"state": "A"}]
    assert [t.fire_at for t in state.timers[running.arn]] == [3.0]


def test_a_definition_is_stored_once_by_hash(store):
    _write(store, lambda tx: tx.put_definition("h", '{"StartAt": "A"}'))
    _write(store, lambda tx: tx.put_definition("h", "ignored"))
    assert store.get_definition("h") == '{"StartAt": "A"}'
    assert store.get_definition("other") is None


# --- text that UTF-8 cannot hold ------------------------------------------------------------

LONE = "\ud800"


@pytest.mark.parametrize(("change", "field"), [
    (lambda tx: tx.insert_resource(_machine(f"bad{LONE}")), "arn"),
    (lambda tx: tx.put_resource(Resource(arn="arn:aws:states:r:1:activity:a", kind="activity",
                                         name=f"a{LONE}", created=1.0)), "name"),
    (lambda tx: tx.set_tags("arn:x:y", {f"k{LONE}": "v"}), "tag key"),
    (lambda tx: tx.set_tags("arn:x:y", {"k": LONE}), "tag value"),
    (lambda tx: tx.insert_execution(_execution(f"e{LONE}")), "arn"),
])
def test_an_identifier_with_a_lone_surrogate_is_refused_naming_the_field(store, change, field):
    def change_after_a_good_write(tx):
        tx.insert_resource(_machine("good"))
        change(tx)

    with pytest.raises(InvalidText) as raised:
        _write(store, change_after_a_good_write)
    assert raised.value.field == field
    assert isinstance(raised.value, ValueError)
    assert store.get_resource(_machine("good").arn) is None  # the whole change rolled back


def test_json_with_lone_surrogates_is_stored_losslessly(store):
    value = {"s": f"a{LONE}b", LONE: [LONE, "\udfff"]}
    arn = _execution().arn
    raw = json.dumps(value, ensure_ascii=False)  # what the engine's checkpoints look like

    def create(tx):
        tx.insert_resource(_machine(data=value))
        tx.put_definition("h", raw)
        tx.insert_execution(ExecutionRecord(arn=arn, state_machine=MACHINE, name="1", status="RUNNING",
                                            start_date=1.0, definition_hash="h", body={"input": value}))
        tx.append_events(arn, [{"id": 1, "details": value}])
        tx.put_checkpoint(arn, 1, raw)
        tx.put_task(TaskRecord(arn, "t", "tok", "arn:r", {"parameters": value}))

    _write(store, create)
    assert store.get_resource(_machine().arn).body["data"] == value
    assert json.loads(store.get_definition("h")) == value
    assert store.get_execution(arn).body["input"] == value
    assert store.history(arn)[0]["details"] == value
    assert json.loads(store.latest_checkpoint(arn).state) == value
    assert store.pending_tasks(arn)[0].body["parameters"] == value


def test_reads_and_deletes_by_a_key_with_a_lone_surrogate_find_nothing(store):
    assert store.get_resource(LONE) is None and store.tags(LONE) == {} and store.get_execution(LONE) is None
    assert _write(store, lambda tx: (tx.get_resource(LONE), tx.delete_resource(LONE), tx.remove_tags("a", [LONE]))) \
        == (None, False, None)


# --- a service's own schema -----------------------------------------------------------------

ITEMS_V1 = Migration("items", "CREATE TABLE ddb_items (pk TEXT PRIMARY KEY, body TEXT NOT NULL)")
ITEMS_V2 = Migration("a sort key; and a table with ';' in a default",
                     "ALTER TABLE ddb_items ADD COLUMN sk TEXT NOT NULL DEFAULT '';"
                     "CREATE TABLE ddb_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL DEFAULT 'a;b')")


def test_a_service_schema_is_created_used_and_migrated(backend):
    store = backend()
    assert store.ensure_schema(ServiceSchema("dynamodb", (ITEMS_V1,))) == 1
    assert store.ensure_schema(ServiceSchema("dynamodb", (ITEMS_V1,))) == 1  # nothing to do
    _write(store, lambda tx: tx.execute("INSERT INTO ddb_items VALUES (?, ?)", ("a", "{}")))
    assert store.ensure_schema(ServiceSchema("dynamodb", (ITEMS_V1, ITEMS_V2))) == 2
    _write(store, lambda tx: tx.execute("INSERT INTO ddb_meta (k) VALUES ('x')"))
    assert store.query("SELECT pk, sk FROM ddb_items") == [("a", "")]
    assert store.query("SELECT v FROM ddb_meta") == [("a;b",)]
    assert _write(store, lambda tx: tx.execute("SELECT count(*) FROM ddb_items")) == [(1,)]
    with pytest.raises(SchemaTooNew):
        store.ensure_schema(ServiceSchema("dynamodb", (ITEMS_V1,)))  # an older Statewright


def test_schemas_given_at_open_are_migrated_before_the_first_write(backend):
    store = backend(schemas=[ServiceSchema("dynamodb", (ITEMS_V1, ITEMS_V2)),
                             ServiceSchema("logs", (Migration("events", "CREATE TABLE log_events (n INTEGER)"),))])
    _write(store, lambda tx: tx.execute("INSERT INTO log_events VALUES (1)"))
    assert store.query("SELECT n FROM log_events") == [(1,)]
    assert store.query("SELECT service, version FROM schema_versions ORDER BY service") == [("dynamodb", 2), ("logs", 1)]


def test_a_failing_migration_changes_nothing_and_writes_go_on(backend):
    store = backend()
    store.ensure_schema(ServiceSchema("lambda", (ITEMS_V1,)))
    broken = Migration("half", "CREATE TABLE half_made (a INTEGER); INSERT INTO no_such_table VALUES (1)")
    with pytest.raises(Exception, match="no_such_table"):
        store.ensure_schema(ServiceSchema("lambda", (ITEMS_V1, broken)))
    assert store.query("SELECT name FROM sqlite_master WHERE name = 'half_made'") == []
    assert store.query("SELECT version FROM schema_versions WHERE service = 'lambda'") == [(1,)]
    assert _write(store, lambda tx: tx.insert_resource(_machine())).revision == 1


def test_a_parameter_with_a_lone_surrogate_in_a_service_statement_is_refused(store):
    store.ensure_schema(ServiceSchema("s3", (Migration("keys", "CREATE TABLE s3_keys (k TEXT)"),)))
    with pytest.raises(InvalidText):
        _write(store, lambda tx: tx.execute("INSERT INTO s3_keys VALUES (?)", (LONE,)))


# --- the writer -------------------------------------------------------------------------------

def test_concurrent_writers_all_land(store):
    def add(index: int) -> None:
        store.write(lambda tx: tx.insert_resource(_machine(f"m{index}"))).result(10)

    threads = [threading.Thread(target=add, args=(index,)) for index in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.list_resources("stateMachine")) == 50


def test_a_closed_store_refuses_writes_and_reads(store):
    store.close()
    with pytest.raises(RuntimeError):
        store.write(lambda tx: None).result(10)
    with pytest.raises(RuntimeError):
        store.get_execution("arn:x")
    store.close()  # twice is fine


def test_a_schema_migrates_between_batches_while_others_write(store):
    futures = [store.write(lambda tx, i=i: tx.insert_resource(_machine(f"w{i}"))) for i in range(200)]
    assert store.ensure_schema(ServiceSchema("sqs", (Migration("q", "CREATE TABLE sqs_q (n INTEGER)"),))) == 1
    futures += [store.write(lambda tx, i=i: tx.execute("INSERT INTO sqs_q VALUES (?)", (i,))) for i in range(50)]
    for future in futures:
        future.result(10)
    assert len(store.list_resources("stateMachine")) == 200
    assert store.query("SELECT count(*) FROM sqs_q") == [(50,)]
