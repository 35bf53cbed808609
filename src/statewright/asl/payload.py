"""Payload templates of JSONPath states: `Parameters`, `ResultSelector`, `ItemSelector`, `Assign`.

A template is JSON in which keys ending in `.$` take their value from a path (`$.a`, `$$.x`,
`$var`) or an intrinsic function call. It is compiled once into a tree of nodes; templates with
no dynamic keys compile to a constant and cost nothing to evaluate.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import intrinsics
from .errors import RUNTIME, StatesError
from .paths import Path, PathNotFound, compile_path


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class PathRef:
    field: str  # the key as written, e.g. "total.$"
    path: Path


@dataclass(frozen=True)
class Intrinsic:
    field: str
    call: Any  # an intrinsics.Call


@dataclass(frozen=True)
class Obj:
    members: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Arr:
    items: tuple[Any, ...]


Node = Const | PathRef | Intrinsic | Obj | Arr


def compile_template(value: Any) -> Node:
    """Compile a template. Raises ValueError naming the field for a bad path or call."""
    node = _compile(value)
    return node


def _compile(value: Any) -> Node:
    if isinstance(value, dict):
        members: list[tuple[str, Any]] = []
        dynamic = False
        for key, item in value.items():
            if isinstance(key, str) and key.endswith(".$"):
                members.append((key[:-2], _compile_dynamic(key, item)))
                dynamic = True
            else:
                child = _compile(item)
                dynamic = dynamic or not isinstance(child, Const)
                members.append((key, child))
        if not dynamic:
            return Const(value)
        return Obj(tuple(members))
    if isinstance(value, list):
        items = tuple(_compile(item) for item in value)
        if all(isinstance(item, Const) for item in items):
            return Const(value)
        return Arr(items)
    return Const(value)


def _compile_dynamic(key: str, text: Any) -> Node:
    if not isinstance(text, str):
        raise ValueError(f"The value of the field '{key}' must be a path or an intrinsic function")
    if text.startswith("States."):
        try:
            return Intrinsic(key, intrinsics.parse(text))
        except ValueError as exc:
            raise ValueError(f"The field '{key}' has an invalid intrinsic function: {exc}") from exc
    try:
        return PathRef(key, compile_path(text))
    except ValueError as exc:
        raise ValueError(f"The value for the field '{key}' must be a valid JSONPath: {text}") from exc


Resolver = Callable[[Path], Any]


def evaluate(node: Node, resolve: Resolver, resolve_text: Callable[[str], Any],
             rng: random.Random) -> Any:
    """Evaluate a compiled template. `resolve` maps a Path to its value or raises PathNotFound."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Obj):
        return {key: evaluate(child, resolve, resolve_text, rng) for key, child in node.members}
    if isinstance(node, Arr):
        return [evaluate(child, resolve, resolve_text, rng) for child in node.items]
    if isinstance(node, PathRef):
        try:
            return resolve(node.path)
        except PathNotFound as exc:
            raise StatesError(RUNTIME, _missing_cause(node, exc, resolve)) from None
    try:
        return intrinsics.evaluate(node.call, resolve_text, rng)
    except PathNotFound as exc:
        raise StatesError(RUNTIME, missing_intrinsic_path_cause(exc.path, node.field)) from None


def _missing_cause(node: PathRef, exc: PathNotFound, resolve: Resolver) -> str:
    return missing_path_cause(node.path, node.field, resolve)


def missing_path_cause(path: Path, field: str, resolve: Resolver) -> str:
    """AWS's cause for a JSONPath in `field` that names nothing, quoting what it was applied to."""
    try:
        scope_text = json.dumps(resolve(compile_path(path.root)), separators=(",", ":"), ensure_ascii=False)
    except (PathNotFound, TypeError, ValueError):
        scope_text = "null"
    return (f"The JSONPath '{path.text}' specified for the field '{field}' "
            f"could not be found in the input '{scope_text}'")


def missing_intrinsic_path_cause(missing: str, field: str) -> str:
    """The cause for a path inside an intrinsic function that names nothing."""
    return f"The JSONPath '{missing}' specified for the field '{field}' could not be found in the input"
