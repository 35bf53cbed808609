"""asl.distributed: a Distributed Map's reads and writes go out as tasks; its Map Run is kept in the
execution state with AWS's counts; UpdateMapRun changes a running one."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from statewright.asl.definition import parse_definition
from statewright.asl.distributed import child_index, child_name
from statewright.asl.step import Execution, step
from statewright.asl.types import (
    ExecutionStart,
    Finished,
    MapRunUpdate,
    RunTask,
    StepResult,
    StopRequested,
    TaskFailed,
    TaskSucceeded,
)

GET = "arn:aws:states:::s3:getObject"
PUT = "arn:aws:states:::s3:putObject"
WORK = "arn:aws:lambda:us-east-1:123456789012:function:Work"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:Machine:run-1"
CONTEXT = {"Execution": {"Id": EXECUTION, "Name": "run-1"}, "StateMachine": {"Id": "sm", "Name": "Machine"}}


def _machine(processor_state: dict[str, Any], **fields: Any) -> Any:
    state = {"Type": "Map", "End": True,
             "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                               "StartAt": "P", "States": {"P": {**processor_state, "End": True}}}, **fields}
    return parse_definition({"StartAt": "M", "States": {"M": state}})


def _reader(**config: Any) -> dict[str, Any]:
    return {"Resource": GET, "ReaderConfig": {"InputType": "JSON", **config},
            "Parameters": {"Bucket": "data", "Key.$": "$.key"}}


def _tasks(result: StepResult) -> list[RunTask]:
    return [c for c in result.commands if isinstance(c, RunTask)]


def _finished(result: StepResult) -> Finished | None:
    return next((c for c in result.commands if isinstance(c, Finished)), None)


def _start(definition: Any, data: Any) -> tuple[Execution, StepResult]:
    execution = Execution()
    return execution, step(definition, execution, ExecutionStart(data, CONTEXT), 100.0)


def test_the_reader_is_a_task_and_its_answer_starts_the_children() -> None:
    definition = _machine({"Type": "Pass"}, ItemReader=_reader())
    execution, first = _start(definition, {"key": "items.json"})
    (read,) = _tasks(first)
    assert read.resource == GET and read.parameters == {"Bucket": "data", "Key": "items.json"}
    # No Task events: reading is part of the Map state, as on AWS.
    assert [e["type"] for e in first.events] == ["ExecutionStarted", "MapStateEntered"]
    done = step(definition, execution, TaskSucceeded(read.task_id, {"Body": '[1, {"a": 2}]'}), 101.0)
    finished = _finished(done)
    assert finished is not None and finished.status == "SUCCEEDED" and finished.output == [1, {"a": 2}]
    assert [e["type"] for e in done.events][:3] == ["MapStateStarted", "MapRunStarted", "MapRunSucceeded"]
    (run,) = execution.map_runs.values()
    assert run["status"] == "SUCCEEDED" and run["itemCounts"]["succeeded"] == 2
    assert run["arn"].startswith("arn:aws:states:us-east-1:123456789012:mapRun:Machine/M:")


def test_a_failed_read_is_item_reader_failed_and_catchable() -> None:
    definition = parse_definition({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemReader": _reader(), "Next": "Done",
              "Catch": [{"ErrorEquals": ["States.ItemReaderFailed"], "Next": "Caught"}],
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P",
                                "States": {"P": {"Type": "Pass", "End": True}}}},
        "Done": {"Type": "Succeed"}, "Caught": {"Type": "Pass", "End": True}}})
    execution, first = _start(definition, {"key": "missing.json"})
    (read,) = _tasks(first)
    done = step(definition, execution, TaskFailed(read.task_id, "S3.NoSuchKeyException", "no key"), 101.0)
    finished = _finished(done)
    assert finished is not None and finished.status == "SUCCEEDED"
    assert finished.output == {"Error": "States.ItemReaderFailed", "Cause": "S3.NoSuchKeyException: no key"}


def test_unreadable_content_fails_the_state() -> None:
    definition = _machine({"Type": "Pass"}, ItemReader=_reader())
    execution, first = _start(definition, {"key": "k"})
    done = step(definition, execution, TaskSucceeded(_tasks(first)[0].task_id, {"Body": '{"not": "array"}'}), 1.0)
    finished = _finished(done)
    assert finished is not None and finished.error == "States.ItemReaderFailed"


def test_counts_follow_children_and_update_raises_concurrency() -> None:
    definition = _machine({"Type": "Task", "Resource": WORK}, MaxConcurrency=1, ItemBatcher={"MaxItemsPerBatch": 2})
    execution, first = _start(definition, [1, 2, 3, 4, 5])
    (work,) = _tasks(first)
    (run,) = execution.map_runs.values()
    counts = run["executionCounts"]
    assert (counts["total"], counts["running"], counts["pending"]) == (3, 1, 2)
    assert run["itemCounts"]["total"] == 5 and run["itemCounts"]["running"] == 2
    update = step(definition, execution, MapRunUpdate(run["arn"], max_concurrency=5), 101.0)
    assert len(_tasks(update)) == 2  # the other two batches start at once
    assert run["maxConcurrency"] == 5 and run["executionCounts"]["running"] == 3
    step(definition, execution, TaskSucceeded(work.task_id, "ok"), 102.0)
    assert run["executionCounts"]["succeeded"] == 1 and run["itemCounts"]["succeeded"] == 2
    stopped = step(definition, execution, StopRequested(), 103.0)
    assert _finished(stopped) is not None
    assert run["status"] == "ABORTED" and run["executionCounts"]["aborted"] == 2 and run["stopDate"] == 103.0


def _write(definition: Any, data: Any, answers: list[Any]) -> tuple[Execution, RunTask, StepResult]:
    """Run children answering each task from `answers` (an exception dict fails it); return the
    writer's task."""
    execution, result = _start(definition, data)
    pending = _tasks(result)
    now = 101.0
    while pending and pending[0].resource == WORK:
        task = pending.pop(0)
        answer = answers.pop(0)
        event: Any = (TaskFailed(task.task_id, answer["Error"], answer["Cause"]) if isinstance(answer, dict)
                      else TaskSucceeded(task.task_id, answer))
        result = step(definition, execution, event, now)
        now += 1
        pending.extend(_tasks(result))
    (writer,) = pending
    return execution, writer, result


def test_result_writer_writes_aws_files_and_the_manifest() -> None:
    definition = _machine({"Type": "Task", "Resource": WORK}, ToleratedFailureCount=1,
                          ResultWriter={"Resource": PUT, "Parameters": {"Bucket": "out", "Prefix": "runs"}})
    execution, writer, _ = _write(definition, ["a", "b"], [["A"], {"Error": "Boom", "Cause": "bad"}])
    (run,) = execution.map_runs.values()
    files = {f["Key"]: json.loads(f["Body"]) for f in writer.parameters["Files"]}
    folder = f"runs/{run['id']}"
    assert list(files) == [f"{folder}/SUCCEEDED_0.json", f"{folder}/FAILED_0.json", f"{folder}/manifest.json"]
    (ok,) = files[f"{folder}/SUCCEEDED_0.json"]
    assert ok["Status"] == "SUCCEEDED" and ok["Input"] == '"a"' and ok["Output"] == '["A"]'
    assert ok["ExecutionArn"].startswith("arn:aws:states:us-east-1:123456789012:execution:Machine/M:")
    assert ok["StateMachineArn"] == "arn:aws:states:us-east-1:123456789012:stateMachine:Machine/M"
    (bad,) = files[f"{folder}/FAILED_0.json"]
    assert bad["Status"] == "FAILED" and bad["Error"] == "Boom" and bad["Cause"] == "bad" and "Output" not in bad
    manifest = files[f"{folder}/manifest.json"]
    assert manifest["DestinationBucket"] == "out" and manifest["MapRunArn"] == run["arn"]
    assert manifest["ResultFiles"]["PENDING"] == []
    assert manifest["ResultFiles"]["SUCCEEDED"][0]["Size"] == len(writer.parameters["Files"][0]["Body"].encode())
    done = step(definition, execution, TaskSucceeded(writer.task_id, {}), 200.0)
    finished = _finished(done)
    assert finished is not None and finished.output == {
        "MapRunArn": run["arn"], "ResultWriterDetails": {"Bucket": "out", "Key": f"{folder}/manifest.json"}}
    assert run["status"] == "SUCCEEDED" and run["itemCounts"]["resultsWritten"] == 2


def test_results_are_written_before_a_tolerance_failure_and_pending_items_listed() -> None:
    definition = _machine({"Type": "Task", "Resource": WORK}, MaxConcurrency=1,
                          ResultWriter={"Resource": PUT, "Parameters": {"Bucket": "out"},
                                        "WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}})
    execution, writer, _ = _write(definition, [1, 2, 3], [{"Error": "Boom", "Cause": "x"}])
    keys = [f["Key"] for f in writer.parameters["Files"]]
    assert [k.rsplit("/", 1)[1] for k in keys] == ["FAILED_0.jsonl", "PENDING_0.jsonl", "manifest.json"]
    pending = [json.loads(line) for line in writer.parameters["Files"][1]["Body"].splitlines()]
    assert [p["Input"] for p in pending] == ["2", "3"]
    finished = _finished(step(definition, execution, TaskSucceeded(writer.task_id, {}), 200.0))
    # Without tolerated failures the first failure fails the Map with the child's error.
    assert finished is not None and (finished.error, finished.cause) == ("Boom", "x")
    (run,) = execution.map_runs.values()
    assert run["status"] == "FAILED"


def test_a_failed_write_is_result_writer_failed() -> None:
    definition = _machine({"Type": "Pass"}, ResultWriter={"Resource": PUT, "Parameters": {"Bucket": "out"}})
    execution, result = _start(definition, [1])
    (writer,) = _tasks(result)
    finished = _finished(step(definition, execution, TaskFailed(writer.task_id, "S3.NoSuchBucketException", "x"), 2.0))
    assert finished is not None and finished.error == "States.ResultWriterFailed"


def test_writer_config_alone_flattens_the_output() -> None:
    definition = _machine({"Type": "Pass", "Parameters": {"v.$": "States.Array($, $)"}, "OutputPath": "$.v"},
                          ResultWriter={"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}})
    _, result = _start(definition, [1, 2])
    finished = _finished(result)
    assert finished is not None and finished.output == [1, 1, 2, 2]


def test_an_s3_inventory_is_read_manifest_then_file_by_file() -> None:
    reader = {"Resource": GET, "ReaderConfig": {"InputType": "MANIFEST", "MaxItems": 3},
              "Parameters": {"Bucket": "inventory", "Key": "inv/manifest.json"}}
    definition = _machine({"Type": "Pass"}, ItemReader=reader)
    execution, first = _start(definition, {})
    (read,) = _tasks(first)
    manifest = {"fileFormat": "CSV", "fileSchema": "Bucket, Key, Size",
                "files": [{"key": "inv/data/1.csv.gz"}, {"key": "inv/data/2.csv.gz"}, {"key": "inv/data/3.csv.gz"}]}
    second = step(definition, execution, TaskSucceeded(read.task_id, {"Body": json.dumps(manifest)}), 101.0)
    (file_one,) = _tasks(second)
    assert file_one.parameters == {"Bucket": "inventory", "Key": "inv/data/1.csv.gz"}
    zipped = base64.b64encode(gzip.compress(b'"src","a.txt","10"\n"src","b.txt","20"\n')).decode()
    third = step(definition, execution, TaskSucceeded(file_one.task_id, {"BodyBase64": zipped}), 102.0)
    (file_two,) = _tasks(third)
    assert file_two.parameters["Key"] == "inv/data/2.csv.gz"
    done = step(definition, execution, TaskSucceeded(file_two.task_id, {"Body": "src,c.txt,5\nsrc,d.txt,6\n"}), 103.0)
    finished = _finished(done)  # MaxItems 3 is reached: the third file is never read
    assert finished is not None and finished.output == [
        {"Bucket": "src", "Key": "a.txt", "Size": "10"}, {"Bucket": "src", "Key": "b.txt", "Size": "20"},
        {"Bucket": "src", "Key": "c.txt", "Size": "5"}]


def test_an_inventory_in_another_format_fails() -> None:
    reader = {"Resource": GET, "ReaderConfig": {"InputType": "MANIFEST"}, "Parameters": {"Bucket": "b", "Key": "m"}}
    definition = _machine({"Type": "Pass"}, ItemReader=reader)
    execution, first = _start(definition, {})
    manifest = {"fileFormat": "Parquet", "fileSchema": "message s3 {}", "files": []}
    done = step(definition, execution, TaskSucceeded(_tasks(first)[0].task_id, {"Body": json.dumps(manifest)}), 1.0)
    finished = _finished(done)
    assert finished is not None and finished.error == "States.ItemReaderFailed" and "only CSV" in (finished.cause or "")


def test_a_writer_without_a_bucket_fails_the_map_not_the_step() -> None:
    definition = _machine({"Type": "Task", "Resource": WORK},
                          ResultWriter={"Resource": PUT, "Parameters": {"Bucket.$": "$.nothing"}})
    execution, result = _start(definition, [1])
    (work,) = _tasks(result)
    done = step(definition, execution, TaskSucceeded(work.task_id, "ok"), 101.0)
    finished = _finished(done)
    assert finished is not None and finished.status == "FAILED" and finished.error == "States.Runtime"
    assert "nothing" in (finished.cause or "")
    # States.Runtime is not catchable: the execution fails at once, as for any state.
    assert [e["type"] for e in done.events] == ["MapRunFailed", "ExecutionFailed"]
    (run,) = execution.map_runs.values()
    assert run["status"] == "FAILED"


def test_child_names_lead_back_to_their_run_and_index():
    run_id = "0b5c7c0e-1234-4abc-8def-00ff00ff00ff"
    names = [child_name(run_id, index) for index in (0, 1, 2, 99_999)]
    assert len(set(names)) == 4 and run_id not in names
    assert all(len(name) == 36 and name[:24] == run_id[:24] for name in names)
    assert [child_index(run_id, name) for name in names] == [0, 1, 2, 99_999]
    assert child_index(run_id, run_id) is None  # the run's own id is no child's
    assert child_index("1b5c7c0e-1234-4abc-8def-00ff00ff00ff", names[0]) is None
    assert child_index(run_id, names[0][:-1] + "z") is None
