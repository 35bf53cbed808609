"""Fused fast paths for the commonest JSONPath states (run by fastrun.py, with or without history).

A Pass or Choice state that reads only its own input (no `$$`, no variables, no randomness, no
Assign) is compiled into one closure `input -> (output, next)`; its payload template and
intrinsic calls compile into nested closures too. Anything unusual at run time -
a missing path, a value of the wrong type - raises `Fallback`, and the step runs the state the
general way, which produces AWS's exact error. So the closures only ever take the happy path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import choice, payload
from .intrinsics import Call, Literal
from .intrinsics import PathRef as IntrinsicPath
from .intrinsics.functions import format_, pure_function
from .limits import MAX_PAYLOAD_BYTES, payload_size
from .model import ABSENT, ChoiceState, PassState, State
from .paths import Path, PathNotFound, compile_path, set_path

# (state input, an upper bound of its JSON size) -> (output, next state, bound of the output)
FastState = Callable[[Any, int], tuple[Any, str | None, int]]
_UNKNOWN = 1 << 62
_RANDOM_CALLS = frozenset({"States.MathRandom", "States.UUID"})


class Fallback(Exception):
    """The fast path cannot decide this input: run the state the general way."""


def compile_fast(state: State) -> FastState | None:
    """A closure for `state`, or None when it must always run the general way."""
    if state.jsonata or state.assign is not ABSENT:
        return None
    if isinstance(state, PassState):
        return _fast_pass(state)
    if isinstance(state, ChoiceState):
        return _fast_choice(state)
    return None


def _data_only_path(path: Any) -> bool:
    return path is ABSENT or path is None or (isinstance(path, Path) and path.root == "$")


def _data_only_template(node: Any) -> bool:
    if isinstance(node, payload.Const):
        return True
    if isinstance(node, payload.Obj):
        return all(_data_only_template(child) for _, child in node.members)
    if isinstance(node, payload.Arr):
        return all(_data_only_template(child) for child in node.items)
    if isinstance(node, payload.PathRef):
        return node.path.root == "$"
    if isinstance(node, payload.Intrinsic):
        return _data_only_call(node.call)
    return False


def _data_only_call(call: Call) -> bool:
    if call.name in _RANDOM_CALLS:
        return False
    for arg in call.args:
        if isinstance(arg, Call) and not _data_only_call(arg):
            return False
        if isinstance(arg, IntrinsicPath) and not arg.text.startswith(("$.", "$[")) and arg.text != "$":
            return False
    return True


Compiled = Callable[[Any], Any]  # the state's data -> a value; raises anything on a problem


def _compile_template(node: Any) -> Compiled:
    """A data-only payload template (see `_data_only_template`) as nested closures over the
    state's data, so a run does not walk the template's nodes. Mirrors payload.evaluate and
    intrinsics.evaluate (members and arguments left to right); their errors are not reproduced:
    the caller turns any exception into Fallback and the general path reports it."""
    if isinstance(node, payload.Const):
        value = node.value
        return lambda data: value
    if isinstance(node, payload.Obj):
        members = tuple((key, _compile_template(child)) for key, child in node.members)
        return lambda data: {key: member(data) for key, member in members}
    if isinstance(node, payload.Arr):
        items = tuple(_compile_template(child) for child in node.items)
        return lambda data: [item(data) for item in items]
    if isinstance(node, payload.PathRef):
        return node.path.get
    return _compile_call(node.call)


def _compile_call(call: Call) -> Compiled:
    args = tuple(_compile_argument(arg) for arg in call.args)
    if call.name == "States.Format":
        first = call.args[0] if call.args else None
        raw = first.raw if isinstance(first, Literal) else None
        return lambda data: format_([arg(data) for arg in args], raw)
    function = pure_function(call.name)
    if function is None:
        raise ValueError(f"{call.name} is not compiled")  # randomness: never a data-only call
    return lambda data: function([arg(data) for arg in args])


def _compile_argument(arg: Any) -> Compiled:
    if isinstance(arg, Literal):
        value = arg.value
        return lambda data: value
    if isinstance(arg, IntrinsicPath):
        return compile_path(arg.text).get
    return _compile_call(arg)


def _template_bound(node: Any) -> tuple[int, int]:
    """(bytes of constant text, number of path references): the output of the template is
    at most constant + references × (size of the data). Intrinsics make it unknown."""
    if isinstance(node, payload.Const):
        return payload_size(node.value), 0
    if isinstance(node, payload.PathRef):
        return 0, 1
    if isinstance(node, payload.Obj):
        const, refs = 2, 0
        for key, child in node.members:
            c, r = _template_bound(child)
            const, refs = const + c + payload_size(key) + 2, refs + r
        return const, refs
    if isinstance(node, payload.Arr):
        const, refs = 2, 0
        for child in node.items:
            c, r = _template_bound(child)
            const, refs = const + c + 1, refs + r
        return const, refs
    if isinstance(node, payload.Intrinsic) and node.call.name in _SMALL_RESULTS:
        return _SMALL_RESULTS[node.call.name], 0
    return _UNKNOWN, 0


# Intrinsics whose result has a small fixed bound, whatever their arguments.
_SMALL_RESULTS = {"States.MathAdd": 32, "States.ArrayLength": 24, "States.ArrayContains": 5,
                  "States.Hash": 132, "States.UUID": 38, "States.MathRandom": 24}


def _checked(output: Any, bound: int) -> int:
    """The output's size bound, measured exactly when the cheap bound could pass the limit."""
    if bound <= MAX_PAYLOAD_BYTES:
        return bound
    size = payload_size(output)
    if size > MAX_PAYLOAD_BYTES:
        raise Fallback  # the general path reports States.DataLimitExceeded
    return size


def _resolver(data: Any) -> tuple[Callable[[Path], Any], Callable[[str], Any]]:
    def resolve(path: Path) -> Any:
        if path.root != "$":
            raise Fallback
        try:
            return path.get(data)
        except PathNotFound:
            raise Fallback from None

    def resolve_text(text: str) -> Any:
        return resolve(compile_path(text))

    return resolve, resolve_text


def _select(path: Any, doc: Any) -> Any:
    if path is ABSENT:
        return doc
    if path is None:
        return {}
    try:
        return path.get(doc)
    except PathNotFound:
        raise Fallback from None


def _fast_pass(state: PassState) -> FastState | None:
    if not (_data_only_path(state.input_path) and _data_only_path(state.output_path)
            and (state.result_path is ABSENT or state.result_path is None
                 or (isinstance(state.result_path, Path) and state.result_path.singular
                     and state.result_path.root == "$"))):
        return None
    template = state.parameters
    if template is not ABSENT and not _data_only_template(template):
        return None
    input_path, output_path, result_path = state.input_path, state.output_path, state.result_path
    fixed_result, next_name = state.result, (None if state.end else state.next)
    if fixed_result is not ABSENT and (input_path is not ABSENT or template is not ABSENT):
        return None  # InputPath and Parameters still run (and can fail) before a fixed Result
    fixed_size = payload_size(fixed_result) if fixed_result is not ABSENT else 0
    const, refs = _template_bound(template) if template is not ABSENT else (0, 1)
    path_cost = len(result_path.text) * 2 + 16 if isinstance(result_path, Path) else 0
    evaluate = _compile_template(template) if template is not ABSENT else None
    if (fixed_result is not ABSENT and output_path is ABSENT and isinstance(result_path, Path)
            and len(result_path.keys or ()) == 1 and isinstance((result_path.keys or (0,))[0], str)):
        return _fast_set_field(result_path, fixed_result, fixed_size + path_cost, next_name)

    def run(raw: Any, bound: int) -> tuple[Any, str | None, int]:
        result_bound = fixed_size if fixed_result is not ABSENT else const + refs * bound
        if fixed_result is not ABSENT:
            result = fixed_result
        else:
            result = _select(input_path, raw)
            if evaluate is not None:
                try:
                    result = evaluate(result)
                except Exception:  # noqa: BLE001 - any failure is decided by the general path
                    raise Fallback from None
        if result_path is ABSENT:
            output, out_bound = result, result_bound
        elif result_path is None:
            output, out_bound = raw, bound
        else:
            try:
                output = set_path(raw, result_path, result)
            except PathNotFound:
                raise Fallback from None
            out_bound = bound + result_bound + path_cost
        output = _select(output_path, output)
        return output, next_name, _checked(output, out_bound)

    return run


def _fast_set_field(result_path: Path, value: Any, growth: int, next_name: str | None) -> FastState:
    """The commonest working state: a fixed Result written to one top-level field (`$.n`),
    specialised so it costs one dict copy."""
    key = (result_path.keys or ("",))[0]

    def run(raw: Any, bound: int) -> tuple[Any, str | None, int]:
        if raw.__class__ is dict:
            output = raw.copy()  # copy on write: the input may be shared (variables, events)
            output[key] = value
        else:
            try:
                output = set_path(raw, result_path, value)
            except PathNotFound:
                raise Fallback from None
        out_bound = bound + growth
        return output, next_name, out_bound if out_bound <= MAX_PAYLOAD_BYTES else _checked(output, out_bound)

    return run


def _fast_choice(state: ChoiceState) -> FastState | None:
    if not (_data_only_path(state.input_path) and _data_only_path(state.output_path)):
        return None
    if any(rule.assign is not ABSENT or rule.output is not ABSENT for rule in state.choices):
        return None  # rules that assign variables take the general path
    rules = tuple((rule.condition, rule.next) for rule in state.choices)
    input_path, output_path, default = state.input_path, state.output_path, state.default

    def run(raw: Any, bound: int) -> tuple[Any, str | None, int]:
        data = _select(input_path, raw)
        _, resolve_text = _resolver(data)
        for condition, target in rules:
            try:
                matched = choice.evaluate(condition, resolve_text)
            except Exception:  # noqa: BLE001 - errors are produced by the general path
                raise Fallback from None
            if matched:
                return _select(output_path, data), target, bound
        if default is None:
            raise Fallback  # States.NoChoiceMatched comes from the general path
        return _select(output_path, data), default, bound

    return run
