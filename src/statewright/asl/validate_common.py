"""Building blocks of definition validation: the diagnostic collector and checks of single values.

`validate.py` walks the machine and `validate_states.py` the states; both report through a
`Collector`, so every problem is recorded and validation never stops at the first one. Messages
follow the shape of AWS's `InvalidDefinition` diagnostics (a sentence naming the field, plus a
JSON-pointer-like location with `[i]` for array items, as AWS writes them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from . import intrinsics
from .jsonata import JsonataSyntaxError, compile_expression, is_expression
from .paths import PathError, compile_path, is_reference_path
from .types import Diagnostic

SCHEMA: Final = "SCHEMA_VALIDATION_FAILED"
MISSING_TARGET: Final = "MISSING_TRANSITION_TARGET"
MISSING_END: Final = "MISSING_END_STATE"
INVALID_JSON: Final = "INVALID_JSON_DESCRIPTION"
MISSING_DESCRIPTION: Final = "MISSING_DESCRIPTION"
INVALID_RESOURCE: Final = "INVALID_RESOURCE"
DUPLICATE_NAME: Final = "DUPLICATE_STATE_NAME"
INVALID_NAME: Final = "INVALID_STATE_NAME"
INVALID_JSONATA: Final = "INVALID_JSONATA_EXPRESSION"

JSONPATH: Final = "JSONPath"
JSONATA: Final = "JSONata"

# AWS's limits on integer fields (retrier intervals, timeouts): 99999999 is the documented maximum.
MAX_INT: Final = 99_999_999

_ROOT = re.compile(r"\$(\$|[A-Za-z_][A-Za-z0-9_]*)?(?=$|[.\[])")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSONATA_CODE = re.compile(r"^[A-Z]\d{4}: ")
# Variables live in the same namespace as JSONata's `$states`; AWS reserves that name.
_RESERVED_VARIABLES: Final = frozenset({"states"})
MAX_VARIABLE_NAME: Final = 80


@dataclass
class Collector:
    """Gathers every diagnostic of one validation run."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, location: str) -> None:
        self.diagnostics.append(Diagnostic("ERROR", code, message, location))

    def schema(self, message: str, location: str) -> None:
        self.error(SCHEMA, message, location)


def child(location: str, key: str | int) -> str:
    """The location of `key` under `location`: `/a/b` for fields, `/a[0]` for array items."""
    if isinstance(key, int):
        return f"{location}[{key}]"
    return f"{location}/{key}"


# --- Field presence ------------------------------------------------------------------------------


def unknown_fields(c: Collector, raw: dict[str, Any], allowed: frozenset[str], location: str) -> None:
    for name in raw:
        if name not in allowed:
            c.schema(f"Field '{name}' is not supported", location)


def required_fields(c: Collector, raw: dict[str, Any], names: tuple[str, ...], location: str) -> bool:
    """Report the missing ones of `names`; True when all are present."""
    missing = [n for n in names if n not in raw]
    if missing:
        c.schema(f"These fields are required: [{', '.join(missing)}]", location)
    return not missing


def exclusive(c: Collector, raw: dict[str, Any], names: tuple[str, ...], location: str) -> int:
    """Report when more than one of `names` is present; returns how many are present."""
    present = [n for n in names if n in raw]
    if len(present) > 1:
        c.schema(f"Only one of these fields is allowed: [{', '.join(present)}]", location)
    return len(present)


# --- Value types ---------------------------------------------------------------------------------


def is_int(value: Any) -> bool:
    # JSON has one number type: 3.0 counts as an integer, a bool never does.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def expect_string(c: Collector, raw: dict[str, Any], name: str, location: str) -> bool:
    if name in raw and not isinstance(raw[name], str):
        c.schema(f"Field '{name}' must be a string", child(location, name))
        return False
    return name in raw


def expect_bool(c: Collector, raw: dict[str, Any], name: str, location: str) -> None:
    if name in raw and not isinstance(raw[name], bool):
        c.schema(f"Field '{name}' must be a boolean", child(location, name))


def expect_object(c: Collector, raw: dict[str, Any], name: str, location: str) -> bool:
    if name in raw and not isinstance(raw[name], dict):
        c.schema(f"Field '{name}' must be an object", child(location, name))
        return False
    return name in raw


def expect_int(c: Collector, raw: dict[str, Any], name: str, location: str, low: int,
               high: int = MAX_INT, *, jsonata: bool = False) -> bool:
    """An integer field within [low, high]; in JSONata states a `{% %}` string is also allowed."""
    if name not in raw:
        return False
    value = raw[name]
    where = child(location, name)
    if jsonata and isinstance(value, str):
        jsonata_value(c, value, where)
        return False
    if not is_int(value):
        c.schema(f"Field '{name}' must be an integer", where)
        return False
    if value < low:
        c.schema(f"Field '{name}' must be greater than or equal to {low}", where)
    elif value > high:
        c.schema(f"Field '{name}' must be less than or equal to {high}", where)
    return bool(low <= value <= high)


def expect_enum(c: Collector, raw: dict[str, Any], name: str, options: tuple[str, ...],
                location: str) -> None:
    if name in raw and raw[name] not in options:
        c.schema(f"Field '{name}' must be one of [{', '.join(options)}]", child(location, name))


# --- JSONPath ------------------------------------------------------------------------------------


def is_path(text: Any) -> bool:
    """Whether AWS would accept `text` as a JSONPath at creation time.

    AWS's Jayway flavour is looser than our evaluator's library (`$.a.[0]`, filters comparing to
    bare words), and real definitions rely on it, so a path our library rejects is still accepted
    when it starts at a root and its brackets, parentheses and quotes balance.
    """
    if not isinstance(text, str):
        return False
    try:
        compile_path(text)
    except PathError:
        return _ROOT.match(text) is not None and _balanced(text)
    return True


def _balanced(text: str) -> bool:
    closers = {"[": "]", "(": ")"}
    stack: list[str] = []
    quote = ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in closers:
            stack.append(closers[ch])
        elif ch in "])":
            if not stack or stack.pop() != ch:
                return False
    return not stack and not quote


def is_intrinsic_call(text: str) -> bool:
    if not intrinsics.is_intrinsic(text):
        return False
    try:
        intrinsics.parse(text)
    except (intrinsics.IntrinsicSyntaxError, ValueError):
        return False
    return True


def path_field(c: Collector, raw: dict[str, Any], name: str, location: str, *,
               reference: bool = False, nullable: bool = False, intrinsic: bool = False) -> None:
    """A JSONPath-valued field: a path (singular when `reference`), maybe null or an intrinsic call."""
    if name not in raw:
        return
    value = raw[name]
    if value is None and nullable:
        return
    valid = reference_path_ok(value) if reference else is_path(value)
    if not valid and intrinsic and isinstance(value, str):
        valid = is_intrinsic_call(value)
    if not valid:
        kind = "ReferencePath" if reference else "JSONPath"
        c.schema(f"The value for the field '{name}' must be a valid {kind}", child(location, name))


def reference_path_ok(value: Any) -> bool:
    return isinstance(value, str) and is_reference_path(value)


def template(c: Collector, value: Any, location: str) -> None:
    """A JSONPath payload template: every `key.$` holds a path or an intrinsic call."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            template(c, item, child(location, i))
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        where = child(location, key)
        if key.endswith(".$"):
            if not (isinstance(item, str) and (is_path(item) or is_intrinsic_call(item))):
                c.schema(f"The value for the field '{key}' must be a valid JSONPath or a valid "
                         "intrinsic function call", where)
        else:
            template(c, item, where)


# --- JSONata -------------------------------------------------------------------------------------


def jsonata_value(c: Collector, value: Any, location: str) -> None:
    """Every `{% %}` string inside `value` must parse."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            jsonata_value(c, item, child(location, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            jsonata_value(c, item, child(location, key))
    elif isinstance(value, str):
        _jsonata_string(c, value, location)


def _jsonata_string(c: Collector, text: str, location: str) -> None:
    # Only a string exactly wrapped in {% %} is an expression; " {% x %} " is a literal on AWS.
    if not is_expression(text):
        return
    try:
        compile_expression(text)
    except JsonataSyntaxError as exc:
        c.error(INVALID_JSONATA, _JSONATA_CODE.sub("", str(exc)), location)


def jsonata_or_type(c: Collector, raw: dict[str, Any], name: str, location: str, check: Any) -> None:
    """A field that takes a JSONata string or a value `check` accepts (AWS allows either)."""
    if name not in raw:
        return
    if isinstance(raw[name], str) and raw[name].startswith("{%"):
        jsonata_value(c, raw[name], child(location, name))
    else:
        check()


# --- Variables -----------------------------------------------------------------------------------


def assign(c: Collector, value: Any, location: str, language: str) -> None:
    """`Assign`: an object whose keys are variable names (in JSONPath, maybe with `.$`)."""
    if not isinstance(value, dict):
        c.schema("Field 'Assign' must be an object", location)
        return
    for key, item in value.items():
        where = child(location, key)
        name = key[:-2] if language == JSONPATH and key.endswith(".$") else key
        if not _VARIABLE_NAME.fullmatch(name) or len(name) > MAX_VARIABLE_NAME:
            c.schema(f"The variable name '{name}' is invalid: it must start with a letter or '_' "
                     f"and hold only letters, digits and '_', at most {MAX_VARIABLE_NAME} "
                     "characters", where)
        elif name in _RESERVED_VARIABLES:
            c.schema(f"The variable name '{name}' is reserved", where)
        if language == JSONATA:
            jsonata_value(c, item, where)
        else:
            template(c, {key: item}, location)
