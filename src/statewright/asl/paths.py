"""JSONPath as Step Functions uses it: fast singular paths, and a library for the rest.

A *reference path* (`$.a.b[0]`, `$['x y']`) names at most one node; these are parsed once into a
tuple of keys and walked by hand, which is the hot path of every state. Anything else (wildcards,
filters, slices, `..`) goes to python-jsonpath, and - as with AWS's Jayway flavour - yields a list.
Paths may start with `$` (the state's data), `$$` (the context object) or `$name` (a variable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jsonpath

Key = str | int

_NAME = re.compile(r"[^.\[\]\s()'\"=<>!?@*,:]+")
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

    @property
    def singular(self) -> bool:
        return self.keys is not None

    @property
    def variable(self) -> str | None:
        """The variable name for `$name...` paths, else None."""
        return self.root[1:] if self.root not in ("$", "$$") else None

    def get(self, doc: Any) -> Any:
        """The value the path names in `doc`; a list for non-singular paths. Raises PathNotFound."""
        if self.keys is None:
            return self._query(doc)
        node = doc
        for key in self.keys:
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


def parse_keys(text: str, start: int) -> tuple[Key, ...] | None:
    """Parse `.a['b'][0]...` from `start`; None if the remainder is not a singular path."""
    keys: list[Key] = []
    i, n = start, len(text)
    while i < n:
        ch = text[i]
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
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                keys.append(inner[1:-1])
            elif re.fullmatch(r"-?\d+", inner):
                keys.append(int(inner))
            else:
                return None
            i = end + 1
        else:
            return None
    return tuple(keys)


def _bracket_end(text: str, open_at: int) -> int:
    quote = None
    for j in range(open_at + 1, len(text)):
        ch = text[j]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "]":
            return j
    return -1


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


def _compile(text: str) -> Path:
    if not isinstance(text, str) or not text.startswith("$"):
        raise PathError(str(text), "a path must start with '$'")
    m = _ROOT.match(text)
    root = m.group(0) if m else "$"
    keys = parse_keys(text, len(root))
    if keys is not None:
        return Path(text, root, keys)
    try:
        query = jsonpath.compile("$" + text[len(root) :])
    except jsonpath.JSONPathError as exc:
        raise PathError(text, f"invalid JSONPath: {exc}") from exc
    return Path(text, root, None, query)


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
