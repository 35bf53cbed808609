"""The 18 intrinsic functions, and the evaluator that walks a parsed call.

Semantics follow what real AWS does rather than a literal reading of the docs, where the two
differ: States.Hash accepts non-string data, and States.Base64Decode is a lenient decoder. Every
number that enters an integer-valued argument (MathAdd, MathRandom, ArrayRange, ArrayPartition,
ArrayGetItem) goes through one rule, `numbers.java_round`: the docs say "rounds it off to the nearest
integer", and AWS, running on Java, rounds halves away from zero (BigDecimal HALF_UP; docs/conformance.md).
Bad arguments fail the state with AWS's cause "Invalid arguments in States.X".
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import math
import random
import uuid
from collections.abc import Callable
from typing import Any

from ..errors import RUNTIME, StatesError
from ..numbers import INT_MAX, INT_MIN, is_number, java_round
from .parser import Call, Literal, PathRef

# AWS reports bad intrinsic arguments as States.Runtime (recorded: "Invalid arguments in
# States.MathAdd" came back as States.Runtime), which a Catch on States.ALL does not handle.
FAILURE_ERROR = RUNTIME

STRING_LIMIT = 10_000  # characters, for Base64Encode, Base64Decode and Hash
RANGE_LIMIT = 1_000  # items in the array States.ArrayRange builds

HASHES: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}

Resolve = Callable[[str], Any]


def invalid(name: str) -> StatesError:
    return StatesError(FAILURE_ERROR, f"Invalid arguments in {name}")


def evaluate(call: Call, resolve: Resolve, rng: random.Random) -> Any:
    """The value of `call`; nested calls first, left to right. Raises StatesError."""
    args = [_argument(arg, resolve, rng) for arg in call.args]
    if call.name == "States.Format":
        first = call.args[0] if call.args else None
        raw = first.raw if isinstance(first, Literal) else None
        return format_(args, raw)
    if call.name in ("States.UUID", "States.MathRandom"):
        return _RANDOM[call.name](args, rng)
    return _PURE[call.name](args)


def _argument(arg: Literal | PathRef | Call, resolve: Resolve, rng: random.Random) -> Any:
    if isinstance(arg, Literal):
        return arg.value
    if isinstance(arg, PathRef):
        return resolve(arg.text)
    return evaluate(arg, resolve, rng)


# --- argument checks -------------------------------------------------------------------------


def _count(name: str, args: list[Any], low: int, high: int | None = None) -> None:
    top = low if high is None else high
    if not low <= len(args) <= top:
        raise invalid(name)


def _integer(name: str, value: Any) -> int:
    """A numeric argument as AWS uses it: a whole number as is, a fraction by `java_round`."""
    if not is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        raise invalid(name)
    return value if isinstance(value, int) else java_round(value)


def _java_int(name: str, value: Any) -> int:
    number = _integer(name, value)
    if not INT_MIN <= number <= INT_MAX:
        raise invalid(name)
    return number


def _string(name: str, value: Any, limit: int | None = None) -> str:
    if not isinstance(value, str) or (limit is not None and len(value) > limit):
        raise invalid(name)
    return value


def _array(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise invalid(name)
    return value


def _key(value: Any) -> tuple[str, Any]:
    """Equality key for JSON values: 1, 1.0 and true stay distinct, as in AWS's JSON nodes."""
    if isinstance(value, dict | list):
        return "json", json.dumps(value, sort_keys=True, separators=(",", ":"))
    return type(value).__name__, value  # scalars: cheap, and the type keeps 1 and 1.0 apart


# --- text rendering --------------------------------------------------------------------------


def to_text(value: Any) -> str:
    """A value as States.Format prints it: strings bare, objects as `{a=1, b=[x, y]}` (AWS runs
    on Java and prints maps and lists with their toString)."""
    if isinstance(value, str):
        return value
    if type(value) is int:  # what json.dumps writes for an int, without its call
        return int.__repr__(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={to_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_text(v) for v in value) + "]"
    return json.dumps(value)


def format_(args: list[Any], raw_template: str | None) -> str:
    """States.Format. `raw_template` is the quoted source when the template is a literal, so
    `\\{` and `\\}` there are literal braces; a template from a path has no escapes."""
    name = "States.Format"
    if not args:
        raise invalid(name)
    template = _string(name, args[0])
    source, escapes = (raw_template[1:-1], True) if raw_template is not None else (template, False)
    plan = _format_plan(source, escapes)
    if plan is None or len(plan) - 1 != len(args) - 1:
        raise invalid(name)  # a stray brace, or not one value per placeholder
    pieces = [plan[0]]
    for value, text in zip(args[1:], plan[1:], strict=True):
        pieces.append(to_text(value))
        pieces.append(text)
    return "".join(pieces)


@functools.lru_cache(maxsize=1024)
def _format_plan(source: str, escapes: bool) -> tuple[str, ...] | None:
    """A Format template split at its `{}` placeholders: the literal text before, between and
    after them (n placeholders give n + 1 pieces), or None when a brace stands alone. Cached:
    a definition's templates are few and run many times."""
    pieces: list[str] = []
    current: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if escapes and ch == "\\" and i + 1 < n:
            current.append(source[i + 1])
            i += 2
            continue
        if ch == "{" and i + 1 < n and source[i + 1] == "}":
            pieces.append("".join(current))
            current = []
            i += 2
            continue
        if ch in "{}":
            return None
        current.append(ch)
        i += 1
    pieces.append("".join(current))
    return tuple(pieces)


_MISSING = object()


# --- JSON ------------------------------------------------------------------------------------


def _reject_constant(text: str) -> Any:
    raise ValueError(f"not JSON: {text}")


# JSON's own whitespace; the JSON reader AWS uses skips these and nothing else.
_JSON_WHITESPACE = " \t\n\r"


def string_to_json(args: list[Any]) -> Any:
    """States.StringToJson. AWS reads the text with a Java JSON reader, which gives no value for
    null, the empty string or whitespace alone: those come out as null rather than failing."""
    name = "States.StringToJson"
    _count(name, args, 1)
    if args[0] is None:
        return None
    text = _string(name, args[0])
    if not text.strip(_JSON_WHITESPACE):
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        raise invalid(name) from None


def json_to_string(args: list[Any]) -> str:
    _count("States.JsonToString", args, 1)
    return json.dumps(args[0], separators=(",", ":"), ensure_ascii=False)


def json_merge(args: list[Any]) -> dict[str, Any]:
    name = "States.JsonMerge"
    _count(name, args, 3)
    left, right, deep = args
    # Only the shallow mode exists on AWS: the deep-merge flag must be the boolean false.
    if not isinstance(left, dict) or not isinstance(right, dict) or deep is not False:
        raise invalid(name)
    return {**left, **right}


# --- arrays ----------------------------------------------------------------------------------


def array(args: list[Any]) -> list[Any]:
    return list(args)


def array_partition(args: list[Any]) -> list[list[Any]]:
    name = "States.ArrayPartition"
    _count(name, args, 2)
    items = _array(name, args[0])
    size = _integer(name, args[1])
    if size <= 0:
        raise invalid(name)
    return [items[i : i + size] for i in range(0, len(items), size)]


def array_contains(args: list[Any]) -> bool:
    name = "States.ArrayContains"
    _count(name, args, 2)
    items, wanted = _array(name, args[0]), args[1]
    if not isinstance(wanted, dict | list):  # a scalar: same type and equal, as _key compares
        kind = type(wanted)
        return any(type(item) is kind and item == wanted for item in items)
    key = _key(wanted)
    return any(_key(item) == key for item in items)


def array_range(args: list[Any]) -> list[int]:
    name = "States.ArrayRange"
    _count(name, args, 3)
    start, end, step = (_integer(name, arg) for arg in args)
    if step == 0:
        raise invalid(name)
    count = max(0, (end - start) // step + 1)
    if count > RANGE_LIMIT:
        raise invalid(name)
    return [start + k * step for k in range(count)]


def array_get_item(args: list[Any]) -> Any:
    name = "States.ArrayGetItem"
    _count(name, args, 2)
    items = _array(name, args[0])
    index = _integer(name, args[1])
    if 0 <= index < len(items):
        return items[index]
    # Recorded on AWS: any index into an empty array gives null, not a failure.
    if not items and index >= 0:
        return None
    raise invalid(name)


def array_length(args: list[Any]) -> int:
    name = "States.ArrayLength"
    _count(name, args, 1)
    return len(_array(name, args[0]))


def array_unique(args: list[Any]) -> list[Any]:
    name = "States.ArrayUnique"
    _count(name, args, 1)
    seen: set[tuple[str, Any]] = set()
    unique: list[Any] = []
    for item in _array(name, args[0]):
        key = _key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


# --- encoding and hashing --------------------------------------------------------------------


def base64_encode(args: list[Any]) -> str:
    name = "States.Base64Encode"
    _count(name, args, 1)
    data = _string(name, args[0], STRING_LIMIT)
    return base64.b64encode(data.encode("utf-8", "replace")).decode("ascii")


_B64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")


def base64_decode(args: list[Any]) -> str:
    """Lenient like AWS: characters outside the alphabet are skipped, decoding stops at the first
    `=`, and missing padding is tolerated (AWS decodes 'abc' and ' YWJjZA== ')."""
    name = "States.Base64Decode"
    _count(name, args, 1)
    text = _string(name, args[0], STRING_LIMIT)
    body = text.split("=", 1)[0]
    kept = "".join(ch for ch in body if ch in _B64_ALPHABET).replace("-", "+").replace("_", "/")
    if len(kept) % 4 == 1:  # a lone trailing character carries no whole byte
        kept = kept[:-1]
    try:
        data = base64.b64decode(kept + "=" * (-len(kept) % 4))
    except binascii.Error:
        raise invalid(name) from None
    return data.decode("utf-8", errors="replace")


def hash_(args: list[Any]) -> str:
    name = "States.Hash"
    _count(name, args, 2)
    # AWS hashes numbers and objects too, by their text; only the length is limited.
    data = to_text(args[0])
    algorithm = args[1]
    if len(data) > STRING_LIMIT or not isinstance(algorithm, str) or algorithm not in HASHES:
        raise invalid(name)
    return str(HASHES[algorithm](data.encode("utf-8", "replace")).hexdigest())


# --- math, strings, identifiers --------------------------------------------------------------


def math_add(args: list[Any]) -> int:
    name = "States.MathAdd"
    _count(name, args, 2)
    return _java_int(name, args[0]) + _java_int(name, args[1])


def math_random(args: list[Any], rng: random.Random) -> int:
    name = "States.MathRandom"
    _count(name, args, 2, 3)
    start, end = _java_int(name, args[0]), _java_int(name, args[1])
    if start >= end:
        raise invalid(name)
    if len(args) == 3:
        # A seed makes the value repeatable, as on AWS; it must not consume the engine's rng.
        return random.Random(_integer(name, args[2])).randrange(start, end)
    return rng.randrange(start, end)


def string_split(args: list[Any]) -> list[str]:
    """Every character of the delimiter splits, and empty pieces are dropped (Java's
    StringTokenizer, which AWS uses: 'a.b+c' split by '.+' is [a, b, c])."""
    name = "States.StringSplit"
    _count(name, args, 2)
    text, delimiters = _string(name, args[0]), _string(name, args[1])
    pieces: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in delimiters:
            if current:
                pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    if current:
        pieces.append("".join(current))
    return pieces


def uuid_(args: list[Any], rng: random.Random) -> str:
    _count("States.UUID", args, 0)
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


_PURE: dict[str, Callable[[list[Any]], Any]] = {
    "States.StringToJson": string_to_json,
    "States.JsonToString": json_to_string,
    "States.JsonMerge": json_merge,
    "States.Array": array,
    "States.ArrayPartition": array_partition,
    "States.ArrayContains": array_contains,
    "States.ArrayRange": array_range,
    "States.ArrayGetItem": array_get_item,
    "States.ArrayLength": array_length,
    "States.ArrayUnique": array_unique,
    "States.Base64Encode": base64_encode,
    "States.Base64Decode": base64_decode,
    "States.Hash": hash_,
    "States.MathAdd": math_add,
    "States.StringSplit": string_split,
}

_RANDOM: dict[str, Callable[[list[Any], random.Random], Any]] = {
    "States.MathRandom": math_random,
    "States.UUID": uuid_,
}


def pure_function(name: str) -> Callable[[list[Any]], Any] | None:
    """The implementation of a function that draws no randomness, taking its evaluated
    arguments (None for States.Format, States.UUID and States.MathRandom, which need more)."""
    return _PURE.get(name)
