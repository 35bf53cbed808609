"""Fused fast paths for the commonest JSONPath states, used when no history is kept.

A Pass or Choice state that reads only its own input (no `$$`, no variables, no randomness, no
Assign) is compiled into one closure `input -> (output, next)`. Anything unusual at run time -
a missing path, a value of the wrong type - raises `Fallback`, and the step runs the state the
general way, which produces AWS's exact error. So the closures only ever take the happy path.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from . import choice, payload
from .intrinsics import Call
from .intrinsics import PathRef as IntrinsicPath
from .limits import MAX_PAYLOAD_BYTES, payload_size
from .model import ABSENT, ChoiceState, PassState, State
from .paths import Path, PathNotFound, compile_path, set_path

# (state input, an upper bound of its JSON size) -> (output, next state, bound of the output)
FastState = Callable[[Any, int], tuple[Any, str | None, int]]
_UNKNOWN = 1 << 62
_NO_RANDOM = random.Random(0)  # never drawn from: calls that need randomness are not compiled
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
    fixed_size = payload_size(fixed_result) if fixed_result is not ABSENT else 0
    const, refs = _template_bound(template) if template is not ABSENT else (0, 1)
    path_cost = len(result_path.text) * 2 + 16 if isinstance(result_path, Path) else 0

    def run(raw: Any, bound: int) -> tuple[Any, str | None, int]:
        result_bound = fixed_size if fixed_result is not ABSENT else const + refs * bound
        # InputPath and Parameters are applied even when a Result replaces what they give: a
        # path they cannot resolve fails the state on the general path, so it must fall back here.
        result = _select(input_path, raw)
        if template is not ABSENT:
            resolve, resolve_text = _resolver(result)
            try:
                result = payload.evaluate(template, resolve, resolve_text, _NO_RANDOM)
            except Exception:  # noqa: BLE001 - any failure is decided by the general path
                raise Fallback from None
        if fixed_result is not ABSENT:
            result = fixed_result
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
