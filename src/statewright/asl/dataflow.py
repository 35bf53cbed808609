"""How data moves through a state: input and output processing in both query languages.

JSONPath: InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath.
JSONata: Arguments → (work) → Output, with `$states` = {input, context, result, errorOutput}.
`Scope` is what expressions of one state can see: its data, the context object, variables.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from . import jsonata, payload
from .errors import RESULT_PATH_MATCH_FAILURE, RUNTIME, StatesError
from .model import ABSENT, State
from .paths import Path, PathNotFound, compile_path, set_path


class Scope:
    """The data, context object and variables visible to one state's expressions.

    The context object and the random source are built on first use: most states need neither,
    and building them is most of the cost of a simple state.
    """

    __slots__ = ("data", "_context", "_variables", "_rng", "_make_context", "_make_rng",
                 "_make_variables")

    def __init__(self, data: Any, context: dict[str, Any] | Callable[[], dict[str, Any]],
                 variables: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]],
                 rng: random.Random | Callable[[], random.Random]) -> None:
        self.data = data
        self._variables = variables if isinstance(variables, list) else None
        self._make_variables = None if isinstance(variables, list) else variables
        self._context = context if isinstance(context, dict) else None
        self._make_context = None if isinstance(context, dict) else context
        self._rng = rng if isinstance(rng, random.Random) else None
        self._make_rng = None if isinstance(rng, random.Random) else rng

    @property
    def variables(self) -> list[dict[str, Any]]:
        """Variable scopes, innermost first."""
        if self._variables is None:
            self._variables = self._make_variables() if self._make_variables else []
        return self._variables

    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            self._context = self._make_context() if self._make_context else {}
        return self._context

    @property
    def rng(self) -> random.Random:
        """The random source; a lazy stand-in until something actually draws from it."""
        if self._rng is None:
            return _LazyRandom(self)  # type: ignore[return-value]
        return self._rng

    def real_rng(self) -> random.Random:
        if self._rng is None:
            self._rng = self._make_rng() if self._make_rng else random.Random(0)
        return self._rng


    def with_data(self, data: Any) -> Scope:
        inner = Scope(data, self._context or {}, self._variables or [], self._rng or random.Random(0))
        inner._variables, inner._make_variables = self._variables, self._make_variables
        inner._context, inner._make_context = self._context, self._make_context
        inner._rng, inner._make_rng = self._rng, self._make_rng
        return inner

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


class _LazyRandom:
    """Stands in for random.Random and creates the real one on first use."""

    __slots__ = ("_scope",)

    def __init__(self, scope: Scope) -> None:
        self._scope = scope

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scope.real_rng(), name)


def invalid_path(path: Path) -> StatesError:
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
        raise invalid_path(path) from None


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


def jsonata_value(value: Any, scope: Scope, states: dict[str, Any], field: str) -> Any:
    """A JSONata field that must have a value (Output, Arguments, Credentials, Error, Cause...):
    an expression that yields nothing fails the state, whether it is the whole field or nested in
    it, with the field's location (`Output`, `Output/result`)."""
    result = jsonata_eval(value, scope, states, field)
    if result is jsonata.UNDEFINED:
        raise jsonata.undefined_error(jsonata.compile_expression(value).source, field)
    return result


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
