"""Retention: reads hide events past the group's retention; the sweep deletes them."""

from __future__ import annotations

from .conftest import DAY, NOW, call, make_stream, put


def stored(service) -> int:
    return service.db.query("SELECT count(*) FROM logs_events")[0][0]


def test_retention_hides_then_deletes_old_events(service, clock):
    make_stream(service)
    put(service, [(NOW - 10 * DAY, "ten days old")])
    put(service, [(NOW - 2 * DAY, "two days old")])
    put(service, [(NOW - DAY // 2, "recent")])
    call(service, "PutRetentionPolicy", logGroupName="/app/g", retentionInDays=3)
    got = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s", startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["two days old", "recent"]
    service.sweep()  # the sweeper, poked by PutRetentionPolicy, may have been first
    assert stored(service) == 2
    clock.now += 2 * DAY  # time passes: "two days old" is now four
    filtered = call(service, "FilterLogEvents", logGroupName="/app/g")
    assert [e["message"] for e in filtered["events"]] == ["recent"]
    assert service.sweep() == 1
    assert stored(service) == 1
    assert call(service, "DescribeLogGroups")["logGroups"][0]["storedBytes"] == len("recent")


def test_groups_without_retention_keep_everything(service, clock):
    make_stream(service)
    put(service, [(NOW - 10 * DAY, "old")])
    clock.now += 5000 * DAY
    assert service.sweep() == 0
    assert stored(service) == 1


def test_the_sweeper_runs_after_put_retention_policy(tmp_path, clock):
    import time

    from statewright.services.logs import LogsService

    service = LogsService(tmp_path / "d", now=clock, sweep_seconds=3600)
    try:
        make_stream(service)
        put(service, [(NOW - 10 * DAY, "old")])
        call(service, "PutRetentionPolicy", logGroupName="/app/g", retentionInDays=1)
        deadline = time.monotonic() + 10
        while stored(service) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stored(service) == 0
    finally:
        service.close()
