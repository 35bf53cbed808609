"""The history table's row layout: which rows a step's events become, and which ids a page covers."""

from __future__ import annotations

import json

import pytest

from statewright.store.history import MAX_EVENTS_PER_ROW, events_between, history_rows, id_range


def _events(*ids: int) -> list[dict]:
    return [{"id": i, "type": "T"} for i in ids]


def _rows(events: list[dict]) -> list[tuple[int, list[int]]]:
    return [(last, [e["id"] for e in json.loads(body)]) for last, body in history_rows(events)]


def test_a_steps_consecutive_events_are_one_row_keyed_by_the_last_id():
    assert _rows(_events(4, 5, 6)) == [(6, [4, 5, 6])]
    assert _rows(_events(1)) == [(1, [1])]
    assert _rows([]) == []


def test_a_gap_in_the_ids_starts_a_new_row():
    assert _rows(_events(1, 2, 5, 6, 9)) == [(2, [1, 2]), (6, [5, 6]), (9, [9])]


def test_a_big_step_is_split_into_rows_of_at_most_the_row_size():
    ids = list(range(1, 2 * MAX_EVENTS_PER_ROW + 2))
    rows = _rows(_events(*ids))
    assert [len(row) for _, row in rows] == [MAX_EVENTS_PER_ROW, MAX_EVENTS_PER_ROW, 1]
    assert [last for last, _ in rows] == [MAX_EVENTS_PER_ROW, 2 * MAX_EVENTS_PER_ROW, len(ids)]
    assert [i for _, row in rows for i in row] == ids


def test_rows_are_json_the_store_can_hold():
    (_, body), = history_rows([{"id": 1, "text": "é\ud800"}])
    assert body.isascii() and json.loads(body) == [{"id": 1, "text": "é\ud800"}]


@pytest.mark.parametrize(("offset", "limit", "reverse", "last_id", "expected"), [
    (0, 10, False, None, (1, 10)),
    (7, 3, False, None, (8, 10)),
    (7, -1, False, None, (8, None)),
    (-4, 2, False, None, (1, 2)),        # a negative offset reads as 0, as SQLite's OFFSET does
    (0, 0, False, None, None),
    (0, 3, True, 10, (8, 10)),
    (8, 5, True, 10, (1, 2)),
    (9, 5, True, 10, (1, 1)),
    (10, 5, True, 10, None),
    (2, -1, True, 10, (1, 8)),
    (0, 3, True, None, None),           # no events at all
])
def test_the_ids_a_page_covers(offset, limit, reverse, last_id, expected):
    assert id_range(offset, limit, reverse, last_id) == expected


def test_events_between_reads_old_one_event_rows_and_new_rows_and_trims_the_ends():
    bodies = [json.dumps({"id": 1}), json.dumps(_events(2, 3, 4)), json.dumps({"id": 5}), json.dumps(_events(6, 7))]
    assert [e["id"] for e in events_between(bodies, 1, None)] == [1, 2, 3, 4, 5, 6, 7]
    assert [e["id"] for e in events_between(bodies[1:], 3, 6)] == [3, 4, 5, 6]
    assert events_between([], 1, 5) == []
