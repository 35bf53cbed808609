"""CloudWatch Logs filter patterns: `compile_pattern(text)` → a predicate over messages.

Three stages, one module each: `lexer` (text → tokens), `parser` (tokens → a `types.Pattern`)
and `matcher` (pattern × message → bool). Errors are `PatternError`s naming the position.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import PatternError
from .matcher import matches
from .parser import parse
from .types import Pattern

__all__ = ["PatternError", "compile_pattern", "matches", "parse"]


def compile_pattern(text: str | None) -> Callable[[str], bool]:
    """A predicate for messages matching `text`; an empty or absent pattern matches all."""
    if text is None or not text.strip():
        return lambda message: True
    pattern: Pattern = parse(text)
    return lambda message: matches(pattern, message)
