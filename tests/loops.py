"""Running a coroutine from a test, whatever else the test session runs.

The session's browser (Playwright's sync API, tests/conftest.py) keeps an asyncio event loop
running in the main thread once a console test has used it, and `asyncio.run` refuses to start
a second loop in a thread that has one. So a test's coroutine runs on a fresh loop in a thread
of its own; it is made there too, so a refused start never leaves a coroutine unawaited.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`asyncio.run(make())` on a thread of its own; its result, or its exception raised here."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(make())
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="test-event-loop")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
