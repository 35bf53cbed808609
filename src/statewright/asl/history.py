"""AWS-shaped history events: their types per state, their detail fields, and id chaining.

Payloads in details (`input`, `output`, `parameters`) are JSON text, as GetExecutionHistory
returns them; `timestamp` is the epoch seconds the step was given as `now`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

# Event type prefixes per state type: "<Prefix>StateEntered" / "<Prefix>StateExited".
ENTERED = {t: f"{t}StateEntered" for t in ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail",
                                           "Parallel", "Map")}
EXITED = {t: f"{t}StateExited" for t in ("Pass", "Task", "Choice", "Wait", "Succeed", "Parallel",
                                         "Map")}


def _chunks() -> Any:
    """The C encoder behind json.dumps(value, separators=(",", ":"), ensure_ascii=False), built
    once: with those arguments json.dumps makes a new encoder (and the C encoder under it) on
    every call, which was a third of the cost of writing a history event. No circular-reference
    markers: payloads come from JSON and cannot be circular (a cycle would end in RecursionError).
    None on an interpreter without the C accelerator."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    return make(None, json.JSONEncoder().default, json.encoder.encode_basestring,
                None, ":", ",", False, False, True)


_CHUNKS = _chunks()
_SLOW = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: Any) -> str:
    """JSON text as AWS writes payloads: compact, non-ASCII kept."""
    if _CHUNKS is None:
        return _SLOW(value)
    return "".join(_CHUNKS(value, 0))


def payload_details(key: str, value: Any, text: str | None = None) -> dict[str, Any]:
    """`{"input": "...", "inputDetails": {"truncated": false}}` for key "input"; `text` is the
    value's JSON when the caller already has it (a payload is serialised once per step)."""
    return {key: dumps(value) if text is None else text, f"{key}Details": {"truncated": False}}


def state_entered(state_type: str, name: str, state_input: Any,
                  text: str | None = None) -> tuple[str, dict[str, Any]]:
    return ENTERED[state_type], {"stateEnteredEventDetails": {
        "name": name, "input": dumps(state_input) if text is None else text,
        "inputDetails": {"truncated": False}}}


def state_exited(state_type: str, name: str, output: Any, assigned: dict[str, Any] | None,
                 text: str | None = None) -> tuple[str, dict[str, Any]]:
    details: dict[str, Any] = {"name": name, "output": dumps(output) if text is None else text,
                               "outputDetails": {"truncated": False}}
    if assigned:
        details["assignedVariables"] = {k: dumps(v) for k, v in assigned.items()}
        details["assignedVariablesDetails"] = {"truncated": False}
    return EXITED[state_type], {"stateExitedEventDetails": details}


def execution_started(execution_input: Any, role_arn: str) -> tuple[str, dict[str, Any]]:
    return "ExecutionStarted", {"executionStartedEventDetails": {
        **payload_details("input", execution_input), "roleArn": role_arn}}


def execution_succeeded(output: Any) -> tuple[str, dict[str, Any]]:
    return "ExecutionSucceeded", {"executionSucceededEventDetails": payload_details("output", output)}


def error_details(error: str | None, cause: str | None) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if error is not None:
        details["error"] = error
    if cause is not None:
        details["cause"] = cause
    return details


def execution_ended(kind: str, error: str | None, cause: str | None) -> tuple[str, dict[str, Any]]:
    """ExecutionFailed / ExecutionTimedOut / ExecutionAborted."""
    key = {"ExecutionFailed": "executionFailedEventDetails",
           "ExecutionTimedOut": "executionTimedOutEventDetails",
           "ExecutionAborted": "executionAbortedEventDetails"}[kind]
    return kind, {key: error_details(error, cause)}


def evaluation_failed(state: str, error: str, cause: str,
                      location: str | None) -> tuple[str, dict[str, Any]]:
    details: dict[str, Any] = {"error": error, "cause": cause, "state": state}
    if location:
        details["location"] = location
    return "EvaluationFailed", {"evaluationFailedEventDetails": details}


def map_started(length: int) -> tuple[str, dict[str, Any]]:
    return "MapStateStarted", {"mapStateStartedEventDetails": {"length": length}}


def map_iteration(kind: str, name: str, index: int) -> tuple[str, dict[str, Any]]:
    """kind: Started / Succeeded / Failed / Aborted."""
    key = f"mapIteration{kind}EventDetails"
    return f"MapIteration{kind}", {key: {"name": name, "index": index}}


def bare(event_type: str) -> tuple[str, dict[str, Any]]:
    """Events that carry no details: MapStateSucceeded, ParallelStateStarted, …"""
    return event_type, {}


# --- Task events ----------------------------------------------------------------------------


def task_kind(resource: str) -> tuple[str, str, str]:
    """(family, resourceType, resource) of a Task Resource ARN.

    family is "Lambda" for a plain function ARN, "Activity" for an activity ARN, else "Task"
    (service integrations such as arn:aws:states:::lambda:invoke).
    """
    parts = resource.split(":")
    if len(parts) >= 7 and parts[2] == "lambda" and parts[5] == "function":
        return "Lambda", "lambda", resource
    if len(parts) >= 7 and parts[2] == "states" and parts[5] == "activity":
        return "Activity", "activity", resource
    if len(parts) >= 6 and parts[2] == "states" and parts[3] == "" and parts[4] == "":
        return "Task", parts[5], ":".join(parts[6:])
    return "Task", parts[2] if len(parts) > 2 else "unknown", resource


def task_scheduled(resource: str, region: str, parameters: Any, timeout: float | None,
                   heartbeat: float | None) -> tuple[str, dict[str, Any]]:
    family, resource_type, name = task_kind(resource)
    if family == "Lambda":
        details: dict[str, Any] = {"resource": resource, **payload_details("input", parameters)}
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        return "LambdaFunctionScheduled", {"lambdaFunctionScheduledEventDetails": details}
    if family == "Activity":
        details = {"resource": resource, **payload_details("input", parameters)}
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        if heartbeat is not None:
            details["heartbeatInSeconds"] = int(heartbeat)
        return "ActivityScheduled", {"activityScheduledEventDetails": details}
    details = {"resourceType": resource_type, "resource": name, "region": region,
               "parameters": dumps(parameters)}
    if timeout is not None:
        details["timeoutInSeconds"] = int(timeout)
    if heartbeat is not None:
        details["heartbeatInSeconds"] = int(heartbeat)
    return "TaskScheduled", {"taskScheduledEventDetails": details}


def task_started(resource: str, worker: str | None = None) -> tuple[str, dict[str, Any]]:
    family, resource_type, name = task_kind(resource)
    if family == "Lambda":
        return "LambdaFunctionStarted", {}
    if family == "Activity":
        return "ActivityStarted", {"activityStartedEventDetails": {"workerName": worker or ""}}
    return "TaskStarted", {"taskStartedEventDetails": {"resourceType": resource_type, "resource": name}}


def task_succeeded(resource: str, output: Any) -> tuple[str, dict[str, Any]]:
    family, resource_type, name = task_kind(resource)
    body = payload_details("output", output)
    if family == "Lambda":
        return "LambdaFunctionSucceeded", {"lambdaFunctionSucceededEventDetails": body}
    if family == "Activity":
        return "ActivitySucceeded", {"activitySucceededEventDetails": body}
    return "TaskSucceeded", {"taskSucceededEventDetails": {
        "resourceType": resource_type, "resource": name, **body}}


def task_failed(resource: str, error: str, cause: str, timed_out: bool = False) -> tuple[str, dict[str, Any]]:
    family, resource_type, name = task_kind(resource)
    what = "TimedOut" if timed_out else "Failed"
    body = error_details(error, cause)
    if family == "Lambda":
        return f"LambdaFunction{what}", {f"lambdaFunction{what}EventDetails": body}
    if family == "Activity":
        return f"Activity{what}", {f"activity{what}EventDetails": body}
    return f"Task{what}", {f"task{what}EventDetails": {
        "resourceType": resource_type, "resource": name, **body}}


def map_run_started(map_run_arn: str) -> tuple[str, dict[str, Any]]:
    return "MapRunStarted", {"mapRunStartedEventDetails": {"mapRunArn": map_run_arn}}


def map_run_redriven(map_run_arn: str, redrive_count: int) -> tuple[str, dict[str, Any]]:
    return "MapRunRedriven", {"mapRunRedrivenEventDetails": {"mapRunArn": map_run_arn, "redriveCount": redrive_count}}


def map_run_failed(error: str | None, cause: str | None) -> tuple[str, dict[str, Any]]:
    return "MapRunFailed", {"mapRunFailedEventDetails": error_details(error, cause)}


def execution_redriven(redrive_count: int) -> tuple[str, dict[str, Any]]:
    return "ExecutionRedriven", {"executionRedrivenEventDetails": {"redriveCount": redrive_count}}


# --- event types without the events -----------------------------------------------------------

Builder = Callable[..., tuple[str, dict[str, Any]]]


def _task_event_type(resource: str, what: str) -> str:
    family = task_kind(resource)[0]
    return f"{'LambdaFunction' if family == 'Lambda' else family}{what}"


def _task_event(what: str) -> Callable[..., str]:
    return lambda resource, *_: _task_event_type(resource, what)


def _task_failed_type(resource: str, error: str, cause: str, timed_out: bool = False) -> str:
    return _task_event_type(resource, "TimedOut" if timed_out else "Failed")


def _fixed(event_type: str) -> Callable[..., str]:
    return lambda *_, **__: event_type


# The type each builder makes, from its arguments alone: a step that keeps only some events (an
# Express execution logging at ERROR) builds just those, without encoding every payload.
_TYPES: dict[Builder, Callable[..., str]] = {
    state_entered: lambda state_type, *_, **__: ENTERED[state_type],
    state_exited: lambda state_type, *_, **__: EXITED[state_type],
    execution_started: _fixed("ExecutionStarted"),
    execution_succeeded: _fixed("ExecutionSucceeded"),
    execution_ended: lambda kind, *_: kind,
    evaluation_failed: _fixed("EvaluationFailed"),
    map_started: _fixed("MapStateStarted"),
    map_iteration: lambda kind, *_: f"MapIteration{kind}",
    bare: lambda event_type: event_type,
    task_scheduled: _task_event("Scheduled"),
    task_started: _task_event("Started"),
    task_succeeded: _task_event("Succeeded"),
    task_failed: _task_failed_type,
    map_run_started: _fixed("MapRunStarted"),
    map_run_failed: _fixed("MapRunFailed"),
    map_run_redriven: _fixed("MapRunRedriven"),
    execution_redriven: _fixed("ExecutionRedriven"),
}


def event_type(build: Builder, *args: Any, **kwargs: Any) -> str:
    """The type of the event `build(*args, **kwargs)` would make, without making it."""
    return _TYPES[build](*args, **kwargs)
