"""What a state that finished normally hands back to the step: its output, where to go next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Done:
    """A state finished normally: go to `next` (None: the frame ends) with `output`."""

    output: Any
    next: str | None
    assigned: dict[str, Any]
