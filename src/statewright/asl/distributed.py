"""What a Distributed Map adds to a Map: its Map Run, its ItemReader, and its ResultWriter.

A Map Run is a record in the execution state (`Execution.map_runs`, by ARN) holding its status,
settings and the counts DescribeMapRun reports, kept current as child workflows start and end.
Reading items and writing results are I/O, so the step sends them out as tasks (RunTask on the
reader's or writer's Resource, tagged with a `role` in the execution's task table) and takes
the driver's answer as it takes any task's: the step itself stays pure.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Final, Literal, cast

from . import history, itemreader
from .dataflow import jsonata_value, render, states_binding
from .errors import ITEM_READER_FAILED, RESULT_WRITER_FAILED, StatesError
from .frames import Frame, Wait
from .host import StepHost
from .model import MapState
from .payload import compile_template
from .types import MapRunUpdate, RunTask, TaskFailed, TaskSucceeded

READER: Final = "reader"
WRITER: Final = "writer"
COUNT_KEYS: Final = ("pending", "running", "succeeded", "failed", "timedOut", "aborted", "total",
                     "resultsWritten", "failuresNotRedrivable", "pendingRedrive")


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def child_name(run_id: str, index: int) -> str:
    """The name (a UUID) of child workflow `index` of the Map Run `run_id`: the run's UUID with its
    last twelve hex digits XORed with index + 1 (no child shares its run's id). Nothing is drawn
    or stored per child, and a child's ARN leads back to its run and index (`child_index`)."""
    return f"{run_id[:24]}{int(run_id[24:], 16) ^ (index + 1):012x}"


def child_index(run_id: str, name: str) -> int | None:
    """The index of the child named `name` in the Map Run `run_id`, None when it is not one of its."""
    if len(name) != 36 or name[:24] != run_id[:24]:
        return None
    try:
        index = (int(name[24:], 16) ^ int(run_id[24:], 16)) - 1
    except ValueError:
        return None
    return index if index >= 0 else None


def _arn_base(execution_arn: str) -> tuple[str, str]:
    """(`arn:<partition>:states:<region>:<account>`, state machine name) of an execution ARN."""
    parts = execution_arn.split(":")
    if len(parts) >= 8:
        return ":".join(parts[:5]), parts[6]
    return "arn:aws:states:us-east-1:123456789012", "local"


class DistributedHandlers(StepHost):
    """Distributed Map behaviour; `self` is a step.Stepper (see host.py)."""

    # --- ItemReader -------------------------------------------------------------------------

    def read_items(self, frame: Frame, state: MapState, sc: Any, data: Any,
                   bindings: dict[str, Any]) -> None:
        """Ask the driver to read the Map's items; the Map starts when they come back."""
        spec = itemreader.request(state.item_reader, data, sc, bindings, state.jsonata)
        self._io_task(frame, state, READER, spec.resource, spec.parameters, {"reader": asdict(spec)})

    def _io_task(self, frame: Frame, state: MapState, role: Literal["reader", "writer"], resource: str,
                 parameters: Any, keep: Wait) -> None:
        task_id = self.next_id("k")
        self.ex.tasks[task_id] = {"frame": frame["id"], "resource": resource, "role": role}
        frame["wait"] = {"kind": "task", "task": task_id, **keep}
        self.result.commands.append(RunTask(task_id=task_id, resource=resource, parameters=parameters,
                                            state_name=state.name))

    def map_io_answered(self, event: TaskSucceeded | TaskFailed) -> None:
        """The driver answered a reader or writer task."""
        task = self.ex.tasks.pop(event.task_id, None)
        frame = self.ex.frames.get(task["frame"]) if task else None
        wait = frame.get("wait") if frame is not None else None
        if task is None or frame is None or wait is None or wait.get("task") != event.task_id:
            return
        frame["wait"] = None
        # Only a Distributed Map sends reader and writer tasks out.
        state = cast(MapState, self.machine(frame).states[frame["state"]])
        if task["role"] == READER:
            self._items_read(frame, state, wait, event)
        else:
            self._results_written(frame, state, wait, event)

    def _items_read(self, frame: Frame, state: MapState, wait: Wait,
                    event: TaskSucceeded | TaskFailed) -> None:
        if isinstance(event, TaskFailed):
            cause = f"{event.error}: {event.cause}" if event.cause else str(event.error)
            self.state_failed(frame, state, StatesError(ITEM_READER_FAILED, cause))
            return
        spec = wait["reader"]
        try:
            if (spec["config"].get("InputType") == itemreader.MANIFEST
                    and not isinstance(event.output.get("Items") if isinstance(event.output, dict) else None, list)):
                if self._read_inventory(frame, state, spec, wait.get("manifest"), event.output):
                    return
            else:
                frame["reader_items"] = itemreader.items(spec, event.output)
        except StatesError as err:
            self.state_failed(frame, state, err)
            return
        self.resume(frame, lambda f, s: self.enter_map(f, cast(MapState, s)))

    def _read_inventory(self, frame: Frame, state: MapState, spec: dict[str, Any],
                        progress: dict[str, Any] | None, answer: Any) -> bool:
        """One more answer of an S3 inventory read: the manifest, then each data file in turn.
        True while another file is being read; False once the items are in the frame."""
        if progress is None:
            progress = itemreader.manifest_files(spec, answer)
        else:
            progress["items"].extend(itemreader.manifest_rows(progress, answer))
        limit = spec.get("max_items")
        if progress["files"] and not (limit and len(progress["items"]) >= limit):
            key = progress["files"].pop(0)
            self._io_task(frame, state, READER, spec["resource"], {"Bucket": progress["bucket"], "Key": key},
                          {"reader": spec, "manifest": progress})
            return True
        frame["reader_items"] = progress["items"][:limit] if limit else progress["items"]
        return False

    # --- the Map Run ------------------------------------------------------------------------

    def begin_map_run(self, frame: Frame, state: MapState, wait: Wait) -> None:
        """Create the Map Run of a Distributed Map whose children are about to start; in a
        redriven execution, redrive the Map Run that failed instead (same ARN, its succeeded
        children kept, `redriveCount` up by one), as AWS does."""
        execution_arn = str(self.ex.context.get("Execution", {}).get("Id", ""))
        base, machine = _arn_base(execution_arn)
        previous = self._run_to_redrive(frame, state, len(wait["inputs"]))
        if previous is not None:
            run_id, label, arn = previous["id"], previous["label"], previous["arn"]
        else:
            run_id, label = str(_uuid(self)), state.label or state.name
            arn = f"{base}:mapRun:{machine}/{label}:{run_id}"
        sizes = wait.get("sizes")
        total_items = sum(sizes) if sizes else len(wait["inputs"])
        counts = dict.fromkeys(COUNT_KEYS, 0)
        executions = {**counts, "pending": len(wait["inputs"]), "total": len(wait["inputs"])}
        items = {**counts, "pending": total_items, "total": total_items}
        record: dict[str, Any] = {
            "arn": arn, "id": run_id, "executionArn": execution_arn, "frame": frame["id"], "state": state.name,
            "label": label, "status": "RUNNING", "startDate": self.now, "stopDate": None,
            "maxConcurrency": wait["limit"], "toleratedFailureCount": wait["tolerated_count"] or 0,
            "toleratedFailurePercentage": float(wait["tolerated_pct"] or 0), "executionCounts": executions,
            "itemCounts": items, "attempt": self.ex.redrive_count}
        wait["run"] = arn
        wait["times"] = {}
        if previous is not None:
            self._redrive_run(wait, previous, record)
        self.ex.map_runs[arn] = record
        if previous is not None:
            self.emit(frame, history.map_run_redriven, arn, record["redriveCount"])
        else:
            self.emit(frame, history.map_run_started, arn)
        for index in wait.get("skip") or ():  # kept from before a redrive: already succeeded
            self.map_run_moved(wait, index, "pending", "succeeded")

    def _run_to_redrive(self, frame: Frame, state: MapState, size: int) -> dict[str, Any] | None:
        """The Map Run a redriven execution redrives for this state: the state's latest run, made
        by an earlier attempt, that failed or was aborted over the same number of children. None
        starts a new run (also when the last run succeeded, or AWS's 1,000 redrives are used)."""
        if frame["parent"] is not None or not self.ex.redrive_count:
            return None
        for record in reversed(self.ex.map_runs.values()):
            if record["state"] != state.name:
                continue
            kept = record.get("children") or {}
            if (record.get("attempt", 0) < self.ex.redrive_count and record["status"] in ("FAILED", "ABORTED")
                    and len(kept.get("inputs") or ()) == size and record.get("redriveCount", 0) < 1000):
                return record
            return None
        return None

    def _redrive_run(self, wait: Wait, previous: dict[str, Any], record: dict[str, Any]) -> None:
        """Carry a redriven Map Run over: its succeeded children are not run again (they keep
        their results and dates), the others run again with their redrive counted."""
        kept = previous["children"]
        skip = set(wait["skip"])
        for index in kept["ok"]:
            if index not in skip:
                wait["results"][index] = kept["results"][index]
                wait["ok"].append(index)
                wait["skip"].append(index)
                wait["finished"] += 1
        wait["times"] = {str(i): kept["times"][str(i)] for i in wait["ok"] if str(i) in kept["times"]}
        ok = set(wait["ok"])
        redriven = dict(previous.get("childRedrives") or {})
        for key in (*kept["times"], *(kept.get("aborted") or {})):
            if int(key) not in ok:
                redriven[key] = redriven.get(key, 0) + 1
        record.update(startDate=previous["startDate"], redriveCount=previous.get("redriveCount", 0) + 1,
                      redriveDate=self.now, childRedrives=redriven)

    def map_run_moved(self, wait: Wait, index: int, source: str, target: str) -> None:
        """Child `index` of a Map Run went from `source` to `target` (pending, running, …)."""
        record = self.ex.map_runs.get(wait.get("run") or "")
        if record is None:
            return
        sizes = wait.get("sizes")
        for key, amount in (("executionCounts", 1), ("itemCounts", sizes[index] if sizes else 1)):
            counts = record[key]
            counts[source] -= amount
            counts[target] += amount

    def child_times(self, wait: Wait, index: int, child: Frame) -> None:
        if "times" in wait:
            wait["times"][str(index)] = [child.get("started_at", self.now), self.now]

    def close_map_run(self, wait: Wait | None, status: str) -> None:
        """The Map Run ends with `status`; children still running count as aborted."""
        record = self.ex.map_runs.get((wait or {}).get("run") or "")
        if record is None or record["status"] != "RUNNING":
            return
        self.keep_children(record)
        record["status"] = status
        record["stopDate"] = self.now
        for key in ("executionCounts", "itemCounts"):
            counts = record[key]
            counts["aborted"] += counts["running"]
            counts["running"] = 0

    def keep_children(self, record: dict[str, Any]) -> None:
        """Keep in the Map Run's record what its children were (input, result, dates) before the
        Map's wait goes away, so ListExecutions(mapRunArn) and DescribeExecution still answer
        once the Map has ended. The wait's lists are shared, not copied: the wait is dropped or
        replaced right after. Children still running count as aborted now."""
        frame = self.ex.frames.get(record["frame"])
        wait = frame.get("wait") if frame is not None else None
        if "children" in record or not wait or wait.get("run") != record["arn"] or "inputs" not in wait:
            return
        aborted = {}
        for child_id in wait["running"]:
            child = self.ex.frames.get(child_id)
            if child is not None:
                aborted[str(child["index"])] = [child.get("started_at", self.now), self.now]
        record["children"] = {"inputs": wait["inputs"], "results": wait["results"], "ok": wait["ok"],
                              "times": wait.get("times", {}), "aborted": aborted, "sizes": wait.get("sizes")}

    def abort_map_runs(self) -> None:
        """The execution ended: Map Runs still running are aborted."""
        for record in self.ex.map_runs.values():
            if record["status"] == "RUNNING":
                self.close_map_run({"run": record["arn"]}, "ABORTED")

    def update_map_run(self, event: MapRunUpdate) -> None:
        """UpdateMapRun: new concurrency or tolerated failures for a running Map Run."""
        record = self.ex.map_runs.get(event.map_run_arn)
        frame = self.ex.frames.get(record["frame"]) if record else None
        wait = frame.get("wait") if frame else None
        if record is None or record["status"] != "RUNNING":
            return
        if event.max_concurrency is not None:
            record["maxConcurrency"] = event.max_concurrency
        if event.tolerated_failure_count is not None:
            record["toleratedFailureCount"] = event.tolerated_failure_count
        if event.tolerated_failure_percentage is not None:
            record["toleratedFailurePercentage"] = float(event.tolerated_failure_percentage)
        if frame is None or not wait or wait.get("run") != event.map_run_arn:
            return
        wait["limit"] = record["maxConcurrency"]
        if event.tolerated_failure_count is not None:
            wait["tolerated_count"] = event.tolerated_failure_count
        if event.tolerated_failure_percentage is not None:
            wait["tolerated_pct"] = event.tolerated_failure_percentage
        self._launch(frame, cast(MapState, self.machine(frame).states[frame["state"]]))

    # --- ResultWriter -----------------------------------------------------------------------

    def map_run_finished(self, frame: Frame, state: MapState, wait: Wait,
                         err: StatesError | None) -> bool:
        """All children ended (err None), or too many failed (err): write the results when the
        state has a ResultWriter with a Resource. True when the state's outcome is taken care of:
        a write was sent out (the state goes on when it is answered), or the writer's parameters
        could not be evaluated (the state failed)."""
        writer = state.result_writer
        if not isinstance(writer, dict) or not writer.get("Resource"):
            return False
        record = self.ex.map_runs.get(wait.get("run") or "")
        if record is not None:
            self.keep_children(record)  # the writer's wait replaces this one
        try:
            self._write_results(frame, state, wait, writer, err)
        except StatesError as failure:
            failure = self.with_prefix(frame, state, failure)
            self.close_map_run(wait, "FAILED")
            self.emit(frame, history.map_run_failed, failure.error, failure.cause)
            self.state_failed(frame, state, failure)
        return True

    def _write_results(self, frame: Frame, state: MapState, wait: Wait,
                       writer: dict[str, Any], err: StatesError | None) -> None:
        config = writer.get("WriterConfig") or {}
        sc = self.scope(frame, state, frame["input"])
        if state.jsonata:
            target = jsonata_value(writer.get("Arguments", {}), sc, states_binding(frame["input"], sc.context),
                                   "ResultWriter/Arguments")
        else:
            target = render(compile_template(writer.get("Parameters", {})), frame["input"], sc)
        if not isinstance(target, dict) or not isinstance(target.get("Bucket"), str):
            raise StatesError(RESULT_WRITER_FAILED, "The ResultWriter's parameters must include 'Bucket' as a string")
        record = self.ex.map_runs[wait["run"]]
        files = self._result_files(state, wait, record, config, target)
        keep: Wait = {"writer": {"bucket": target["Bucket"], "manifest": files[-1]["Key"],
                                 "error": None if err is None else [err.error, err.cause], "run": wait["run"]}}
        self._io_task(frame, state, WRITER, writer["Resource"], {"Bucket": target["Bucket"], "Files": files}, keep)

    def _result_files(self, state: MapState, wait: Wait, record: dict[str, Any],
                      config: dict[str, Any], target: dict[str, Any]) -> list[dict[str, Any]]:
        prefix = str(target.get("Prefix") or "")
        folder = f"{prefix.rstrip('/')}/{record['id']}" if prefix else record["id"]
        transformation = config.get("Transformation", "NONE")
        jsonl = config.get("OutputType") == "JSONL"
        groups: dict[str, list[Any]] = {"SUCCEEDED": [], "FAILED": [], "PENDING": []}
        ok = set(wait["ok"])
        for index, child_input in enumerate(wait["inputs"]):
            status = "SUCCEEDED" if index in ok else "FAILED" if str(index) in wait["times"] else "PENDING"
            if status == "SUCCEEDED" and transformation != "NONE":
                groups[status].extend(_transformed(wait["results"][index], transformation))
            else:
                groups[status].append(self._child_record(state, wait, record, index, child_input, status))
        files: list[dict[str, Any]] = []
        listed: dict[str, list[dict[str, Any]]] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
        for status, entries in groups.items():
            if not entries:
                continue
            body = ("\n".join(history.dumps(e) for e in entries) + "\n") if jsonl else history.dumps(entries)
            key = f"{folder}/{status}_0.{'jsonl' if jsonl else 'json'}"
            files.append({"Key": key, "Body": body})
            listed[status].append({"Key": key, "Size": len(body.encode("utf-8"))})
        record["itemCounts"]["resultsWritten"] = record["itemCounts"]["succeeded"] + record["itemCounts"]["failed"]
        record["executionCounts"]["resultsWritten"] = (record["executionCounts"]["succeeded"]
                                                       + record["executionCounts"]["failed"])
        manifest = {"DestinationBucket": target["Bucket"], "MapRunArn": record["arn"], "ResultFiles": listed}
        files.append({"Key": f"{folder}/manifest.json", "Body": history.dumps(manifest)})
        return files

    def _child_record(self, state: MapState, wait: Wait, record: dict[str, Any], index: int,
                      child_input: Any, status: str) -> dict[str, Any]:
        """A child workflow execution as AWS exports it (Transformation NONE)."""
        base, machine = _arn_base(record["executionArn"])
        name = child_name(record["id"], index)
        entry: dict[str, Any] = {
            "ExecutionArn": f"{base}:execution:{machine}/{record['label']}:{name}",
            "Input": history.dumps(child_input), "InputDetails": {"Included": True}, "Name": name}
        times = wait["times"].get(str(index))
        if status == "SUCCEEDED":
            entry["Output"] = history.dumps(wait["results"][index])
            entry["OutputDetails"] = {"Included": True}
        elif status == "FAILED":
            failure = wait["results"][index] or {}
            entry["Error"], entry["Cause"] = failure.get("Error"), failure.get("Cause")
        entry.update({"RedriveCount": (record.get("childRedrives") or {}).get(str(index), 0),
                      "RedriveStatus": "NOT_REDRIVABLE" if status == "SUCCEEDED" else "REDRIVABLE_BY_MAP_RUN",
                      "StateMachineArn": f"{base}:stateMachine:{machine}/{record['label']}", "Status": status})
        if status == "SUCCEEDED":
            entry["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
        if times:
            entry["StartDate"], entry["StopDate"] = iso(times[0]), iso(times[1])
        return entry

    def _results_written(self, frame: Frame, state: MapState, wait: Wait,
                         event: TaskSucceeded | TaskFailed) -> None:
        writer = wait["writer"]
        run: Wait = {"run": writer["run"]}
        if isinstance(event, TaskFailed):
            self.close_map_run(run, "FAILED")
            self.emit(frame, history.map_run_failed, RESULT_WRITER_FAILED, event.cause)
            self.state_failed(frame, state, StatesError(RESULT_WRITER_FAILED, f"{event.error}: {event.cause}"))
            return
        if writer["error"] is not None:
            error, cause = writer["error"]
            self.close_map_run(run, "FAILED")
            self.emit(frame, history.map_run_failed, error, cause)
            self.state_failed(frame, state, StatesError(error, cause))
            return
        self.close_map_run(run, "SUCCEEDED")
        self.emit(frame, history.bare, "MapRunSucceeded")
        self.emit(frame, history.bare, "MapStateSucceeded")
        output = {"MapRunArn": writer["run"],
                  "ResultWriterDetails": {"Bucket": writer["bucket"], "Key": writer["manifest"]}}
        self.resume(frame, lambda f, s: self.conclude(f, s, output, True))

    def transform_results(self, state: MapState, wait: Wait, results: list[Any]) -> list[Any]:
        """ResultWriter with only a WriterConfig: the state's output is the transformed results."""
        writer = state.result_writer
        if not isinstance(writer, dict) or writer.get("Resource") or not isinstance(writer.get("WriterConfig"), dict):
            return results
        transformation = writer["WriterConfig"].get("Transformation", "COMPACT")
        if transformation == "FLATTEN":
            return [value for result in results for value in _transformed(result, "FLATTEN")]
        return results


def _transformed(output: Any, transformation: str) -> list[Any]:
    if transformation == "FLATTEN" and isinstance(output, list):
        return list(output)
    return [output]


def _uuid(stepper: Any) -> str:
    """A version-4 UUID from the execution's seeded random source (replays draw the same)."""
    return str(uuid.UUID(int=stepper.rng().getrandbits(128), version=4))
