"""RandomIds: version-4 UUID strings, distinct, from a per-instance seed."""

from __future__ import annotations

import uuid

from statewright.services.common.ids import RandomIds


def test_ids_are_distinct_version_4_uuids():
    ids = RandomIds()
    made = [ids() for _ in range(2000)]
    assert len(set(made)) == 2000
    parsed = [uuid.UUID(made_id) for made_id in made]
    assert all(one.version == 4 and one.variant == uuid.RFC_4122 for one in parsed)
    assert [str(one) for one in parsed] == made


def test_two_sources_do_not_repeat_each_other():
    first, second = RandomIds(), RandomIds()
    assert not {first() for _ in range(500)} & {second() for _ in range(500)}
