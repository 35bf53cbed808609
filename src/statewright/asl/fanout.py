"""Parallel and Map: start child frames, collect what they return, fail as AWS fails.

Children run in the same step while they can; a child that waits on a task or timer leaves the
others running, which is how branches and iterations run concurrently. MaxConcurrency limits
how many iterations are started at once; the rest start as earlier ones finish.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from . import history, jsonata, mapsettings
from .dataflow import effective_input, jsonata_eval, jsonata_value, render, select, states_binding
from .errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, QUERY_EVALUATION_ERROR, RUNTIME, StatesError
from .history import dumps
from .host import StepHost
from .model import ABSENT, MapState, ParallelState, State
from .paths import Path, PathError, PathNotFound, compile_path
from .types import CancelTask

if TYPE_CHECKING:
    from .dataflow import Scope
    from .frames import Frame, Wait


# Marks a queue entry (a frame id after it) as "launch more iterations of this Map".
RELAUNCH = "+"


class FanoutHandlers(StepHost):
    """Parallel and Map behaviour; `self` is a step.Stepper (see host.py)."""

    # --- Parallel ------------------------------------------------------------------------

    def enter_parallel(self, frame: Frame, state: ParallelState) -> None:
        raw = frame["input"]
        sc = self.scope(frame, state, raw)
        if state.jsonata:
            value = raw if state.arguments is ABSENT else jsonata_value(
                state.arguments, sc, states_binding(raw, sc.context), "Arguments")
        else:
            value = effective_input(state, raw, sc)
        self.emit(frame, history.bare, "ParallelStateStarted")
        kept = {int(i): out for i, out in (frame.pop("resume_children", None) or {}).items()}
        ids = []
        results: list[Any] = [None] * len(state.branches)
        for index, branch in enumerate(state.branches):
            if index in kept:  # a redrive reruns only the branches that did not succeed
                results[index] = kept[index]
                continue
            child = self.new_frame(frame, branch.key, value, {"index": index})
            ids.append(child["id"])
        frame["wait"] = {"kind": "children", "type": "parallel", "running": dict.fromkeys(ids, True), "ok": sorted(kept),
                         "results": results, "remaining": len(ids)}
        self.queue.extend(ids)
        if not ids:
            self._parallel_done(frame, state)
        return None

    def _parallel_done(self, frame: Frame, state: State) -> None:
        wait = frame["wait"]
        assert wait is not None  # the Parallel is waiting on its branches
        results = wait["results"]
        frame["wait"] = None
        self.emit(frame, history.bare, "ParallelStateSucceeded")
        self.resume(frame, lambda f, s: self.conclude(f, s, results, True))

    # --- Map -----------------------------------------------------------------------------

    def enter_map(self, frame: Frame, state: MapState) -> None:
        raw = frame["input"]
        sc = self.scope(frame, state, raw)
        bindings = states_binding(raw, sc.context)
        value = raw if state.jsonata else select(state.input_path, raw, sc)
        if isinstance(state.item_reader, dict) and state.mode == "DISTRIBUTED":
            # Items an ItemReader reads come back as a task's answer (distributed.py), which
            # enters the state again with them in the frame.
            items = frame.pop("reader_items", None)
            if items is None:
                self.read_items(frame, state, sc, value, bindings)
                return None
        elif state.jsonata:
            items = raw if state.items is ABSENT else jsonata_eval(state.items, sc, bindings, "Items")
        else:
            items = select(state.items_path, value, sc)
        if state.jsonata:
            self._check_items(state, items)
        elif not isinstance(items, list):
            raise StatesError(RUNTIME, f"Map state input must be an array but was: {dumps(items)}")
        limit = self._map_number(state, sc, bindings, "MaxConcurrency", state.max_concurrency,
                                 state.max_concurrency_path)
        distributed = state.mode == "DISTRIBUTED"
        self.emit(frame, history.map_started, len(items))
        tolerated_count = self._map_number(state, sc, bindings, "ToleratedFailureCount",
                                           state.tolerated_failure_count,
                                           state.tolerated_failure_count_path)
        tolerated_pct = self._map_number(state, sc, bindings, "ToleratedFailurePercentage",
                                         state.tolerated_failure_percentage,
                                         state.tolerated_failure_percentage_path)
        inputs = [self._item_input(frame, state, sc, value, index, item) for index, item in enumerate(items)]
        batched = self._batch(state, inputs, sc, bindings)
        sizes = [len(batch["Items"]) for batch in batched] if batched is not inputs else None
        inputs = batched
        kept = {int(i): out for i, out in (frame.pop("resume_children", None) or {}).items()
                if int(i) < len(inputs)}
        results: list[Any] = [None] * len(inputs)
        for index, output in kept.items():  # a redrive reruns only the iterations that did not succeed
            results[index] = output
        wait: Wait = {"kind": "children", "type": "map", "inputs": inputs, "next": 0,
                      "running": {}, "results": results, "failed": 0, "finished": len(kept),
                      "ok": sorted(kept), "skip": sorted(kept), "limit": int(limit or 0),
                      "tolerated_count": tolerated_count, "tolerated_pct": tolerated_pct,
                      "distributed": distributed}
        frame["wait"] = wait
        if distributed:
            if sizes is not None:
                wait["sizes"] = sizes
            self.begin_map_run(frame, state, wait)
        self._launch(frame, state)
        return None

    def _check_items(self, state: MapState, items: Any) -> None:
        if isinstance(items, list):
            return
        if state.items is ABSENT:
            raise StatesError(QUERY_EVALUATION_ERROR, f"Map state input must be an array but was: {dumps(items)}")
        source = state.items[2:-2].strip() if isinstance(state.items, str) else dumps(state.items)
        try:
            if items is jsonata.UNDEFINED or callable(items):
                raise jsonata.unsupported_type_error(source, "Items")
            jsonata.expect_type(items, "array", source, "Items")
        except StatesError as err:
            err.location = "Items"
            raise

    def _map_number(self, state: MapState, sc: Scope, bindings: dict[str, Any], field: str,
                    value: Any, path: Any) -> Any:
        """A numeric Map setting from its literal, its `…Path` or its JSONata expression."""
        if isinstance(path, str):
            try:
                path = compile_path(path)
            except PathError:
                raise StatesError(RUNTIME, f"The {field}Path field refers to an invalid path: {path}") from None
        if isinstance(path, Path):
            try:
                found = sc.resolve(path)
            except PathNotFound:
                raise StatesError(RUNTIME, f"The {field}Path field refers to an invalid path: {path.text}") from None
            return mapsettings.from_path(field, path.text, found)
        if isinstance(value, str) and jsonata.is_expression(value):
            result = jsonata_eval(value, sc, bindings, field)
            return mapsettings.from_jsonata(field, value[2:-2].strip(), result)
        if value is ABSENT or value is None:
            return None
        return mapsettings.check_range(field, value)

    def _item_input(self, frame: Frame, state: MapState, sc: Scope, value: Any,
                    index: int, item: Any) -> Any:
        if state.item_selector is ABSENT:
            return item
        context = dict(sc.context)
        context["Map"] = {"Item": {"Index": index, "Value": item}}
        inner = type(sc)(value, context, sc.variables, sc.rng)
        if state.jsonata:
            return jsonata_value(state.item_selector, inner, states_binding(frame["input"], context),
                                 "ItemSelector")
        return render(state.item_selector, value, inner)

    def _batch(self, state: MapState, inputs: list[Any], sc: Scope, bindings: dict[str, Any]) -> list[Any]:
        batcher = state.item_batcher
        if not isinstance(batcher, dict):
            return inputs
        limits = [self._map_number(state, sc, bindings, field, batcher.get(field, ABSENT),
                                   batcher.get(field + "Path", ABSENT))
                  for field in ("MaxItemsPerBatch", "MaxInputBytesPerBatch")]
        return mapsettings.batch(inputs, limits[0], limits[1], batcher.get("BatchInput"), "BatchInput" in batcher)

    def _launch(self, frame: Frame, state: MapState, refill: bool = False) -> None:
        """Start iterations up to MaxConcurrency. `refill`: an iteration ended; without a
        concurrency limit that frees nothing (what is not launched waits for its RELAUNCH)."""
        wait = frame["wait"]
        assert wait is not None  # the Map is waiting on its iterations
        processor = state.processor
        if processor is None:
            raise StatesError(RUNTIME, "The Map state has no ItemProcessor")
        skip = set(wait.get("skip") or ()) if not refill or wait["limit"] else ()
        while (not refill or wait["limit"]) and wait["next"] < len(wait["inputs"]) and (not wait["limit"] or len(wait["running"]) < wait["limit"]):
            if self.budget <= 0:
                # Launching counts against the step's budget: a Map over 100,000 items starts
                # them slice by slice; this marker launches the rest in a later slice.
                self.queue.append(RELAUNCH + frame["id"])
                break
            self.budget -= 1
            index = wait["next"]
            wait["next"] += 1
            if index in skip:
                continue
            quiet = wait["distributed"]
            if not quiet:
                self.emit(frame, history.map_iteration, "Started", state.name, index)
            else:
                self.map_run_moved(wait, index, "pending", "running")
            child = self.new_frame(frame, processor.key, wait["inputs"][index],
                                   {"index": index, "quiet": quiet or bool(frame.get("quiet")),
                                    "prev": frame["prev"], "isolated": quiet})
            if quiet:
                child["started_at"] = self.now
            wait["running"][child["id"]] = True
            self.queue.append(child["id"])
        if wait["finished"] == len(wait["inputs"]):
            self._map_done(frame, state)

    def relaunch(self, frame_id: str) -> None:
        """Launch more iterations of a Map whose launching a step's budget cut short."""
        frame = self.ex.frames.get(frame_id)
        wait = frame.get("wait") if frame is not None else None
        if frame is not None and wait and wait.get("kind") == "children" and wait.get("type") == "map":
            self._launch(frame, cast(MapState, self.machine(frame).states[frame["state"]]))

    def _map_done(self, frame: Frame, state: MapState) -> None:
        wait = frame["wait"]
        assert wait is not None  # the Map is waiting on its iterations
        results = wait["results"]
        if wait["distributed"]:
            if self.map_run_finished(frame, state, wait, None):
                return
            self.close_map_run(wait, "SUCCEEDED")
            results = self.transform_results(state, wait, results)
        frame["wait"] = None
        if wait["distributed"]:
            self.emit(frame, history.bare, "MapRunSucceeded")
        self.emit(frame, history.bare, "MapStateSucceeded")
        self.resume(frame, lambda f, s: self.conclude(f, s, results, True))

    # --- children ------------------------------------------------------------------------

    def child_finished(self, parent: Frame, child: Frame, output: Any,
                       err: StatesError | None) -> None:
        wait = parent.get("wait")
        if not wait or wait.get("kind") != "children" or child["id"] not in wait["running"]:
            return
        state = self.machine(parent).states[parent["state"]]
        index = child["index"]
        if wait["type"] == "parallel":
            del wait["running"][child["id"]]
            if err is not None:
                self.state_failed(parent, state, err)
                return
            wait["results"][index] = output
            wait["ok"].append(index)
            wait["remaining"] -= 1
            if wait["remaining"] == 0:
                self._parallel_done(parent, state)
            return
        # A "map" wait belongs to a Map state. Said to mypy with an ignore, not cast(): this
        # runs once per iteration, and cast() is a function call.
        self._map_child_finished(parent, state, child, output, err)  # type: ignore[arg-type]

    def _map_child_finished(self, parent: Frame, state: MapState, child: Frame,
                            output: Any, err: StatesError | None) -> None:
        wait = parent["wait"]
        assert wait is not None  # checked by child_finished
        index = child["index"]
        del wait["running"][child["id"]]
        wait["finished"] += 1
        quiet = wait["distributed"]
        if quiet:
            self.map_run_moved(wait, index, "running", "succeeded" if err is None else "failed")
            self.child_times(wait, index, child)
        if err is None:
            wait["results"][index] = output
            wait["ok"].append(index)
            if not quiet:
                self.emit(parent, history.map_iteration, "Succeeded", state.name, index)
            self._launch(parent, state, refill=True)
            return
        if not quiet:
            self.emit(parent, history.map_iteration, "Failed", state.name, index)
        wait["failed"] += 1
        wait["results"][index] = {"Error": err.error, "Cause": err.cause}
        total = len(wait["inputs"])
        count, pct = wait["tolerated_count"], wait["tolerated_pct"]
        tolerant = count is not None or pct is not None
        # Either threshold, when set, fails the Map once it is passed.
        exceeded = (count is not None and wait["failed"] > count) or (
            pct is not None and bool(total) and wait["failed"] * 100.0 / total > pct)
        if not tolerant or exceeded:
            if tolerant:
                err = StatesError(EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                  "The specified tolerated failure threshold was exceeded")
            if quiet:
                if self.map_run_finished(parent, state, wait, err):
                    self._drop_running(wait)
                    return
                self.close_map_run(wait, "FAILED")
                self.emit(parent, history.map_run_failed, err.error, err.cause)
            self.state_failed(parent, state, err)
            return
        self._launch(parent, state, refill=True)

    def abort_children(self, frame: Frame) -> None:
        """Stop every child still running under `frame` (a branch failed, or the state is retried)."""
        wait = frame.get("wait")
        if not wait or wait.get("kind") != "children":
            if wait:
                self.cancel_frame_task(frame)
            return
        state = self.machine(frame).states[frame["state"]]
        self.close_map_run(wait, "ABORTED")
        for child_id in list(wait["running"]):
            child = self.ex.frames.get(child_id)
            if wait["type"] == "map" and child is not None and not wait["distributed"]:
                self.emit(frame, history.map_iteration, "Aborted", state.name, child["index"])
            self._drop_frame(child_id)
        frame["wait"] = None

    def _drop_running(self, wait: Wait) -> None:
        """Stop the children still running under a Map whose frame now waits on something else."""
        for child_id in list(wait["running"]):
            self._drop_frame(child_id)
        wait["running"].clear()

    def _drop_frame(self, frame_id: str) -> None:
        frame = self.ex.frames.pop(frame_id, None)
        if frame is None:
            return
        wait: Wait = frame.get("wait") or {}
        if wait.get("kind") == "children":
            for child_id in wait["running"]:
                self._drop_frame(child_id)
        task_id = wait.get("task")
        if task_id and self.ex.tasks.pop(task_id, None) is not None:
            self.result.commands.append(CancelTask(task_id))
        self.cancel_timer(wait.get("timer"))
        self.cancel_timer(wait.get("heartbeat"))

