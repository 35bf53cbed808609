"""The one error a filter pattern can raise: what is wrong, and where."""

from __future__ import annotations


class PatternError(ValueError):
    """A pattern that cannot be read. `position` is the 0-based offset of the offending part."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(f"{reason} at position {position + 1}")
        self.reason = reason
        self.position = position
