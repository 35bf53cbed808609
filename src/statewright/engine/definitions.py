"""Parsed definitions, cached by the hash of their text (executions share their machine's)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from statewright.asl.definition import parse_definition
from statewright.asl.model import Definition

CACHE_SIZE = 256


def definition_hash(text: str) -> str:
    # surrogatepass: a definition with a lone surrogate still gets its own hash
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class DefinitionCache:
    """Parses each distinct definition text once (an LRU of `CACHE_SIZE` entries)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._parsed: OrderedDict[str, Definition] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, text: str, text_hash: str | None = None) -> Definition:
        """The compiled definition. Not validated again: the API validated it when the state
        machine was created or updated, and a stored execution's definition was valid then."""
        key = text_hash or definition_hash(text)
        with self._lock:
            found = self._parsed.get(key)
            if found is not None:
                self._parsed.move_to_end(key)
                return found
        parsed = parse_definition(text, check=False)
        with self._lock:
            self._parsed[key] = parsed
            while len(self._parsed) > self._size:
                self._parsed.popitem(last=False)
        return parsed

    def clear(self) -> None:
        with self._lock:
            self._parsed.clear()
