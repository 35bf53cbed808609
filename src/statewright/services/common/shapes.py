"""Request input checked against the service's botocore model before an action runs, as AWS's
request layer (Coral) checks it: JSON types, required members, lengths, value ranges, enums and
patterns, in Coral's words.

A value of the wrong JSON type is a `SerializationException` (Coral fails while reading the body,
before validating it). Constraint failures are collected over the whole input and answered as one
`ValidationException`: "1 validation error detected: Value 'x' at 'name' failed to satisfy
constraint: Member must have length less than or equal to 80", or "2 validation errors detected:
…; …". Member paths are Coral's: `routingConfiguration.1.member.weight` (lists count from 1), and
values are printed as Coral prints them (`[a, b]`, `Shape(member=value, …)`, `null`).

Text the store could not hold (lone UTF-16 surrogates) is refused here too, for every string of
the input, so that no action stores half of a request.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, Shape

from .errors import AwsError

# A value quoted in a message is cut here, so that an error never echoes megabytes.
MAX_SHOWN = 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
# Java regular expression classes the models use, in Python's syntax.
_JAVA_CLASSES = {r"\p{ASCII}": r"\x00-\x7f"}
_TYPE_NAMES = {"string": "a string", "boolean": "a boolean", "integer": "an integer", "long": "an integer",
               "float": "a number", "double": "a number", "structure": "an object", "list": "a list",
               "map": "an object", "blob": "a string", "timestamp": "a timestamp"}


@dataclass
class Found:
    """What a walk over one input found: (path, shown value, constraint) triples."""

    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, path: str, value: Any, shape: Shape | None, constraint: str) -> None:
        self.errors.append((path, show(value, shape), constraint))


class ShapeChecker:
    """Checks operation input against one service's botocore model (loaded once, lazily)."""

    def __init__(self, service_name: str, loader: Loader | None = None) -> None:
        self._service_name = service_name
        self._loader = loader
        self._model: ServiceModel | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> ServiceModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    loader = self._loader or Loader()
                    self._model = ServiceModel(loader.load_service_model(self._service_name, "service-2"),
                                               self._service_name)
        return self._model

    def operation(self, name: str) -> OperationModel | None:
        return self.model.operation_model(name) if name in self.model.operation_names else None

    def check(self, operation: str, request: dict[str, Any]) -> None:
        """Raise the AwsError AWS answers for `request`, or nothing when it fits the model."""
        model = self.operation(operation)
        if model is None or model.input_shape is None:
            return
        found = Found()
        walk(model.input_shape, request, "", found)
        if found.errors:
            raise validation_errors(found.errors)


def validation_errors(errors: list[tuple[str, str, str]]) -> AwsError:
    """Coral's ValidationException for several (path, shown value, constraint) failures."""
    count = len(errors)
    head = f"{count} validation error{'s' if count > 1 else ''} detected: "
    parts = [f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"
             for path, shown, constraint in errors]
    return AwsError("ValidationException", head + "; ".join(parts))


def walk(shape: Shape, value: Any, path: str, found: Found) -> None:
    """Check `value` (not None) against `shape`, adding constraint failures to `found`."""
    kind = shape.type_name
    if not _has_type(kind, value):
        what = _TYPE_NAMES.get(kind, kind)
        raise AwsError("SerializationException", f"Expected {what} for '{path or 'the request body'}'")
    if kind == "structure":
        _structure(shape, value, path, found)
    elif kind == "list":
        _length(shape, value, len(value), path, found)
        for index, item in enumerate(value):
            where = f"{path}.{index + 1}.member"
            if item is None:  # a list holds no nulls (actions may rely on it)
                found.add(where, None, shape.member, "Member must not be null")
            else:
                walk(shape.member, item, where, found)
    elif kind == "map":
        _length(shape, value, len(value), path, found)
        for key, item in value.items():
            walk(shape.key, key, f"{path}.key", found)
            if item is None:
                found.add(f"{path}.{key}", None, shape.value, "Member must not be null")
            else:
                walk(shape.value, item, f"{path}.{key}", found)
    elif kind == "string":
        _string(shape, value, path, found)
    elif kind in ("integer", "long", "float", "double"):
        _range(shape, value, path, found)


def _structure(shape: Shape, value: dict[str, Any], path: str, found: Found) -> None:
    if shape.is_document_type:
        return
    required = set(shape.required_members)
    for name, member in shape.members.items():
        item = value.get(member.serialization.get("name", name))
        where = f"{path}.{name}" if path else name
        if item is None:
            if name in required:
                found.add(where, None, member, "Member must not be null")
            continue
        walk(member, item, where, found)


def _string(shape: Shape, value: str, path: str, found: Found) -> None:
    if _SURROGATE.search(value):
        found.add(path, value, shape, "Member must not contain unpaired surrogates")
        return
    enum = shape.enum
    if enum and value not in enum:
        found.add(path, value, shape, f"Member must satisfy enum value set: [{', '.join(enum)}]")
    _length(shape, value, java_length(value), path, found)
    pattern = shape.metadata.get("pattern")
    if pattern:
        compiled = compiled_pattern(pattern)
        if compiled is not None and compiled.fullmatch(value) is None:
            found.add(path, value, shape, f"Member must satisfy regular expression pattern: {pattern}")


def _length(shape: Shape, value: Any, length: int, path: str, found: Found) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and length < low:
        found.add(path, value, shape, f"Member must have length greater than or equal to {low}")
    if high is not None and length > high:
        found.add(path, value, shape, f"Member must have length less than or equal to {high}")


def _range(shape: Shape, value: float, path: str, found: Found) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and value < low:
        found.add(path, value, shape, f"Member must have value greater than or equal to {low}")
    if high is not None and value > high:
        found.add(path, value, shape, f"Member must have value less than or equal to {high}")


def _has_type(kind: str, value: Any) -> bool:
    if kind == "string" or kind == "blob":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "timestamp":
        return isinstance(value, int | float | str) and not isinstance(value, bool)
    if kind in ("structure", "map"):
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    return True


def java_length(text: str) -> int:
    """A string's length as Java counts it (UTF-16 code units), which is what AWS's limits count."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


_PATTERNS: dict[str, re.Pattern[str] | None] = {}


def compiled_pattern(pattern: str) -> re.Pattern[str] | None:
    """The model's (Java) pattern as a Python regex; None for one Python cannot read (not checked)."""
    if pattern not in _PATTERNS:
        text = pattern
        for java, python in _JAVA_CLASSES.items():
            text = text.replace(java, f"[{python}]")
        try:
            _PATTERNS[pattern] = re.compile(text, re.DOTALL)
        except re.error:
            _PATTERNS[pattern] = None
    return _PATTERNS[pattern]


def show(value: Any, shape: Shape | None = None) -> str:
    """A value as Coral quotes it in a message: `null`, or `'…'` around its Java-style text."""
    if value is None:
        return "null"
    text = _java_text(value, shape, 0)
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN] + "…"
    return f"'{text}'"


def _java_text(value: Any, shape: Shape | None, depth: int) -> str:
    if depth > 8:  # deeper values are never shown whole anyway
        return "…"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A lone surrogate cannot be written as UTF-8: show it escaped.
        return value.encode("utf-8", "backslashreplace").decode("utf-8") if _SURROGATE.search(value) else value
    if isinstance(value, list):
        member = shape.member if shape is not None and shape.type_name == "list" else None
        return "[" + ", ".join(_java_text(item, member, depth + 1) for item in value[:MAX_SHOWN]) + "]"
    if isinstance(value, dict):
        if shape is not None and shape.type_name == "structure":
            members = shape.members
            parts = [f"{name}={_java_text(value[name], member, depth + 1) if value.get(name) is not None else 'null'}"
                     for name, member in members.items()]
            return f"{shape.name}({', '.join(parts)})"
        pairs = list(value.items())[:MAX_SHOWN]
        return "{" + ", ".join(f"{key}={_java_text(item, None, depth + 1)}" for key, item in pairs) + "}"
    return str(value)
