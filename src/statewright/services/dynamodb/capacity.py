"""Consumed capacity (`ReturnConsumedCapacity`): what a request costs the table and each of its
secondary indexes, and how the answer reports it.

AWS developer guide, "Secondary indexes" / write capacity: a write also writes every index whose
stored view of the item changes: one write to put an item into an index, one to take it out, two
when the index key changes (delete plus insert), one when only projected attributes change, and
none when the index neither held nor holds the item. Each is 1 unit per KB of the index entry.
Measured against AWS (nubo-db/dynamodb-conformance tests/tier1/putItem/indexConsumedCapacity.test.ts,
eu-west-2): `TOTAL` folds GSI and LSI units into `CapacityUnits`; `INDEXES` adds `Table` and a
`GlobalSecondaryIndexes`/`LocalSecondaryIndexes` arm only for indexes that were charged; an
identical overwrite charges no index; the arms carry `CapacityUnits` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import values as wire
from .schema import Index, Table


def write_units(*sizes: int) -> float:
    """Write capacity: 1 unit per 1 KB of the larger of the old and new item."""
    return float(max(1, math.ceil(max(sizes or (0,)) / 1024)))


def read_units(size: int, consistent: bool) -> float:
    """Read capacity: 1 unit per 4 KB strongly consistent, half that eventually consistent."""
    units = max(1, math.ceil(size / 4096))
    return float(units if consistent else units / 2)


@dataclass
class Consumed:
    """Units charged to one table and (by name) to its indexes."""

    table: float = 0.0
    indexes: dict[str, float] = field(default_factory=dict)

    def add(self, other: Consumed) -> Consumed:
        self.table += other.table
        for name, units in other.indexes.items():
            self.indexes[name] = self.indexes.get(name, 0.0) + units
        return self


def _entry(table: Table, index: Index, item: wire.Item | None) -> wire.Item | None:
    """What `index` stores of `item`: its projection, or None when the item is not in the index."""
    if item is None or table.index_key_of(index, item) is None:
        return None
    names = index.projects(table)
    return item if names is None else {name: value for name, value in item.items() if name in names}


def _entry_units(entry: wire.Item) -> float:
    return write_units(wire.item_size(entry))


def index_writes(table: Table, old: wire.Item | None, new: wire.Item | None) -> dict[str, float]:
    """The write units each index is charged when `old` becomes `new` (None: no item)."""
    charged: dict[str, float] = {}
    for index in table.indexes.values():
        before, after = _entry(table, index, old), _entry(table, index, new)
        if before == after:
            continue
        if before is not None and after is not None:
            moved = table.index_key_of(index, before) != table.index_key_of(index, after)
            charged[index.name] = _entry_units(before) + _entry_units(after) if moved else _entry_units(after)
        elif after is not None:
            charged[index.name] = _entry_units(after)
        elif before is not None:
            charged[index.name] = _entry_units(before)
    return charged


def of_write(table: Table, old: wire.Item | None, new: wire.Item | None, size: int, *,
             table_factor: float = 1.0) -> Consumed:
    """What one write costs: the table (the larger of old and new item, times `table_factor`: 2
    for a transaction's prepare and commit) and its indexes."""
    old_size = wire.item_size(old) if old is not None else 0
    return Consumed(table_factor * write_units(size, old_size), index_writes(table, old, new))


def report(mode: str, table: Table, consumed: Consumed, split: str | None = None) -> dict[str, Any] | None:
    """The `ConsumedCapacity` entry for one table, or None for `NONE`. `split`
    (`ReadCapacityUnits` or `WriteCapacityUnits`) repeats the units under that name, which AWS
    does only for transactions (single-item and batch operations report `CapacityUnits` alone:
    nubo-db/dynamodb-conformance tests/tier1/getItem/consumedCapacity.test.ts)."""
    if mode == "NONE":
        return None
    total = consumed.table + sum(consumed.indexes.values())
    result: dict[str, Any] = {"TableName": table.name, "CapacityUnits": total}
    if split is not None:
        result[split] = total
    if mode == "INDEXES":
        result["Table"] = {"CapacityUnits": consumed.table}
        if split is not None:
            result["Table"][split] = consumed.table
        for kind, member in (("GSI", "GlobalSecondaryIndexes"), ("LSI", "LocalSecondaryIndexes")):
            arm = {name: {"CapacityUnits": units} for name, units in consumed.indexes.items()
                   if name in table.indexes and table.indexes[name].kind == kind}
            if arm:
                result[member] = arm
    return result
