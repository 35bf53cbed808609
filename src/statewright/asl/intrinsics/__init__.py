"""Amazon States Language intrinsic functions (`States.Format(...)` and the other 17).

`parse` turns the text into a Call once (at definition time); `evaluate` runs it against the
engine's path resolver and injected randomness, so results replay exactly.
"""

from __future__ import annotations

import re

from .functions import FAILURE_ERROR, evaluate
from .lexer import IntrinsicSyntaxError
from .parser import FUNCTION_NAMES, Arg, Call, Literal, PathRef, parse

__all__ = [
    "FAILURE_ERROR",
    "FUNCTION_NAMES",
    "Arg",
    "Call",
    "IntrinsicSyntaxError",
    "Literal",
    "PathRef",
    "evaluate",
    "is_intrinsic",
    "parse",
]

_LOOKS_LIKE_CALL = re.compile(r"States\.[A-Za-z0-9]+\s*\(.*\)\s*", re.DOTALL)


def is_intrinsic(text: str) -> bool:
    """Cheap check that `text` is meant as an intrinsic call; `parse` does the real validation."""
    return isinstance(text, str) and text.startswith("States.") and bool(_LOOKS_LIKE_CALL.fullmatch(text))
