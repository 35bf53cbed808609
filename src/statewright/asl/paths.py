"""JSONPath as Step Functions uses it: fast singular paths, and a library for the rest.

A *reference path* (`$.a.b[0]`, `$['x y']`) names at most one node; these are parsed once into a
tuple of keys and walked by hand, which is the hot path of every state. Anything else (wildcards,
filters, slices, `..`) goes to python-jsonpath, and - as with AWS's Jayway flavour - yields a list.
Paths may start with `$` (the state's data), `$$` (the context object) or `$name` (a variable).

The syntax accepted is Jayway's, which AWS runs: a dot may precede a bracket (`$.[0].body` is
`$[0].body`), a dot-notation name may hold any character but space, `.`, `[` and `(` (`$.a:b`,
`$.e@f`), and a path may end in one of Jayway's functions (`$.items.length()`, `sum()`, `min()`,
`max()`, `avg()`, `stddev()`, `keys()`, `first()`, `last()`). Paths are rewritten into the
library's RFC 9535 syntax (dot names it cannot read become `['name']`) before it sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jsonpath

from .regex import QueryEnvironment

Key = str | int

# Jayway's dot-notation name: anything up to a space, `.`, `[` or `(`; a leading `*` is a wildcard.
_NAME = re.compile(r"[^.\[\s(*][^.\[\s(]*")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FUNCTION = re.compile(r"\.(length|size|min|max|avg|stddev|sum|keys|first|last)\(\)$")
_QUOTED = re.compile("'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\"", re.DOTALL)
_ROOT = re.compile(r"\$\$|\$[A-Za-z_][A-Za-z0-9_]*|\$")


class PathError(ValueError):
    """A path that cannot be parsed; `position` is the offset of the problem in the text."""

    def __init__(self, text: str, message: str, position: int = 0) -> None:
        super().__init__(f"{message} at position {position} in {text!r}")
        self.text = text
        self.position = position


class PathNotFound(LookupError):
    """A path that parses but names nothing in the document it was applied to."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass(frozen=True)
class Path:
    """A compiled JSONPath. `root` is '$', '$$' or '$name' (a variable)."""

    text: str
    root: str
    keys: tuple[Key, ...] | None  # None when the path is not singular
    query: Any = None  # a compiled python-jsonpath query for non-singular paths
    function: str | None = None  # a trailing Jayway function: `length`, `sum`, ...

    @property
    def singular(self) -> bool:
        """Names at most one node of the document (a function's value is no node)."""
        return self.keys is not None and self.function is None

    @property
    def variable(self) -> str | None:
        """The variable name for `$name...` paths, else None."""
        return self.root[1:] if self.root not in ("$", "$$") else None

    def get(self, doc: Any) -> Any:
        """The value the path names in `doc`; a list for non-singular paths. Raises PathNotFound."""
        value = self._walk(doc) if self.keys is not None else self._query(doc)
        if self.function is not None:
            return _apply_function(self.function, value, self.text)
        return value

    def _walk(self, doc: Any) -> Any:
        node = doc
        for key in self.keys or ():
            if isinstance(key, int):
                if isinstance(node, list) and -len(node) <= key < len(node):
                    node = node[key]
                    continue
            elif isinstance(node, dict) and key in node:
                node = node[key]
                continue
            raise PathNotFound(self.text)
        return node

    def _query(self, doc: Any) -> Any:
        # Re-root the query at `$`: python-jsonpath does not know `$$` or `$name`.
        try:
            return [m.obj for m in self.query.finditer(doc)]
        except jsonpath.JSONPathError as exc:
            raise PathNotFound(self.text) from exc


def _apply_function(name: str, value: Any, text: str) -> Any:
    """Jayway's path functions. The numeric ones answer doubles, as Java does."""
    if name in ("length", "size"):
        if isinstance(value, list | dict | str):
            return len(value)
    elif name == "keys":
        if isinstance(value, dict):
            return list(value)
    elif name in ("first", "last"):
        if isinstance(value, list) and value:
            return value[0 if name == "first" else -1]
    elif isinstance(value, list):
        numbers = [float(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        if numbers:
            return _NUMERIC[name](numbers)
    raise PathNotFound(text)


def _stddev(numbers: list[float]) -> float:
    mean = sum(numbers) / len(numbers)
    return float((sum((n - mean) ** 2 for n in numbers) / len(numbers)) ** 0.5)


_NUMERIC: dict[str, Any] = {
    "sum": lambda ns: float(sum(ns)),
    "min": min,
    "max": max,
    "avg": lambda ns: sum(ns) / len(ns),
    "stddev": _stddev,
}


def _unquote(inner: str) -> str | None:
    """The name in a bracket's `'name'` or `"name"`; None if it is not exactly one quoted name.
    A backslash stops the next character from closing the name but stays in it: AWS reads
    `$['Test\\""Name"']` as the key `Test\\""Name"` (recorded)."""
    m = _QUOTED.fullmatch(inner)
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def parse_keys(text: str, start: int) -> tuple[Key, ...] | None:
    """Parse `.a['b'][0]...` from `start`; None if the remainder is not a singular path."""
    keys: list[Key] = []
    i, n = start, len(text)
    while i < n:
        ch = text[i]
        if ch == "." and i + 1 < n and text[i + 1] == "[":
            i += 1  # Jayway reads `.[` as `[`
            continue
        if ch == ".":
            m = _NAME.match(text, i + 1)
            if not m:
                return None
            keys.append(m.group(0))
            i = m.end()
        elif ch == "[":
            end = _bracket_end(text, i)
            if end < 0:
                return None
            inner = text[i + 1 : end].strip()
            name = _unquote(inner)
            if name is not None:
                keys.append(name)
            elif re.fullmatch(r"-?\d+", inner):
                keys.append(int(inner))
            else:
                return None
            i = end + 1
        else:
            return None
    return tuple(keys)


def _bracket_end(text: str, open_at: int) -> int:
    """The index of the `]` closing the bracket at `open_at` (brackets inside filters nest)."""
    quote = None
    depth = 0
    j = open_at + 1
    while j < len(text):
        ch = text[j]
        if quote:
            if ch == "\\":
                j += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            if depth == 0:
                return j
            depth -= 1
        j += 1
    return -1


def _library_text(text: str, rest: str) -> str:
    """`rest` (the path after its root) in python-jsonpath's syntax. Raises PathError."""
    out: list[str] = ["$"]
    i, n = 0, len(rest)
    while i < n:
        if rest.startswith("..", i):
            out.append("..")
            i += 2
            if i < n and rest[i] not in "[*":
                i = _library_name(text, rest, i, out, deep=True)
            continue
        ch = rest[i]
        if ch == "." and i + 1 < n and rest[i + 1] in "[*":
            if rest[i + 1] == "*":
                out.append(".*")
                i += 2
            else:
                i += 1
        elif ch == ".":
            i = _library_name(text, rest, i + 1, out, deep=False)
        elif ch == "*":
            out.append("*")
            i += 1
        elif ch == "[":
            end = _bracket_end(rest, i)
            if end < 0:
                raise PathError(text, "unclosed bracket", i)
            out.append(rest[i : end + 1])
            i = end + 1
        else:
            raise PathError(text, f"unexpected character {ch!r}", i)
    return "".join(out)


def _library_name(text: str, rest: str, i: int, out: list[str], *, deep: bool) -> int:
    m = _NAME.match(rest, i)
    if not m:
        raise PathError(text, "a '.' must be followed by a name, '*' or '['", i)
    name = m.group(0)
    if _PLAIN_NAME.fullmatch(name):
        out.append(name if deep else "." + name)
    else:
        escaped = name.replace("\\", "\\\\").replace("'", "\\'")
        out.append(f"['{escaped}']")
    return m.end()


_cache: dict[str, Path] = {}


def compile_path(text: str) -> Path:
    """Compile a JSONPath (cached: definitions repeat the same paths). Raises PathError."""
    found = _cache.get(text)
    if found is not None:
        return found
    path = _compile(text)
    if len(_cache) < 10_000:
        _cache[text] = path
    return path


# Compiled queries keep a reference to their environment; one is enough for every path.
_QUERIES = QueryEnvironment()


def _compile(text: str) -> Path:
    if not isinstance(text, str) or not text.startswith("$"):
        raise PathError(str(text), "a path must start with '$'")
    m = _ROOT.match(text)
    root = m.group(0) if m else "$"
    rest = text[len(root):]
    function = _FUNCTION.search(rest)
    if function is not None:
        rest = rest[: function.start()]
    name = function.group(1) if function else None
    if rest.endswith("."):
        raise PathError(text, "a path must not end with '.'", len(text) - 1)
    keys = parse_keys(rest, 0)
    if keys is not None:
        return Path(text, root, keys, None, name)
    try:
        query = _QUERIES.compile(_library_text(text, rest))
    except jsonpath.JSONPathError as exc:
        raise PathError(text, f"invalid JSONPath: {exc}") from exc
    return Path(text, root, None, query, name)


def is_reference_path(text: str) -> bool:
    """True when `text` is a valid singular path (what ResultPath and `…Path` comparisons need)."""
    try:
        return compile_path(text).singular
    except PathError:
        return False


def set_path(doc: Any, path: Path, value: Any) -> Any:
    """Return `doc` with `value` placed at the singular `path`, creating missing objects.

    Containers along the way are copied, so the caller's `doc` is never changed. Raises
    PathNotFound when a step cannot be taken (an index past the end, a key into a non-object).
    """
    if path.keys is None or path.root != "$":
        raise PathNotFound(path.text)
    if not path.keys:
        return value
    return _set(doc, path.keys, 0, value, path.text)


def _set(node: Any, keys: tuple[Key, ...], depth: int, value: Any, text: str) -> Any:
    key = keys[depth]
    last = depth == len(keys) - 1
    if isinstance(key, int):
        if not isinstance(node, list) or not -len(node) <= key < len(node):
            raise PathNotFound(text)
        copy: Any = list(node)
    else:
        if node is None:
            node = {}
        if not isinstance(node, dict):
            raise PathNotFound(text)
        copy = dict(node)
    if last:
        copy[key] = value
    else:
        child = copy[key] if (isinstance(key, int) or key in copy) else None
        copy[key] = _set(child, keys, depth + 1, value, text)
    return copy
