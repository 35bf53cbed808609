"""The Task state: build the request, ask the outside world to run it, take the answer.

The step never runs a task itself. It emits RunTask (plus timers for TimeoutSeconds and
HeartbeatSeconds) and later receives TaskSucceeded/TaskFailed/TaskHeartbeat or a timer.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from . import history, jsonata
from .dataflow import effective_input, jsonata_value, render, select, states_binding
from .errors import (
    HEARTBEAT_TIMEOUT,
    RUNTIME,
    TIMEOUT,
    StatesError,
)
from .host import StepHost
from .limits import check_result
from .model import ABSENT, State, TaskState
from .paths import Path, PathNotFound
from .types import CancelTask, RunTask, TaskFailed, TaskSucceeded

if TYPE_CHECKING:
    from .dataflow import Scope
    from .frames import Frame, Wait
    from .outcome import Done

DEFAULT_TASK_TIMEOUT = 99999999
WAIT_FOR_TOKEN = ".waitForTaskToken"


class TaskHandlers(StepHost):
    """Task behaviour; `self` is a step.Stepper (see host.py)."""

    def enter_task(self, frame: Frame, state: TaskState) -> None:
        raw = frame["input"]
        if state.resource.endswith(WAIT_FOR_TOKEN):
            frame["token"] = str(uuid.UUID(int=self.rng().getrandbits(128), version=4))
        sc = self.scope(frame, state, raw)
        if state.jsonata:
            bindings = states_binding(raw, sc.context)
            request = raw if state.arguments is ABSENT else jsonata_value(state.arguments, sc, bindings,
                                                                          "Arguments")
        else:
            request = effective_input(state, raw, sc)
        check_result(request, state.name)
        credentials = self._credentials(state, sc, raw)
        timeout = self._seconds_field(state.timeout_seconds, sc, "TimeoutSeconds")
        heartbeat = self._seconds_field(state.heartbeat_seconds, sc, "HeartbeatSeconds")
        task_id = self.next_id("k")
        self.emit(frame, history.task_scheduled, state.resource, self.ex.region, request, timeout,
                  heartbeat)
        if history.task_kind(state.resource)[0] != "Activity":
            # An activity starts when a worker takes it (TaskStarted input); others start now.
            self.emit(frame, history.task_started, state.resource)
        self.ex.tasks[task_id] = {"frame": frame["id"], "resource": state.resource}
        wait: Wait = {"kind": "task", "task": task_id, "heartbeat_seconds": heartbeat}
        # AWS's default TimeoutSeconds (99999999 s) outlives any Standard execution (one year at
        # most), so no timer is armed for it: a callback nobody answers just keeps waiting.
        if timeout is not None and timeout < DEFAULT_TASK_TIMEOUT:
            wait["timer"] = self.start_timer(frame, "task-timeout", timeout)
        if heartbeat is not None:
            wait["heartbeat"] = self.start_timer(frame, "heartbeat", heartbeat)
        frame["wait"] = wait
        self.result.commands.append(RunTask(
            task_id=task_id, resource=state.resource, parameters=request, state_name=state.name,
            timeout_seconds=timeout, heartbeat_seconds=heartbeat, token=frame.get("token"),
            credentials=credentials))
        return None

    def _credentials(self, state: TaskState, sc: Scope, raw: Any) -> Any:
        """`Credentials` is evaluated like Parameters (JSONPath) or Arguments (JSONata)."""
        if state.credentials is ABSENT:
            return None
        if state.jsonata:
            return jsonata_value(state.credentials, sc, states_binding(raw, sc.context), "Credentials")
        return render(state.credentials, select(state.input_path, raw, sc), sc)

    def _seconds_field(self, value: Any, sc: Scope, field: str) -> float | None:
        if value is ABSENT:
            return DEFAULT_TASK_TIMEOUT if field == "TimeoutSeconds" else None
        if isinstance(value, Path):
            try:
                number = sc.resolve(value)
            except PathNotFound:
                raise StatesError(RUNTIME, f"The {field}Path parameter does not reference an input "
                                  f"value: {value.text}") from None
            if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
                raise StatesError(RUNTIME, f"The {field}Path parameter references an invalid value: "
                                  f"{value.text}")
            return float(number)
        if isinstance(value, str):
            bindings = states_binding(sc.data, sc.context)
            number = jsonata_value(value, sc, bindings, field)
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
                raise jsonata.query_error(
                    f"The JSONata expression '{value[2:-2].strip()}' specified for the field '{field}' returned "
                    f"an unexpected result type. Expected 'integer', but was "
                    f"'{jsonata.json_type_name(number)}' for value: {jsonata.json_text(number)}", field)
            return float(number)
        return float(value)

    def _task_frame(self, task_id: str) -> tuple[Frame, str] | None:
        task = self.ex.tasks.pop(task_id, None)
        if task is None:
            return None  # already answered, timed out, or cancelled: the first answer won
        frame = self.ex.frames.get(task["frame"])
        if frame is None or not frame["wait"] or frame["wait"].get("task") != task_id:
            return None
        wait = frame["wait"]
        self.cancel_timer(wait.get("timer"))
        self.cancel_timer(wait.get("heartbeat"))
        frame["wait"] = None
        return frame, task["resource"]

    def task_answered(self, event: TaskSucceeded | TaskFailed) -> None:
        task = self.ex.tasks.get(event.task_id)
        if task is not None and "role" in task:  # a Distributed Map's ItemReader or ResultWriter
            self.map_io_answered(event)
            return
        found = self._task_frame(event.task_id)
        if found is None:
            return
        frame, resource = found
        state = self.machine(frame).states[frame["state"]]
        if isinstance(event, TaskSucceeded):
            self.emit(frame, history.task_succeeded, resource, event.output)
            try:
                check_result(event.output, state.name)
            except StatesError as err:
                self.state_failed(frame, state, err)
                return

            def produce(frame: Frame, state: State) -> Done:
                done: Done = self.conclude(frame, state, event.output, True)
                return done
            self.resume(frame, produce)
            return
        self.emit(frame, history.task_failed, resource, event.error, event.cause)
        self.state_failed(frame, state, StatesError(event.error, event.cause))

    def task_started(self, task_id: str, worker_name: str) -> None:
        task = self.ex.tasks.get(task_id)
        frame = self.ex.frames.get(task["frame"]) if task else None
        if frame is None or task is None or task.get("started"):
            return
        task["started"] = True
        self.emit(frame, history.task_started, task["resource"], worker_name)

    def task_heartbeat(self, task_id: str) -> None:
        task = self.ex.tasks.get(task_id)
        frame = self.ex.frames.get(task["frame"]) if task else None
        if frame is None or not frame["wait"] or not frame["wait"].get("heartbeat"):
            return
        self.cancel_timer(frame["wait"]["heartbeat"])
        # A heartbeat timer is only armed when the Task has HeartbeatSeconds.
        frame["wait"]["heartbeat"] = self.start_timer(frame, "heartbeat",
                                                      cast(float, frame["wait"]["heartbeat_seconds"]))

    def task_timed_out(self, frame: Frame, heartbeat: bool) -> None:
        wait = frame.get("wait") or {}
        task_id = wait.get("task")
        if not task_id:
            return
        found = self._task_frame(task_id)
        if found is None:
            return
        frame, resource = found
        self.result.commands.append(CancelTask(task_id))
        error = HEARTBEAT_TIMEOUT if heartbeat else TIMEOUT
        self.emit(frame, history.task_failed, resource, error, "", timed_out=True)
        state = self.machine(frame).states[frame["state"]]
        self.state_failed(frame, state, StatesError(error, None))

    def cancel_frame_task(self, frame: Frame) -> None:
        wait = frame.get("wait") or {}
        task_id = wait.get("task")
        if task_id and self.ex.tasks.pop(task_id, None) is not None:
            self.result.commands.append(CancelTask(task_id))
        self.cancel_timer(wait.get("timer"))
        self.cancel_timer(wait.get("heartbeat"))
        frame["wait"] = None

