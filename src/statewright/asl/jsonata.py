"""JSONata for Step Functions: `{% ... %}` expressions, AWS's extra functions and AWS's error texts.

A thin adapter over `jsonatapy`. What it adds to the library:

- AWS's six functions (`$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`) and no `$eval`;
- JSONata's *undefined* kept apart from JSON `null` (the library maps both to `None`);
- a function as a result detected, so it can be refused as AWS refuses it;
- `States.QueryEvaluationError` with the causes AWS writes, minus the state prefix the engine adds.

Pure, as `asl/` must be: randomness comes only from the `random.Random` the caller passes in.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import threading
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Final

import jsonatapy

from statewright.asl.errors import DATA_LIMIT_EXCEEDED, QUERY_EVALUATION_ERROR, StatesError

__all__ = [
    "UNDEFINED",
    "Expression",
    "JsonataSyntaxError",
    "compile_expression",
    "evaluate_template",
    "expect_type",
    "is_expression",
    "json_text",
    "json_type_name",
    "undefined_error",
    "unsupported_type_error",
]


class _Undefined:
    """JSONata's *undefined*: no value at all, as opposed to JSON `null`."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        # Pickling and copying keep the singleton, so `is UNDEFINED` stays true.
        return "UNDEFINED"


UNDEFINED: Final = _Undefined()


class JsonataSyntaxError(ValueError):
    """A `{% %}` expression that does not parse; the message is the parser's."""


_OPEN: Final = "{%"
_CLOSE: Final = "%}"

# Guardrails: an evaluation runs on the engine's loop, so it must end soon whatever it computes.
# Running this long means an infinite loop or runaway work; it fails with the library's D1012.
_TIMEOUT_MS: Final = 1000
# No sequence (a range, a map, a filter) longer than this is built: `[1..10000000]` would take
# seconds and hundreds of MB before any payload limit could look at it. It fails with D2015.
MAX_SEQUENCE_LENGTH: Final = 1_000_000
# A result whose JSON text is longer than a payload may be is refused before it is turned into
# Python values (which costs far more than computing it): the 256 KiB quota, applied first.
_RESULT_CHARS: Final = 256 * 1024

# The library turns the expression's result into Python values, where undefined and null are both None.
# Evaluating a wrapper instead tells them apart (an absent "v" key is undefined) and names the type,
# which also catches a function result, which the library would hand back as None. A result too
# large for any payload comes back as type "oversized", without its value.
# (An array of n values has at least 2n + 1 characters: counting first skips writing a huge one out.)
_WRAPPER: Final = ("($__sw_r := ({body}\n); $__sw_t := $type($__sw_r); "
                   f"($__sw_t = 'array' and $count($__sw_r) > {_RESULT_CHARS // 2}) or "
                   f"($__sw_t in ['array', 'object', 'string'] and $length($string($__sw_r)) > {_RESULT_CHARS})"
                   " ? {{'t': 'oversized'}} : {{'t': $__sw_t, 'v': $__sw_r}})")

# AWS's functions are JSONata lambdas over host functions. Host functions cannot return undefined,
# so they return {"v": value} or {} and the lambda reads `.v`; `$exists` tells an absent argument
# from a null one, which the host cannot see either.
_AWS_FUNCTIONS: Final[dict[str, str]] = {
    "partition": "function($a, $n){ $__sw_partition($a, $n).v }",
    "range": "function($s, $e, $st){ $__sw_range($s, $e, $exists($st), $st).v }",
    "hash": "function($d, $alg){ $__sw_hash($d, $exists($alg), $alg).v }",
    "random": "function($seed){ $__sw_random($exists($seed), $seed).v }",
    "uuid": "function(){ $__sw_uuid() }",
    "parse": "function($s){ $__sw_parse($s).v }",
    # AWS leaves $eval out; binding it to nothing gives the library's own T1006, as on AWS.
    "eval": "$__sw_nothing",
}
_FUNCTION_CALL = re.compile(r"\$(partition|range|hash|random|uuid|parse|eval)\b")
_RNG_FUNCTIONS: Final = frozenset({"random", "uuid"})

# The library names the callee after T1006; AWS's text stops before it.
_T1006_SUFFIX = re.compile(r"^(T1006: Attempted to invoke a non-function): .*$", re.DOTALL)
_HOST_PREFIX = re.compile(r"^host function raised \w+: ")

# Host functions need the caller's random source; one compiled expression serves every caller.
_CURRENT_RNG: ContextVar[random.Random] = ContextVar("statewright_jsonata_rng")

_HASH_ALGORITHMS: Final[dict[str, str]] = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
# AWS bounds $range's output before building it.
_RANGE_LIMIT: Final = 360_145
_LONG_MIN: Final = -(2**63)
_LONG_MAX: Final = 2**63 - 1


def is_expression(value: object) -> bool:
    """Whether a definition value is a JSONata expression: a string exactly wrapped in `{% %}`."""
    return isinstance(value, str) and len(value) >= 4 and value.startswith(_OPEN) and value.endswith(_CLOSE)


class Expression:
    """One checked `{% %}` expression, with AWS's functions bound; safe to share between executions
    and threads. jsonatapy's compiled objects are not: one used, or even dropped, on another thread
    than the one that compiled it panics. So an Expression holds none: each thread evaluates its
    own compilation, kept in that thread's cache (see compile_expression)."""

    __slots__ = ("source", "_text", "_uses_rng", "_names", "_states_parts")

    def __init__(self, source: str, text: str, uses_rng: bool) -> None:
        self.source = source
        self._text = text
        self._uses_rng = uses_rng
        self._names, self._states_parts = _variables_used(text)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def evaluate(self, bindings: dict[str, Any], rng: random.Random, field: str = "") -> Any:
        """The expression's JSON value, or UNDEFINED; `field` names it in error causes.

        `bindings` maps variable names without `$` (`states`, and the workflow's variables) to JSON.
        Raises StatesError(States.QueryEvaluationError) when evaluation fails or yields a function.
        """
        bindings = self._narrow(bindings)
        if self._uses_rng:
            token = _CURRENT_RNG.set(rng)
            try:
                wrapped = self._run(bindings, field)
            finally:
                _CURRENT_RNG.reset(token)
        else:
            wrapped = self._run(bindings, field)
        return self._unwrap(wrapped, field)

    def _narrow(self, bindings: dict[str, Any]) -> dict[str, Any]:
        """Only the variables the expression names: every binding is converted into the
        library's values on every call, so binding a large `$states.input` to an ItemSelector
        that reads only `$states.context` would cost that conversion once per Map item."""
        narrowed = {name: value for name, value in bindings.items() if name in self._names}
        states = narrowed.get("states")
        if self._states_parts is not None and isinstance(states, dict):
            narrowed["states"] = {key: value for key, value in states.items() if key in self._states_parts}
        return narrowed

    def _run(self, bindings: dict[str, Any], field: str) -> Any:
        compiled = _compiled_here(self._text)
        try:
            try:
                return compiled.evaluate(None, bindings)
            except OverflowError:
                # The library holds numbers as doubles and refuses Python ints past 64 bits.
                return compiled.evaluate(None, _ints_to_floats(bindings))
        except ValueError as exc:
            raise query_error(self._threw(str(exc), field), field) from None

    def _unwrap(self, wrapped: Any, field: str) -> Any:
        if "v" not in wrapped:
            if wrapped.get("t") == "oversized":
                raise StatesError(DATA_LIMIT_EXCEEDED, f"The JSONata expression '{self.source}' specified for the "
                                  f"field '{field}' returned a result with a size exceeding the maximum number "
                                  "of bytes service limit.")
            return UNDEFINED
        if wrapped["t"] == "function":
            raise unsupported_type_error(self.source, field)
        value = wrapped["v"]
        if type(value) is float and not math.isfinite(value):
            return _nonfinite_name(value)
        return value

    def _threw(self, message: str, field: str) -> str:
        message = _HOST_PREFIX.sub("", message)
        message = _T1006_SUFFIX.sub(r"\1", message)
        return (
            f"The JSONata expression '{self.source}' specified for the field '{field}' "
            f"threw an error during evaluation. {message}"
        )


def compile_expression(text: str) -> Expression:
    """Compile `{% ... %}` text (wrapper included) once; later calls with the same text reuse it.

    Raises JsonataSyntaxError when the text is not an expression or does not parse.
    """
    if not is_expression(text):
        raise JsonataSyntaxError(f"A JSONata expression must be a string wrapped in {{% %}}: {text!r}")
    return _compiled_entry(text)[0]


_Entry = tuple[Expression, jsonatapy.JsonataExpression]


def _compiled_entry(text: str) -> _Entry:
    # jsonatapy's compiled expressions may only be used on the thread that made them, so each
    # thread keeps its own cache: callers on any thread (the engine's loop, the API's workers
    # running validation and TestState) never need to know. A thread's cache is dropped on
    # that thread when it ends.
    cache: dict[str, _Entry] | None = getattr(_THREAD, "cache", None)
    if cache is None:
        cache = _THREAD.cache = {}
    found = cache.get(text)
    if found is None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        found = cache[text] = _compile(text)
    return found


def _compiled_here(text: str) -> jsonatapy.JsonataExpression:
    return _compiled_entry(text)[1]


_THREAD = threading.local()
_CACHE_SIZE: Final = 4096


def _compile(text: str) -> _Entry:
    body = text[len(_OPEN) : -len(_CLOSE)]
    source = body.strip()
    if not source:
        raise JsonataSyntaxError("The JSONata expression is empty")
    try:
        # Parse the user's text alone first, so a syntax error points into what they wrote.
        jsonatapy.compile(body)
    except ValueError as exc:
        raise JsonataSyntaxError(str(exc)) from None
    used = set(_FUNCTION_CALL.findall(body))
    compiled = jsonatapy.compile(_wrap(body, used), timeout=_TIMEOUT_MS, max_sequence_length=MAX_SEQUENCE_LENGTH)
    for name, host in _HOST_FUNCTIONS.items():
        if name.removeprefix("__sw_") in used:
            compiled.register(name, host)
    return Expression(source, text, uses_rng=bool(used & _RNG_FUNCTIONS)), compiled


# `$name` anywhere in an expression; and `$states` with the field read from it (`$states.input`).
_VARIABLE = re.compile(r"\$(\w+)")
_STATES_FIELD = re.compile(r"\$states\b(?:\s*\.\s*(\w+))?")


def _variables_used(text: str) -> tuple[frozenset[str], frozenset[str] | None]:
    """(the variable names `text` mentions, the `$states` fields it reads, or None when it uses
    `$states` as a whole). Variables can only be reached by name (`$eval` is not offered), so
    any other binding cannot affect the result. Mentions inside string literals only add names."""
    names = frozenset(_VARIABLE.findall(text))
    parts: set[str] = set()
    for found in _STATES_FIELD.finditer(text):
        if found.group(1) is None:
            return names, None
        parts.add(found.group(1))
    return names, frozenset(parts)


def _wrap(body: str, used: set[str]) -> str:
    """The evaluated text: the user's expression inside the result-typing wrapper, after AWS's functions."""
    # A newline ends a trailing `//`-style comment inside the user's text before our closing paren.
    prelude = "".join(f"${name} := {_AWS_FUNCTIONS[name]};\n" for name in sorted(used))
    inner = _WRAPPER.format(body=body)
    return f"({prelude}{inner})" if prelude else inner


def evaluate_template(value: Any, bindings: dict[str, Any], rng: random.Random, field: str) -> Any:
    """A definition value with every `{% %}` string inside it replaced by its JSON value.

    Objects and arrays are walked at any depth; keys are never evaluated. An expression nested inside
    one that yields undefined fails, as on AWS (`... specified for the field 'Output/a' returned
    nothing (undefined).`). A top-level expression's UNDEFINED is returned for the caller to judge.
    """
    if isinstance(value, str):
        if is_expression(value):
            return compile_expression(value).evaluate(bindings, rng, field)
        return value
    if isinstance(value, dict):
        return {key: _evaluate_member(item, bindings, rng, f"{field}/{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_evaluate_member(item, bindings, rng, f"{field}[{i}]") for i, item in enumerate(value)]
    return value


def _evaluate_member(value: Any, bindings: dict[str, Any], rng: random.Random, field: str) -> Any:
    result = evaluate_template(value, bindings, rng, field)
    if result is UNDEFINED:
        raise undefined_error(compile_expression(value).source, field)
    return result


# --- typed fields and error causes -------------------------------------------------------------------


def json_type_name(value: Any) -> str:
    """The JSON type of a value as AWS names it in causes: null, boolean, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def json_text(value: Any) -> str:
    """A value as AWS prints it inside a cause: compact JSON, non-ASCII left as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def expect_type(value: Any, expected: str, expr_source: str, field: str) -> Any:
    """`value` itself when it has the JSON type `expected` (or "integer"); else the AWS error.

    UNDEFINED is refused as "returned nothing". Raises StatesError(States.QueryEvaluationError).
    """
    if value is UNDEFINED:
        raise undefined_error(expr_source, field)
    if _has_type(value, expected):
        return value
    raise query_error(
        f"The JSONata expression '{expr_source}' specified for the field '{field}' returned an unexpected "
        f"result type. Expected '{expected}', but was '{json_type_name(value)}' for value: {json_text(value)}",
        field,
    )


def _has_type(value: Any, expected: str) -> bool:
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return json_type_name(value) == expected


def query_error(cause: str, field: str) -> StatesError:
    """A States.QueryEvaluationError for `field`; its location goes into the EvaluationFailed event
    (`Output/result`, `Arguments/a[0]`: the field named from the state down)."""
    return StatesError(QUERY_EVALUATION_ERROR, cause, location=field or None)


def undefined_error(expr_source: str, field: str) -> StatesError:
    """The error for an expression that yields nothing where a value is needed."""
    return query_error(
        f"The JSONata expression '{expr_source}' specified for the field '{field}' returned nothing (undefined).",
        field,
    )


def unsupported_type_error(expr_source: str, field: str) -> StatesError:
    """The error for an expression whose result JSON cannot hold, such as a function."""
    return query_error(
        f"The JSONata expression '{expr_source}' specified for the field '{field}' returned an unsupported "
        "result type.",
        field,
    )


# --- AWS's functions ---------------------------------------------------------------------------------


def _defined(value: Any) -> dict[str, Any]:
    return {"v": value}


_NOTHING: Final[dict[str, Any]] = {}


def _whole(value: Any, function: str, position: int) -> int:
    """A numeric argument truncated toward zero, as AWS does."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(
            f'T0410: Argument {position} of function "{function}" does not match function signature'
        )
    return int(value)


def _partition(array: Any, size: Any) -> dict[str, Any]:
    if not isinstance(array, list):
        raise ValueError('T0410: Argument 1 of function "partition" does not match function signature')
    chunk = _whole(size, "partition", 2)
    if chunk <= 0 or not array:
        return _NOTHING
    return _defined([array[i : i + chunk] for i in range(0, len(array), chunk)])


def _range(start: Any, end: Any, has_step: bool, step: Any) -> dict[str, Any]:
    first, last = _whole(start, "range", 1), _whole(end, "range", 2)
    if not has_step:
        return _NOTHING
    stride = _whole(step, "range", 3)
    if stride == 0 or (last - first) * stride < 0:
        return _NOTHING
    count = (last - first) // stride + 1
    if count > _RANGE_LIMIT:
        raise ValueError("Expression evaluation memory limit exceeded")
    values = list(range(first, last + (1 if stride > 0 else -1), stride))
    # JSONata collapses a one-item sequence to the item; AWS's $range does so too.
    return _defined(values[0] if len(values) == 1 else values)


def _hash(data: Any, has_algorithm: bool, algorithm: Any) -> dict[str, Any]:
    if not isinstance(data, str):
        raise ValueError('T0410: Argument 1 of function "hash" does not match function signature')
    if not has_algorithm:
        return _NOTHING
    name = _HASH_ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if name is None:
        supported = ", ".join(_HASH_ALGORITHMS)
        raise ValueError(
            f"The hash algorithm {json_text(algorithm)} is not supported; use one of {supported}"
        )
    return _defined(hashlib.new(name, data.encode("utf-8", "replace")).hexdigest())


def _random(has_seed: bool, seed: Any) -> dict[str, Any]:
    if not has_seed:
        return _defined(_CURRENT_RNG.get().random())
    return _defined(_java_next_double(_whole(seed, "random", 1)))


def _java_next_double(seed: int) -> float:
    """`new java.util.Random(seed).nextDouble()`: a seed gives the same number on every run."""
    mask = (1 << 48) - 1
    state = (seed ^ 0x5DEECE66D) & mask

    def next_bits(bits: int) -> int:
        nonlocal state
        state = (state * 0x5DEECE66D + 0xB) & mask
        return state >> (48 - bits)

    high = next_bits(26)
    return ((high << 27) + next_bits(27)) * (1.0 / (1 << 53))


def _uuid() -> str:
    return str(uuid.UUID(int=_CURRENT_RNG.get().getrandbits(128), version=4))


def _parse(text: Any) -> dict[str, Any]:
    if not isinstance(text, str):
        raise ValueError('T0410: Argument 1 of function "parse" does not match function signature')
    try:
        return _defined(json.loads(text))
    except ValueError:
        raise ValueError(f"The string {json_text(text)} is not valid JSON") from None


_HOST_FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {
    "__sw_partition": _partition,
    "__sw_range": _range,
    "__sw_hash": _hash,
    "__sw_random": _random,
    "__sw_uuid": _uuid,
    "__sw_parse": _parse,
}


# --- numbers -----------------------------------------------------------------------------------------


def _nonfinite_name(value: float) -> str:
    """JSON has no literal for these; AWS writes the name JavaScript gives them."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _ints_to_floats(value: Any) -> Any:
    """A copy with integers beyond a signed 64-bit range as doubles, which is how AWS holds them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value) if not _LONG_MIN <= value <= _LONG_MAX else value
    if isinstance(value, dict):
        return {key: _ints_to_floats(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_ints_to_floats(item) for item in value]
    return value
