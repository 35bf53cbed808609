"""What each simple state does (Pass, Succeed, Fail, Choice, Wait), plus Retry and Catch.

A mixin of the Stepper in `step.py`: methods named `enter_<type>` run a state and return a
`Done`, or None when the frame must wait. Task lives in `tasks.py`, Map and Parallel in
`fanout.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import choice, intrinsics, jsonata, payload
from .dataflow import (
    Scope,
    assign_variables,
    effective_input,
    jsonata_eval,
    jsonata_value,
    jsonpath_output,
    place_result,
    render,
    select,
    states_binding,
)
from .distributed import DistributedHandlers
from .errors import ALL, RUNTIME, TASK_FAILED, TIMEOUT, UNCATCHABLE, StatesError
from .fanout import FanoutHandlers
from .model import ABSENT, ChoiceState, FailState, PassState, State, WaitState
from .numbers import LONG_MAX, LONG_MIN, java_text
from .outcome import Done
from .paths import Path, PathNotFound, compile_path
from .tasks import TaskHandlers

if TYPE_CHECKING:
    from .frames import Frame
    from .host import Produce

MAX_WAIT_SECONDS = 2**31 - 1


def parse_timestamp(text: Any) -> float | None:
    """Epoch seconds of an ISO-8601 extended offset date-time (with `T` and an offset), or None.
    The same reading as Choice's timestamp comparisons."""
    if not isinstance(text, str):
        return None
    nanoseconds = choice.parse_timestamp(text)
    return None if nanoseconds is None else nanoseconds / 1e9


def _done(output: Any, state: State, assigned: dict[str, Any], next_name: str | None = None) -> Done:
    return Done(output, next_name if next_name is not None else (None if state.end else state.next),
                assigned)


class StateHandlers(TaskHandlers, FanoutHandlers, DistributedHandlers):
    """State behaviours; `self` is a step.Stepper (see host.py)."""

    def scope(self, frame: Frame, state: State, data: Any) -> Scope:
        return Scope(data, lambda: self.context_for(frame, state), lambda: self.variable_scopes(frame),
                     self.rng)

    def conclude(self, frame: Frame, state: State, result: Any, has_result: bool,
                 next_name: str | None = None, sc: Scope | None = None) -> Done:
        """Turn a state's result into its output and assignments, in either query language."""
        raw = frame["input"]
        if sc is None:
            sc = self.scope(frame, state, raw)
        if state.jsonata:
            extra = {"result": result} if has_result else {}
            bindings = states_binding(raw, sc.context, **extra)
            default = result if has_result else raw
            output = default if state.output is ABSENT else jsonata_value(state.output, sc, bindings, "Output")
            assigned = assign_variables(state.assign, True, sc, None, bindings)
            return _done(output, state, assigned, next_name)
        if has_result and state.result_selector is not ABSENT and state.type != "Pass":
            result = render(state.result_selector, result, sc)
        # Assign sees the result after ResultSelector, before ResultPath and OutputPath.
        assigned = assign_variables(state.assign, False, sc, result, {})
        return _done(jsonpath_output(state, raw, result, sc, selector=False), state, assigned, next_name)

    # --- simple states -------------------------------------------------------------------

    def enter_pass(self, frame: Frame, state: PassState) -> Done:
        done: Done
        if state.jsonata:
            done = self.conclude(frame, state, None, False)
            return done
        sc = self.scope(frame, state, frame["input"])
        value = effective_input(state, frame["input"], sc)
        pass_result = value if state.result is ABSENT else state.result
        done = self.conclude(frame, state, pass_result, True, sc=sc)
        return done

    def enter_succeed(self, frame: Frame, state: State) -> Done:
        if state.jsonata:
            result: Done = self.conclude(frame, state, None, False)
            return result
        sc = self.scope(frame, state, frame["input"])
        value = select(state.input_path, frame["input"], sc)
        return _done(select(state.output_path, value, sc), state, {})

    def enter_fail(self, frame: Frame, state: FailState) -> None:
        raw = frame["input"]
        sc = self.scope(frame, state, raw)
        if state.jsonata:
            bindings = states_binding(raw, sc.context)
            error = jsonata_value(state.error, sc, bindings, "Error") if state.error is not ABSENT else None
            cause = jsonata_value(state.cause, sc, bindings, "Cause") if state.cause is not ABSENT else None
        else:
            error = self._fail_field(state.error, state.error_path, sc, "ErrorPath")
            cause = self._fail_field(state.cause, state.cause_path, sc, "CausePath")
        error = None if error is jsonata.UNDEFINED else error
        cause = None if cause is jsonata.UNDEFINED else cause
        err = StatesError(error if isinstance(error, str) or error is None else str(error), cause,
                          from_fail_state=True)
        self.frame_failed(frame, err)
        return None

    def _fail_field(self, literal: Any, path_text: Any, sc: Scope, field: str) -> Any:
        """A Fail state's Error or Cause: the literal, or the string its `…Path` gives. The path
        (a reference path or a string-valued intrinsic) is evaluated as a payload template's
        `key.$` value is, so a path that names nothing fails with the same cause, naming the field."""
        if literal is not ABSENT:
            return literal
        if path_text is ABSENT:
            return None
        if isinstance(path_text, str) and path_text.startswith("States."):
            try:
                value = intrinsics.evaluate(intrinsics.parse(path_text), sc.resolve_text, sc.rng)
            except PathNotFound as exc:
                raise StatesError(RUNTIME, payload.missing_intrinsic_path_cause(exc.path, field)) from None
        else:
            path = compile_path(path_text)
            try:
                value = sc.resolve(path)
            except PathNotFound:
                raise StatesError(RUNTIME, payload.missing_path_cause(path, field, sc.resolve)) from None
        if not isinstance(value, str):
            raise StatesError(RUNTIME, f'The {field} field refers to value "{java_text(value)}" which is not a '
                                       f"valid string: {path_text}")
        return value

    def enter_choice(self, frame: Frame, state: ChoiceState) -> Done:
        raw = frame["input"]
        sc = self.scope(frame, state, raw)
        if state.jsonata:
            result: Done = self._choice_jsonata(frame, state, sc)
            return result
        data = select(state.input_path, raw, sc)
        inner = sc.with_data(data)
        for rule in state.choices:
            if choice.evaluate(rule.condition, inner.resolve_text):
                # The state-level Assign belongs to the Default branch only.
                assigned = assign_variables(rule.assign, False, inner, data, {})
                return _done(select(state.output_path, data, sc), state, assigned, rule.next)
        if state.default is None:
            raise StatesError("States.NoChoiceMatched", "No Matches!")
        assigned = assign_variables(state.assign, False, inner, data, {})
        return _done(select(state.output_path, data, sc), state, assigned, state.default)

    def _choice_jsonata(self, frame: Frame, state: ChoiceState, sc: Scope) -> Done:
        raw = frame["input"]
        bindings = states_binding(raw, sc.context)
        for rule in state.choices:
            value = jsonata_eval(rule.condition, sc, bindings, "Condition")
            if not isinstance(value, bool):
                raise jsonata.query_error(_condition_not_boolean(rule.condition, value), "Condition")
            if value:
                output = raw if rule.output is ABSENT else jsonata_value(rule.output, sc, bindings, "Output")
                assigned = assign_variables(rule.assign, True, sc, None, bindings)
                return _done(output, state, assigned, rule.next)
        if state.default is None:
            raise StatesError("States.NoChoiceMatched", "No Matches!")
        output = raw if state.output is ABSENT else jsonata_value(state.output, sc, bindings, "Output")
        assigned = assign_variables(state.assign, True, sc, None, bindings)
        return _done(output, state, assigned, state.default)

    def enter_wait(self, frame: Frame, state: WaitState) -> None:
        seconds = self._wait_seconds(frame, state)
        if seconds > MAX_WAIT_SECONDS:
            raise StatesError(RUNTIME, "Wait state delay is too long.")
        frame["wait"] = {"kind": "timer", "timer": self.start_timer(frame, "wait", seconds)}
        return None

    def wait_over(self, frame: Frame) -> Produce:
        def produce(frame: Frame, state: State) -> Done:
            if state.jsonata:
                result: Done = self.conclude(frame, state, None, False)
                return result
            sc = self.scope(frame, state, frame["input"])
            value = select(state.input_path, frame["input"], sc)
            return _done(select(state.output_path, value, sc), state,
                         assign_variables(state.assign, False, sc, value, {}))
        return produce

    def _wait_seconds(self, frame: Frame, state: WaitState) -> float:
        raw = frame["input"]
        sc = self.scope(frame, state, raw)
        if state.jsonata:
            bindings = states_binding(raw, sc.context)
            if state.seconds is not ABSENT:
                value = jsonata_eval(state.seconds, sc, bindings, "Seconds")
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise jsonata.query_error(_bad_seconds(state.seconds, value), "Seconds")
                return float(value)
            text = jsonata_eval(state.timestamp, sc, bindings, "Timestamp")
            moment = parse_timestamp(text)
            if moment is None:
                raise jsonata.query_error("The Timestamp field cannot be parsed as an ISO-8601 extended "
                                          f"offset date-time format string: {java_text(text)}", "Timestamp")
            return float(moment - self.now)
        data = select(state.input_path, raw, sc)
        if state.seconds is not ABSENT:
            return float(state.seconds)
        if state.timestamp is not ABSENT:
            moment = parse_timestamp(state.timestamp)
            return float(moment - self.now) if moment is not None else 0.0
        if state.seconds_path is not ABSENT:
            seconds: float = self._seconds_from_path(state.seconds_path, sc.with_data(data))
            return seconds
        result: float = self._timestamp_from_path(state.timestamp_path, sc.with_data(data))
        return result

    def _seconds_from_path(self, path: Path, sc: Scope) -> float:
        try:
            value = sc.resolve(path)
        except PathNotFound:
            raise StatesError(RUNTIME, "The SecondsPath parameter does not reference an input value: "
                              f"{path.text}") from None
        return float(seconds_path_value(path.text, value))

    def _timestamp_from_path(self, path: Path, sc: Scope) -> float:
        try:
            value = sc.resolve(path)
        except PathNotFound:
            raise StatesError(RUNTIME, "The TimestampPath parameter does not reference an input value: "
                              f"{path.text}") from None
        moment = parse_timestamp(value)
        if moment is None:
            raise StatesError(RUNTIME, "The TimestampPath parameter does not reference a valid ISO-8601 "
                              f"extended offset date-time format string: {path.text} == {java_text(value)}")
        return float(moment - self.now)

    # --- Retry and Catch -----------------------------------------------------------------

    def try_retry(self, frame: Frame, state: State, err: StatesError) -> bool:
        for index, retrier in enumerate(state.retry):
            if not error_matches(retrier.error_equals, err.error):
                continue
            attempts = frame["attempts"].get(str(index), 0)
            if attempts >= retrier.max_attempts:
                return False
            delay = retrier.interval_seconds * (retrier.backoff_rate ** attempts)
            if retrier.max_delay_seconds is not None:
                delay = min(delay, retrier.max_delay_seconds)
            if retrier.jitter_strategy == "FULL":
                delay = self.rng().uniform(0, delay)
            frame["attempts"][str(index)] = attempts + 1
            frame["retry_count"] = frame.get("retry_count", 0) + 1
            frame["wait"] = {"kind": "retry", "timer": self.start_timer(frame, "retry", delay)}
            return True
        return False

    def try_catch(self, frame: Frame, state: State, err: StatesError) -> bool:
        for catcher in state.catch:
            if not error_matches(catcher.error_equals, err.error):
                continue
            error_output = {"Error": err.error, "Cause": err.cause if err.cause is not None else ""}
            raw = frame["input"]
            sc = self.scope(frame, state, raw)
            if state.jsonata:
                bindings = states_binding(raw, sc.context, errorOutput=error_output)
                output = error_output if catcher.output is ABSENT else jsonata_value(
                    catcher.output, sc, bindings, "Output")
                assigned = assign_variables(catcher.assign, True, sc, None, bindings)
            else:
                output = place_result(catcher.result_path, raw, error_output)
                assigned = assign_variables(catcher.assign, False, sc, error_output, {})
            done = Done(None if output is jsonata.UNDEFINED else output, catcher.next, assigned)
            frame["wait"] = None
            if self.finish_state(frame, state, done):
                self.queue.append(frame["id"])
            return True
        return False


def error_matches(names: tuple[str, ...], error: str | None) -> bool:
    """Whether a Retrier's or Catcher's ErrorEquals covers `error`."""
    if error in names:
        return error not in UNCATCHABLE
    if error in UNCATCHABLE:
        return False
    if ALL in names:
        return True
    return TASK_FAILED in names and error != TIMEOUT


def seconds_path_value(path_text: str, value: Any) -> int:
    """The whole seconds a Wait's SecondsPath selected. AWS reads a Java long: a JSON integer in
    the long range is one (a negative one is refused on its own), and anything else - a
    fraction, a string, null, a container, an integer past the long range - "cannot be parsed"."""
    shown = f"{path_text} == {java_text(value)}"
    if isinstance(value, bool) or not isinstance(value, int) or not LONG_MIN <= value <= LONG_MAX:
        raise StatesError(RUNTIME, f"The SecondsPath parameter cannot be parsed as a long value: {shown}")
    if value < 0:
        raise StatesError(RUNTIME, f"The SecondsPath parameter references a negative value: {shown}")
    return value


def _bad_seconds(expression: Any, value: Any) -> str:
    source = expression[2:-2].strip() if isinstance(expression, str) else expression
    return (f"The JSONata expression '{source}' specified for the field 'Seconds' returned an "
            f"unexpected result type. Expected 'integer', but was '{jsonata.json_type_name(value)}' "
            f"for value: {jsonata.json_text(value)}")


def _condition_not_boolean(expression: Any, value: Any) -> str:
    source = expression[2:-2].strip() if isinstance(expression, str) else expression
    return (f"The JSONata expression '{source}' specified for the field 'Condition' returned an "
            f"unexpected result type. Expected 'boolean', but was '{jsonata.json_type_name(value)}' "
            f"for value: {jsonata.json_text(value)}")
