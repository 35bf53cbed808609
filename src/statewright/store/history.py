"""The layout of the `history` table: a step's events in one row, and pages of events read back.

A row is (execution, id, body). `body` is a JSON array of events with consecutive ids and `id` is
the id of its last event; a row written before this layout holds one event, its body a JSON
object and its `id` that event's id, so it reads as a one-event row and old data directories
need no migration. Writing a step costs one encoding and one row instead of one per event.

Event ids run from 1 without gaps per execution (the engine numbers them), so event number k
(from 1) has id k, and a page of events is a range of ids. Keying a row by its last id makes the
row holding event k the first row whose id is >= k, and the number of events MAX(id).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .text import dumps

# A step of a big inline Map can make thousands of events; splitting them keeps the rows a page
# must decode beyond the events it returns small.
MAX_EVENTS_PER_ROW = 500


def history_rows(events: list[dict[str, Any]]) -> Iterator[tuple[int, str]]:
    """The rows (last event id, JSON text) that store `events`: runs of consecutive ids, at most
    MAX_EVENTS_PER_ROW each (one row for a step's events in the usual case)."""
    count = len(events)
    if count == 0:
        return
    if count <= MAX_EVENTS_PER_ROW and events[-1]["id"] - events[0]["id"] == count - 1:
        yield events[-1]["id"], dumps(events)
        return
    start = 0
    for index in range(1, count + 1):
        if (index == count or index - start == MAX_EVENTS_PER_ROW
                or events[index]["id"] != events[index - 1]["id"] + 1):
            run = events[start:index]
            yield run[-1]["id"], dumps(run)
            start = index


def id_range(offset: int, limit: int, reverse: bool, last_id: int | None) -> tuple[int, int | None] | None:
    """The ids (first, last; last None for no bound) of a page `offset`, `limit` counted from the
    first event, or from the newest with `reverse` (`last_id` is then the newest event's id; None
    when the execution has none). None when the page is empty. A negative limit means no limit."""
    offset = max(offset, 0)
    if limit == 0:
        return None
    if not reverse:
        return offset + 1, (None if limit < 0 else offset + limit)
    if last_id is None or offset >= last_id:
        return None
    newest = last_id - offset
    return (1 if limit < 0 else max(1, newest - limit + 1)), newest


def events_between(bodies: Iterable[str], first: int, last: int | None) -> list[dict[str, Any]]:
    """The events with ids in [first, last] from row bodies in id order (old one-event rows
    included); the first and last rows may hold events outside the range."""
    events: list[dict[str, Any]] = []
    for body in bodies:
        value = json.loads(body)
        if isinstance(value, list):
            events.extend(value)
        else:
            events.append(value)
    if not events:
        return events
    if events[0]["id"] < first or (last is not None and events[-1]["id"] > last):
        return [event for event in events if event["id"] >= first and (last is None or event["id"] <= last)]
    return events
