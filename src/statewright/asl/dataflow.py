"""How data moves through a state: input and output processing in both query languages.

JSONPath: InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath.
JSONata: Arguments → (work) → Output, with `$states` = {input, context, result, errorOutput}.
`Scope` is what expressions of one state can see: its data, the context object, variables.
"""

from __future__ import annotations

import json
import random
from typing import Any

from . import jsonata, payload
from .errors import RESULT_PATH_MATCH_FAILURE, RUNTIME, StatesError
from .model import ABSENT, State
from .paths import Path, PathNotFound, compile_path


class Scope:
    """The data, context object and variables visible to one state's expressions."""

    __slots__ = ("data", "context", "variables", "rng")

    def __init__(self, data: Any, context: dict[str, Any], variables: list[dict[str, Any]],
                 rng: random.Random) -> None:
        self.data = data
        self.context = context
        self.variables = variables  # innermost scope first
        self.rng = rng

    def with_data(self, data: Any) -> Scope:
        return Scope(data, self.context, self.variables, self.rng)

    def variable(self, name: str) -> Any:
        for scope in self.variables:
            if name in scope:
                return scope[name]
        raise PathNotFound("$" + name)

    def resolve(self, path: Path) -> Any:
        """The value of a path: `$…` over data, `$$…` over the context, `$name…` over a variable."""
        if path.root == "$":
            return path.get(self.data)
        if path.root == "$$":
            return path.get(self.context)
        return path.get(self.variable(path.root[1:]))

    def resolve_text(self, text: str) -> Any:
        """For intrinsic functions and Choice rules, which hand over path text."""
        return self.resolve(compile_path(text))

    def all_variables(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for scope in reversed(self.variables):
            merged.update(scope)
        return merged


def invalid_path(path: Path, doc: Any) -> StatesError:
    keys = "".join(f"[{k}]" if isinstance(k, int) else f"['{k}']" for k in (path.keys or ()))
    return StatesError(RUNTIME, f"Invalid path '{path.text}' : No results for path: ${keys}")


def select(path: Path | None | Any, doc: Any, scope: Scope) -> Any:
    """InputPath / OutputPath / ItemsPath: ABSENT keeps `doc`, null gives {}."""
    if path is ABSENT:
        return doc
    if path is None:
        return {}
    try:
        return scope.with_data(doc).resolve(path)
    except PathNotFound:
        raise invalid_path(path, doc) from None


def render(template: Any, data: Any, scope: Scope) -> Any:
    """Evaluate a compiled JSONPath payload template with `$` bound to `data`."""
    inner = scope.with_data(data)
    return payload.evaluate(template, inner.resolve, inner.resolve_text, scope.rng)


def effective_input(state: State, raw_input: Any, scope: Scope) -> Any:
    """JSONPath: InputPath then Parameters."""
    value = select(state.input_path, raw_input, scope)
    if state.parameters is not ABSENT:
        value = render(state.parameters, value, scope)
    return value


def place_result(result_path: Path | None | Any, raw_input: Any, result: Any) -> Any:
    """ResultPath: ABSENT puts the result in place of the input, null discards it."""
    if result_path is ABSENT:
        return result
    if result_path is None:
        return raw_input
    try:
        from .paths import set_path

        return set_path(raw_input, result_path, result)
    except PathNotFound:
        raise StatesError(RESULT_PATH_MATCH_FAILURE,
                          f"Unable to apply ResultPath \"{result_path.text}\" to input "
                          f"\"{json.dumps(raw_input, separators=(',', ':'))}\"") from None


def jsonpath_output(state: State, raw_input: Any, result: Any, scope: Scope,
                    selector: bool = True) -> Any:
    """JSONPath: ResultSelector, ResultPath, OutputPath."""
    if selector and state.result_selector is not ABSENT:
        result = render(state.result_selector, result, scope)
    output = place_result(state.result_path, raw_input, result)
    return select(state.output_path, output, scope)


def states_binding(raw_input: Any, context: dict[str, Any], **extra: Any) -> dict[str, Any]:
    binding = {"input": raw_input, "context": context}
    binding.update(extra)
    return binding


def jsonata_eval(value: Any, scope: Scope, states: dict[str, Any], field: str) -> Any:
    """Evaluate a JSONata field (a template that may hold `{% %}` strings anywhere)."""
    bindings = scope.all_variables()
    bindings["states"] = states
    return jsonata.evaluate_template(value, bindings, scope.rng, field)


def assign_variables(state_assign: Any, jsonata_mode: bool, scope: Scope, data: Any,
                     states: dict[str, Any]) -> dict[str, Any]:
    """Evaluate an `Assign` block; the caller stores the values after Output is computed."""
    if state_assign is ABSENT:
        return {}
    if jsonata_mode:
        values = jsonata_eval(state_assign, scope, states, "Assign")
    else:
        values = render(state_assign, data, scope)
    if values is jsonata.UNDEFINED or not isinstance(values, dict):
        return {}
    return {k: v for k, v in values.items() if v is not jsonata.UNDEFINED}
